package org.switchboard.telephony;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.switchboard.call.AttemptOutcome;
import org.switchboard.call.CallService;
import org.switchboard.call.Instruction;
import org.switchboard.platform.problem.Problem;

/**
 * Twilio's programmable-voice webhooks. Point the number's voice URL at {@code POST /twilio/voice} and its status
 * callback at {@code POST /twilio/status}. Replies are TwiML: a {@code <Dial>} with one {@code <Number>} or
 * {@code <Sip>} (the buyer), whose {@code url} tells Switchboard the buyer answered and whose {@code action} reports
 * how the dial ended, so the next buyer is dialled on no answer. SIP buyers get the call UUID and key as the
 * {@code X-PH-RetreaverUUID} / {@code X-PH-RetreaverKey} headers (Twilio sends {@code X-} query parameters of a SIP
 * URI as headers). Every request must carry a valid {@code X-Twilio-Signature}; one that does not is refused with
 * 403 and changes nothing.
 */
public final class TwilioRoutes {
    static final String CARRIER = "twilio";
    /** Values of Twilio's CallStatus for a call that is over. */
    private static final Set<String> ENDED = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private final CallService calls;
    private final String authToken;
    private final Supplier<String> publicBaseUrl;

    public TwilioRoutes(CallService calls, String authToken, Supplier<String> publicBaseUrl) {
        this.calls = calls;
        this.authToken = authToken;
        this.publicBaseUrl = publicBaseUrl;
    }

    public void register(HttpRules rules) {
        rules.post("/twilio/voice", signed((req, twilio) -> {
            Instruction instruction = calls.arrive(
                    CARRIER, twilio.required("CallSid"), twilio.optional("From").orElse(""), twilio.required("To"));
            return twiml(instruction);
        }));
        rules.post("/twilio/answered", signed((req, twilio) -> {
            calls.attemptEnded(
                    CarrierRequest.queryRequired(req, "call"), CarrierRequest.attempt(req), AttemptOutcome.ANSWERED);
            return Xml.empty();
        }));
        rules.post("/twilio/dial", signed((req, twilio) -> {
            String uuid = CarrierRequest.queryRequired(req, "call");
            int attempt = CarrierRequest.attempt(req);
            String status = twilio.optional("DialCallStatus").orElse("failed").toLowerCase(Locale.ROOT);
            String parent = twilio.optional("CallStatus").orElse("").toLowerCase(Locale.ROOT);
            if (ENDED.contains(parent) && !status.equals("completed")) {
                // the caller hung up while the buyer rang: end the call instead of dialling the next buyer
                calls.hangUpCarrierCall(CARRIER, twilio.required("CallSid"), twilio.seconds("CallDuration"));
                return Xml.hangup();
            }
            if (status.equals("completed") || status.equals("answered")) {
                // the bridged call is over; make sure the answer was recorded even if the answer URL was not called
                calls.attemptEnded(uuid, attempt, AttemptOutcome.ANSWERED);
                return Xml.hangup();
            }
            AttemptOutcome outcome = switch (status) {
                case "busy" -> AttemptOutcome.BUSY;
                case "no-answer" -> AttemptOutcome.NO_ANSWER;
                default -> AttemptOutcome.FAILED;
            };
            if (status.equals("canceled")) {
                return Xml.hangup();
            }
            return twiml(calls.attemptEnded(uuid, attempt, outcome)
                    .orElseThrow(() -> new Problem.NotFound("no call " + uuid)));
        }));
        // after a live change (rejection, transfer) Twilio fetches the call's new instructions here
        rules.post("/twilio/redirect", signed((req, twilio) -> {
            String uuid = CarrierRequest.queryRequired(req, "call");
            return twiml(calls.currentInstruction(uuid).orElseThrow(() -> new Problem.NotFound("no call " + uuid)));
        }));
        // a transferred call's bridge to its transfer destination is over: so is the call
        rules.post("/twilio/transferred", signed((req, twilio) -> Xml.hangup()));
        rules.post("/twilio/status", signed((req, twilio) -> {
            String status = twilio.optional("CallStatus").orElse("").toLowerCase(Locale.ROOT);
            if (ENDED.contains(status)) {
                calls.hangUpCarrierCall(CARRIER, twilio.required("CallSid"), twilio.seconds("CallDuration"));
            }
            return Xml.empty();
        }));
    }

    private Handler signed(CarrierRequest.XmlHandler handler) {
        return CarrierRequest.signed(
                publicBaseUrl,
                (req, twilio) -> Signatures.twilioValid(
                        authToken,
                        twilio.url(),
                        twilio.form().keyToValues(),
                        CarrierRequest.header(req, "X-Twilio-Signature")),
                "X-Twilio-Signature",
                handler);
    }

    String twiml(Instruction instruction) {
        return switch (instruction) {
            case Instruction.Dial dial -> {
                String callback = "call=" + dial.callUuid() + "&attempt=" + dial.attempt();
                String answered = publicBaseUrl.get() + "/twilio/answered?" + callback;
                yield Xml.response()
                        .open(
                                "Dial",
                                "action",
                                publicBaseUrl.get() + "/twilio/dial?" + callback,
                                "method",
                                "POST",
                                "timeout",
                                Integer.toString(dial.ringTimeoutSeconds()),
                                "answerOnBridge",
                                "true")
                        .text(
                                dial.sip() ? "Sip" : "Number",
                                dial.sip() ? sipUri(dial) : dial.destination(),
                                "url",
                                answered,
                                "method",
                                "POST")
                        .build();
            }
            case Instruction.Transfer transfer -> {
                String action = publicBaseUrl.get() + "/twilio/transferred?call=" + transfer.callUuid();
                yield Xml.response()
                        .open(
                                "Dial",
                                "action",
                                action,
                                "method",
                                "POST",
                                "timeout",
                                Integer.toString(transfer.ringTimeoutSeconds()))
                        .text(transfer.sip() ? "Sip" : "Number", transfer.destination())
                        .build();
            }
            case Instruction.Connect connect -> Xml.empty();
            case Instruction.Hangup hangup -> Xml.hangup();
            case Instruction.Reject reject ->
                Xml.response().element("Reject", "reason", "rejected").build();
        };
    }

    /** The SIP URI with the custom headers as {@code X-} parameters, which Twilio sends as SIP headers. */
    private static String sipUri(Instruction.Dial dial) {
        Map<String, String> headers = new TreeMap<>(dial.sipHeaders());
        String query = headers.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return dial.destination() + (query.isEmpty() ? "" : (dial.destination().contains("?") ? "&" : "?") + query);
    }
}
