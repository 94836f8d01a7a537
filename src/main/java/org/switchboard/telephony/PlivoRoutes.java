package org.switchboard.telephony;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.util.Locale;
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
    private final String publicBaseUrl;

    public PlivoRoutes(CallService calls, String authToken, String publicBaseUrl) {
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
            return "<Response></Response>";
        }));
        rules.post("/plivo/dial", signed((req, plivo) -> {
            String uuid = CarrierRequest.queryRequired(req, "call");
            int attempt = CarrierRequest.attempt(req);
            String status = plivo.optional("DialStatus").orElse("failed").toLowerCase(Locale.ROOT);
            if (status.equals("completed") || status.equals("answer")) {
                calls.attemptEnded(uuid, attempt, AttemptOutcome.ANSWERED);
                return "<Response><Hangup/></Response>";
            }
            if (status.equals("cancel")) {
                return "<Response><Hangup/></Response>";
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
        rules.post("/plivo/transferred", signed((req, plivo) -> "<Response><Hangup/></Response>"));
        rules.post("/plivo/hangup", signed((req, plivo) -> {
            calls.hangUpCarrierCall(CARRIER, plivo.required("CallUUID"), plivo.seconds("Duration"));
            return "<Response></Response>";
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
                String events = Xml.escape(publicBaseUrl + "/plivo/dial-events?" + callback);
                String action = Xml.escape(publicBaseUrl + "/plivo/dial?" + callback);
                String endpoint;
                if (dial.sip()) {
                    // Plivo prefixes each custom header with X-PH-
                    String headers = dial.sipHeaders().entrySet().stream()
                            .sorted(java.util.Map.Entry.comparingByKey())
                            .map(e -> e.getKey().replaceFirst("^X-PH-", "") + "=" + plivoHeaderValue(e.getValue()))
                            .collect(Collectors.joining(","));
                    endpoint = "<User sipHeaders=\"" + Xml.escape(headers) + "\">" + Xml.escape(dial.destination())
                            + "</User>";
                } else {
                    endpoint = "<Number>" + Xml.escape(dial.destination().replaceFirst("^\\+", "")) + "</Number>";
                }
                yield "<Response><Dial action=\"" + action + "\" method=\"POST\" timeout=\"" + dial.ringTimeoutSeconds()
                        + "\" callbackUrl=\"" + events + "\" callbackMethod=\"POST\" redirect=\"true\">" + endpoint
                        + "</Dial></Response>";
            }
            case Instruction.Transfer transfer -> {
                String action = Xml.escape(publicBaseUrl + "/plivo/transferred?call=" + transfer.callUuid());
                String endpoint = transfer.sip()
                        ? "<User>" + Xml.escape(transfer.destination()) + "</User>"
                        : "<Number>" + Xml.escape(transfer.destination().replaceFirst("^\\+", "")) + "</Number>";
                yield "<Response><Dial action=\"" + action + "\" method=\"POST\" timeout=\""
                        + transfer.ringTimeoutSeconds() + "\" redirect=\"true\">" + endpoint + "</Dial></Response>";
            }
            case Instruction.Connect connect -> "<Response></Response>";
            case Instruction.Hangup hangup -> "<Response><Hangup/></Response>";
            case Instruction.Reject reject -> "<Response><Hangup reason=\"rejected\"/></Response>";
        };
    }

    /**
     * Plivo sends a SIP header only when its value holds nothing but letters, digits and {@code %}: every other
     * character (the hyphens of a UUID) is percent-encoded.
     */
    static String plivoHeaderValue(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                out.append('%').append(String.format(java.util.Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Plivo writes numbers in E.164 without the plus. */
    private static String plus(String number) {
        String trimmed = number.strip();
        return trimmed.matches("\\d{8,15}") ? "+" + trimmed : trimmed;
    }
}
