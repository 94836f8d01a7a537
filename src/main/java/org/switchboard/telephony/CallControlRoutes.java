package org.switchboard.telephony;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.switchboard.call.AttemptOutcome;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.call.CallService;
import org.switchboard.call.Instruction;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.platform.problem.Problem;

/**
 * The carrier-neutral call-control API, for SIP stacks, the simulator and load runs. Authenticated with the
 * account's API key; only the account's own tracking numbers and calls are reachable.
 *
 * <pre>
 * POST /api/v2/call_control/calls                              {"carrier_call_id", "from", "to", "control_url"}
 * GET  /api/v2/call_control/calls/{uuid}                       the instruction the call follows now
 * POST /api/v2/call_control/calls/{uuid}/attempts/{attempt}    {"outcome": "answered|no_answer|busy|failed"}
 * POST /api/v2/call_control/calls/{uuid}/hangup                {"duration_seconds", "connected_seconds"}
 * </pre>
 *
 * Each answers {@code {"call_uuid", "instruction": {"action": "dial|transfer|connect|hangup|reject", ...}}}. When a
 * buyer rejects or transfers a connected call, the new instruction is POSTed in the same shape to the call's
 * {@code control_url}, if it gave one; a client without one may poll the call instead.
 */
public final class CallControlRoutes {
    static final String CARRIER = "api";

    private final CallService calls;
    private final CallRepository records;
    private final Function<ServerRequest, AccountId> auth;

    public CallControlRoutes(CallService calls, CallRepository records, Function<ServerRequest, AccountId> auth) {
        this.calls = calls;
        this.records = records;
        this.auth = auth;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StepOut(@Nullable String callUuid, String status, InstructionOut instruction) {}

    public void register(HttpRules rules) {
        rules.post("/api/v2/call_control/calls", this::arrive);
        rules.get("/api/v2/call_control/calls/{uuid}", this::current);
        rules.post("/api/v2/call_control/calls/{uuid}/attempts/{attempt}", this::attemptEnded);
        rules.post("/api/v2/call_control/calls/{uuid}/hangup", this::hangUp);
    }

    private void arrive(ServerRequest req, ServerResponse res) {
        AccountId account = auth.apply(req);
        JsonFields fields = new JsonFields(Http.jsonObject(req));
        String carrierCallId = fields.requiredText("carrier_call_id", 128);
        String from = fields.optionalText("from", 40).orElse("anonymous");
        String to = fields.requiredText("to", 40);
        Optional<String> controlUrl = fields.optionalText("control_url", 2_000);
        fields.finish();
        controlUrl.ifPresent(CallControlRoutes::requireHttpUrl);
        if (!ownsNumber(account, to)) {
            Http.ok(
                    res,
                    new StepOut(
                            null,
                            "rejected",
                            InstructionOut.of(new Instruction.Reject("the dialled number is not a tracking number"))));
            return;
        }
        Instruction instruction = calls.arrive(CARRIER, account.value() + ":" + carrierCallId, from, to);
        String uuid = switch (instruction) {
            case Instruction.Dial d -> d.callUuid();
            case Instruction.Connect c -> c.callUuid();
            case Instruction.Hangup h -> h.callUuid();
            case Instruction.Transfer t -> t.callUuid();
            case Instruction.Reject r -> null;
        };
        if (uuid != null) {
            controlUrl.ifPresent(url -> records.setControlUrl(uuid, url));
        }
        Http.send(res, Status.CREATED_201, step(uuid, instruction));
    }

    private void current(ServerRequest req, ServerResponse res) {
        Call call = requireCall(req);
        Http.ok(res, step(call.uuid(), calls.currentInstruction(call.uuid()).orElseThrow()));
    }

    private void attemptEnded(ServerRequest req, ServerResponse res) {
        Call call = requireCall(req);
        int attempt = attempt(req);
        JsonFields fields = new JsonFields(Http.jsonObject(req));
        String word = fields.requiredText("outcome", 20);
        fields.finish();
        AttemptOutcome outcome = AttemptOutcome.fromWord(word)
                .orElseThrow(() -> new Problem.Invalid("outcome", "must be answered, no_answer, busy or failed"));
        Instruction next = calls.attemptEnded(call.uuid(), attempt, outcome).orElseThrow();
        Http.ok(res, step(call.uuid(), next));
    }

    private void hangUp(ServerRequest req, ServerResponse res) {
        Call call = requireCall(req);
        JsonFields fields = new JsonFields(Http.jsonObject(req));
        Optional<Integer> duration = fields.optionalInteger("duration_seconds", 0, 86_400);
        Optional<Integer> connected = fields.optionalInteger("connected_seconds", 0, 86_400);
        fields.finish();
        Call ended = calls.hangUp(call.uuid(), duration, connected).orElseThrow();
        Http.ok(
                res,
                new StepOut(
                        ended.uuid(),
                        ended.status(),
                        InstructionOut.of(new Instruction.Hangup(ended.uuid(), "call is over"))));
    }

    private StepOut step(@Nullable String uuid, Instruction instruction) {
        String status = uuid == null
                ? "rejected"
                : records.findByUuid(uuid).map(Call::status).orElse("rejected");
        return new StepOut(uuid, status, InstructionOut.of(instruction));
    }

    private static void requireHttpUrl(String url) {
        Optional<String> problem;
        try {
            problem = OutboundHttp.httpUrlProblem(new URI(url));
        } catch (URISyntaxException e) {
            problem = Optional.of("is not a valid URL (spaces and some characters must be encoded)");
        }
        problem.ifPresent(why -> {
            throw new Problem.Invalid("control_url", why);
        });
    }

    private boolean ownsNumber(AccountId account, String to) {
        return calls.trackingNumberAccount(to).filter(account::equals).isPresent();
    }

    private Call requireCall(ServerRequest req) {
        AccountId account = auth.apply(req);
        String uuid = req.path().pathParameters().get("uuid");
        return records.find(account, uuid).orElseThrow(() -> new Problem.NotFound("no call with uuid " + uuid));
    }

    private static int attempt(ServerRequest req) {
        String raw = req.path().pathParameters().get("attempt");
        try {
            int attempt = Integer.parseInt(raw);
            if (attempt > 0) {
                return attempt;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new Problem.NotFound("no attempt " + raw);
    }
}
