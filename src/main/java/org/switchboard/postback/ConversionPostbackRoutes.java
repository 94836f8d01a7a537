package org.switchboard.postback;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.conversion.ConversionService;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

/**
 * Conversion postbacks with a buyer's or buyer group's Conversion key, the key in the path as on the reference
 * platform: {@code /postbacks/KEY?caller_number=...&call_uuid=...&value=...} (GET or POST, query, form or JSON).
 *
 * <p>The call is the one named by {@code call_uuid} (preferred), else the most recent call of {@code caller_number}
 * that the key's buyer (or a buyer of its group) answered, narrowed by {@code connected_duration} (seconds, within
 * {@value #DURATION_TOLERANCE_SECONDS} s) and {@code start_time} (epoch seconds, within
 * {@value #START_TOLERANCE_SECONDS} s) when given. The answer is plain text: {@code SUCCESS <call uuid> <revenue with two
 * decimals>} or {@code FAILED <reason>} with a 4xx status.
 */
public final class ConversionPostbackRoutes {
    static final int DURATION_TOLERANCE_SECONDS = 5;
    static final int START_TOLERANCE_SECONDS = 300;
    private static final int LOOK_BACK = 50;

    private final KeyedRequests keyed;
    private final CallRepository calls;
    private final BuyerGroupRepository groups;
    private final ConversionService conversions;

    public ConversionPostbackRoutes(
            LiveCallControlRoutes.KeyedAccess access,
            CallRepository calls,
            BuyerGroupRepository groups,
            ConversionService conversions) {
        this.keyed = new KeyedRequests(access.keys(), access.log());
        this.calls = calls;
        this.groups = groups;
        this.conversions = conversions;
    }

    public void register(HttpRules rules) {
        Handler handler = (req, res) -> {
            String text;
            int status = 200;
            try {
                PostbackRequest request = PostbackRequest.of(req);
                Optional<String> presented =
                        req.path().pathParameters().first("key").asOptional();
                PostbackKey key = keyed.require(presented, KeyType.CONVERSION);
                text = keyed.logged(PostbackLog.Source.of(key), "conversion", request, r -> convert(key, r));
            } catch (Problem e) {
                text = "FAILED " + e.getMessage();
                status = HttpErrors.status(e);
            }
            res.status(Status.create(status));
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send(text.getBytes(StandardCharsets.UTF_8));
        };
        for (String path : List.of("/postbacks/{key}", "/postbacks/{key}.json")) {
            rules.get(path, handler);
            rules.post(path, handler);
        }
    }

    private KeyedRequests.Plan<String> convert(PostbackKey key, PostbackRequest request) {
        PostbackRequest.CallRef ref = request.callRef();
        Optional<Money> value = value(request);
        OptionalLong duration = whole(request, "connected_duration");
        OptionalLong startTime = whole(request, "start_time");
        Set<Long> buyers = key.owner() == KeyType.Owner.BUYER
                ? Set.of(key.ownerId())
                : groups.memberIds(key.accountId(), key.ownerId());
        if (ref.callUuid().isPresent() && keyed.oneWriter()) {
            // on SQLite the call and its decision, read in the request's transaction with those of every postback of
            // its batch; on PostgreSQL, where two writers take small batches, reads in the batch cost the writer more
            // round trips than they saved the requests (a repeated postback: 4,400 against 3,100-3,400 a second)
            String uuid = ref.callUuid().get();
            return keyed.decidedInTransaction(
                    new DurableWrites.Prefetch<>(
                            ConversionService.CALLS_AND_DECISIONS, new CallRepository.Named(key.accountId(), uuid)),
                    (handle, found) -> {
                        Call call = handledBy(found.map(ConversionService.Posted::call), uuid, buyers);
                        return answered(
                                call,
                                conversions.postback(call, found.flatMap(ConversionService.Posted::decision), value));
                    });
        }
        Supplier<KeyedRequests.Plan<String>> checked = () -> {
            Call call = ref.callUuid().isPresent()
                    ? handledBy(
                            calls.find(key.accountId(), ref.callUuid().get()),
                            ref.callUuid().get(),
                            buyers)
                    : latestOfCaller(key, ref.callerNumber().orElseThrow(), buyers, duration, startTime);
            return answered(call, conversions.postback(call, value));
        };
        // the call read and the postback's own reads (its decision, the webhooks' candidates): with one writer
        // (SQLite) inside the request's transaction, on the writer's connection, which JDBI lends every read made on
        // its thread; with several (PostgreSQL) on one handle of the request's own, given back before the plan's
        // commit is waited for
        return keyed.oneWriter()
                ? KeyedRequests.decidedInTransaction(handle -> checked.get())
                : calls.sharingOneHandle(checked);
    }

    /** The posted {@code value}, if any: an amount, not negative. */
    private static Optional<Money> value(PostbackRequest request) {
        return request.param("value")
                .map(raw -> Money.tryParse(raw)
                        .filter(amount -> !amount.isNegative())
                        .orElseThrow(() -> new Problem.Invalid("value", "value is not an amount: " + raw)));
    }

    /** The call named by {@code call_uuid}, if found, which one of {@code buyers} must have handled. */
    private static Call handledBy(Optional<Call> found, String uuid, Set<Long> buyers) {
        Call call = found.orElseThrow(() -> new Problem.NotFound("no call " + uuid));
        if (call.buyerId().filter(buyers::contains).isEmpty()) {
            throw new Problem.Forbidden("call " + uuid + " was not handled by this key's buyer");
        }
        return call;
    }

    /**
     * The most recent call of {@code caller} that one of {@code buyers} handled, within the tolerances of {@code
     * duration} and {@code startTime} when given.
     */
    private Call latestOfCaller(
            PostbackKey key, String caller, Set<Long> buyers, OptionalLong duration, OptionalLong startTime) {
        return calls
                .first(key.accountId(), CallRepository.Filter.ofCaller(caller, Optional.empty()), LOOK_BACK)
                .stream()
                .filter(c -> c.buyerId().filter(buyers::contains).isPresent())
                .filter(c -> duration.isEmpty()
                        || c.connectedSeconds()
                                .filter(s -> Math.abs(s - duration.getAsLong()) <= DURATION_TOLERANCE_SECONDS)
                                .isPresent())
                .filter(c -> startTime.isEmpty()
                        || Math.abs(c.startedAt().getEpochSecond() - startTime.getAsLong()) <= START_TOLERANCE_SECONDS)
                .findFirst()
                .orElseThrow(() -> new Problem.NotFound("no call from " + caller
                        + " handled by this key's buyer"
                        + (duration.isPresent() || startTime.isPresent()
                                ? " with that connected_duration and start_time"
                                : "")));
    }

    /** The postback's plan for the request's transaction, answering {@code SUCCESS} or a refusal in plain text. */
    private static KeyedRequests.Plan<String> answered(Call call, ConversionService.PostbackPlan plan) {
        return new KeyedRequests.Plan<>() {
            @Override
            public KeyedRequests.Result<String> write(Handle handle) {
                return switch (plan.decide(handle)) {
                    case ConversionService.PostbackOutcome.Converted converted -> {
                        String text = "SUCCESS " + call.uuid() + " "
                                + converted.revenue().twoDecimals();
                        yield new KeyedRequests.Outcome<>(
                                text,
                                TagSet.empty(),
                                Optional.of(call.uuid()),
                                text + (converted.repeated() ? " (already converted; counted once)" : ""));
                    }
                    case ConversionService.PostbackOutcome.Refused refused ->
                        new KeyedRequests.Refused<>(new Problem.Conflict(null, refused.reason()));
                };
            }

            @Override
            public <R> R around(Supplier<R> commit) {
                R committed = plan.around(commit);
                plan.committed();
                return committed;
            }

            @Override
            public boolean locks() {
                return plan.locksTheCall();
            }
        };
    }

    private static OptionalLong whole(PostbackRequest request, String name) {
        Optional<String> raw = request.param(name);
        if (raw.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value >= 0) {
                return OptionalLong.of(value);
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new Problem.Invalid(name, name + " must be a whole number of seconds");
    }
}
