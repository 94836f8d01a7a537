package org.switchboard.telephony;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.switchboard.call.AttemptOutcome;
import org.switchboard.call.CallService;
import org.switchboard.call.Instruction;
import org.switchboard.platform.problem.Problem;

/**
 * Plivo's voice webhooks. Point the application's answer URL at {@code POST /plivo/answer} and its hangup URL at
 * {@code POST /plivo/hangup}. Replies are Plivo XML: a {@code <Dial>} with one {@code <Number>} or {@code <User>}
 * (the buyer); its {@code callbackUrl} reports the answer and its {@code action} how the dial ended, so the next buyer
 * is dialled on no answer. SIP buyers get {@code sipHeaders="RetreaverUUID=...,RetreaverKey=..."}, which Plivo sends
 * as {@code X-PH-RetreaverUUID} and {@code X-PH-RetreaverKey}. Every request must carry a valid {@code
 * X-Plivo-Signature-V3}; one that does not is refused with 403 and changes nothing.
 */
public final class PlivoRoutes {
    static final String CARRIER = "plivo";

    private final CallService calls;
    private final String authToken;
    private final Supplier<String> publicBaseUrl;

    public PlivoRoutes(CallService calls, String authToken, Supplier<String> publicBaseUrl) {
        this.calls = calls;
        this.authToken = authToken;
        this.publicBaseUrl = publicBaseUrl;
    }

    public void register(HttpRules rules) {
        rules.post(
                "/plivo/answer",
                signed((req, plivo) -> xml(calls.arrive(
                        CARRIER,
                        plivo.required("CallUUID"),
                        plus(plivo.optional("From").orElse("")),
                        plus(plivo.required("To"))))));
        rules.post("/plivo/dial-events", signed((req, plivo) -> {
            String action = plivo.optional("DialAction").orElse("").toLowerCase(Locale.ROOT);
            if (action.equals("answer")) {
                calls.attemptEnded(
                        CarrierRequest.queryRequired(req, "call"),
                        CarrierRequest.attempt(req),
                        AttemptOutcome.ANSWERED);
            }
            return Xml.empty();
        }));
        rules.post("/plivo/dial", signed((req, plivo) -> {
            String uuid = CarrierRequest.queryRequired(req, "call");
            int attempt = CarrierRequest.attempt(req);
            String status = plivo.optional("DialStatus").orElse("failed").toLowerCase(Locale.ROOT);
            if (status.equals("completed") || status.equals("answer")) {
                calls.attemptEnded(uuid, attempt, AttemptOutcome.ANSWERED);
                return Xml.hangup();
            }
            if (status.equals("cancel")) {
                return Xml.hangup();
            }
            AttemptOutcome outcome = switch (status) {
                case "busy" -> AttemptOutcome.BUSY;
                case "no-answer", "timeout" -> AttemptOutcome.NO_ANSWER;
                default -> AttemptOutcome.FAILED;
            };
            return xml(calls.attemptEnded(uuid, attempt, outcome)
                    .orElseThrow(() -> new Problem.NotFound("no call " + uuid)));
        }));
        // after a live change (rejection, transfer) Plivo's A leg is transferred here for its new instructions
        rules.post("/plivo/redirect", signed((req, plivo) -> {
            String uuid = CarrierRequest.queryRequired(req, "call");
            return xml(calls.currentInstruction(uuid).orElseThrow(() -> new Problem.NotFound("no call " + uuid)));
        }));
        // a transferred call's bridge to its transfer destination is over: so is the call
        rules.post("/plivo/transferred", signed((req, plivo) -> Xml.hangup()));
        rules.post("/plivo/hangup", signed((req, plivo) -> {
            calls.hangUpCarrierCall(CARRIER, plivo.required("CallUUID"), plivo.seconds("Duration"));
            return Xml.empty();
        }));
    }

    private Handler signed(CarrierRequest.XmlHandler handler) {
        return CarrierRequest.signed(
                publicBaseUrl,
                (req, plivo) -> Signatures.plivoV3Valid(
                        authToken,
                        plivo.url(),
                        plivo.form().keyToValues(),
                        CarrierRequest.header(req, "X-Plivo-Signature-V3-Nonce"),
                        CarrierRequest.header(req, "X-Plivo-Signature-V3")),
                "X-Plivo-Signature-V3",
                handler);
    }

    String xml(Instruction instruction) {
        return switch (instruction) {
            case Instruction.Dial dial -> {
                String callback = "call=" + dial.callUuid() + "&attempt=" + dial.attempt();
                Xml reply = Xml.response()
                        .open(
                                "Dial",
                                "action",
                                publicBaseUrl.get() + "/plivo/dial?" + callback,
                                "method",
                                "POST",
                                "timeout",
                                Integer.toString(dial.ringTimeoutSeconds()),
                                "callbackUrl",
                                publicBaseUrl.get() + "/plivo/dial-events?" + callback,
                                "callbackMethod",
                                "POST",
                                "redirect",
                                "true");
                if (dial.sip()) {
                    // Plivo prefixes each custom header with X-PH-
                    String headers = dial.sipHeaders().entrySet().stream()
                            .sorted(Map.Entry.comparingByKey())
                            .map(e -> e.getKey().replaceFirst("^X-PH-", "") + "=" + plivoHeaderValue(e.getValue()))
                            .collect(Collectors.joining(","));
                    reply.text("User", dial.destination(), "sipHeaders", headers);
                } else {
                    reply.text("Number", withoutPlus(dial.destination()));
                }
                yield reply.build();
            }
            case Instruction.Transfer transfer -> {
                String action = publicBaseUrl.get() + "/plivo/transferred?call=" + transfer.callUuid();
                yield Xml.response()
                        .open(
                                "Dial",
                                "action",
                                action,
                                "method",
                                "POST",
                                "timeout",
                                Integer.toString(transfer.ringTimeoutSeconds()),
                                "redirect",
                                "true")
                        .text(
                                transfer.sip() ? "User" : "Number",
                                transfer.sip() ? transfer.destination() : withoutPlus(transfer.destination()))
                        .build();
            }
            case Instruction.Connect connect -> Xml.empty();
            case Instruction.Hangup hangup -> Xml.hangup();
            case Instruction.Reject reject ->
                Xml.response().element("Hangup", "reason", "rejected").build();
        };
    }

    /**
     * Plivo sends a SIP header only when its value holds nothing but letters, digits and {@code %}: every other
     * character (the hyphens of a UUID) is percent-encoded.
     */
    static String plivoHeaderValue(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Plivo dials numbers written in E.164 without the plus. */
    private static String withoutPlus(String number) {
        return number.replaceFirst("^\\+", "");
    }

    /** Plivo writes numbers in E.164 without the plus. */
    private static String plus(String number) {
        String trimmed = number.strip();
        return trimmed.matches("\\d{8,15}") ? "+" + trimmed : trimmed;
    }
}
