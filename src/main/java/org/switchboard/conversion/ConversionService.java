package org.switchboard.conversion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.call.CallState;
import org.switchboard.call.LiveCall;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;
import org.switchboard.tag.TagSet;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookOutbox;

/**
 * Decides whether calls convert, records their money, and starts their post-call webhooks once the decision is known.
 *
 * <p>When a call ends, the first of its campaign's criteria it matches judges it (see {@link ConversionPolicy}): a
 * duration criterion decides at once (converted when the connected time reached its seconds, at the moment it did); a
 * postback criterion leaves the call pending until its buyer posts a conversion or the criterion's timeout passes
 * after the end. The post-call webhooks wait for that: then {@code connect} (if connected), {@code conversion} or
 * {@code non_conversion}, {@code postback} (if one arrived), {@code always}. A postback after the timeout still
 * converts the call and fires {@code conversion} then {@code postback}. Pending calls are stored, so a restart
 * resumes their wait; a poller expires them. The webhooks are queued in the durable outbox ({@link WebhookOutbox}),
 * in the same transaction that marks them queued, so they are queued exactly once and delivered at least once; a
 * call decided but not queued (a node stopped in between) is queued by the poller.
 *
 * <p>A second postback for a converted call never counts again: with the same value (or none) it is answered as the
 * first was, with another value it is refused.
 */
public final class ConversionService implements AutoCloseable {
    /** The webhook triggers this class starts (named apart from the criterion's {@link Trigger}). */
    private static final class Hook {
        static final org.switchboard.webhook.Trigger CONNECT = org.switchboard.webhook.Trigger.CONNECT;
        static final org.switchboard.webhook.Trigger CONVERSION = org.switchboard.webhook.Trigger.CONVERSION;
        static final org.switchboard.webhook.Trigger NON_CONVERSION = org.switchboard.webhook.Trigger.NON_CONVERSION;
        static final org.switchboard.webhook.Trigger POSTBACK = org.switchboard.webhook.Trigger.POSTBACK;
        static final org.switchboard.webhook.Trigger ALWAYS = org.switchboard.webhook.Trigger.ALWAYS;

        private Hook() {}
    }

    private static final Logger LOG = Logger.getLogger(ConversionService.class.getName());

    private final ConversionCriterionRepository criteria;
    private final ConversionRepository conversions;
    private final CallRepository calls;
    private final WebhookOutbox outbox;
    private final Function<String, LiveCall> liveCalls;
    private final Clock clock;
    /**
     * A call ended (or decided) this long ago without a decision (or without its webhooks queued) was left by a node
     * that stopped in between, and is taken up by this one.
     */
    private final Duration recoveryGrace;
    /** How often the calls ended without a decision are looked for. */
    private final Duration sweepEvery;

    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("conversion-timeouts").factory());

    /**
     * {@code liveCalls}: a call's tags (and key while live) by UUID, for webhooks fired after it ended. {@code
     * recoveryGrace}: how long after its end (or decision) a call left undecided (or its webhooks unqueued) is taken
     * up by this node; {@code sweepEvery}: how often the undecided ones are looked for.
     */
    public ConversionService(
            ConversionCriterionRepository criteria,
            ConversionRepository conversions,
            CallRepository calls,
            WebhookOutbox outbox,
            Function<String, LiveCall> liveCalls,
            Clock clock,
            Duration recoveryGrace,
            Duration sweepEvery) {
        this.criteria = criteria;
        this.conversions = conversions;
        this.calls = calls;
        this.outbox = outbox;
        this.liveCalls = liveCalls;
        this.clock = clock;
        this.recoveryGrace = recoveryGrace;
        this.sweepEvery = sweepEvery;
    }

    /** Starts expiring postback timeouts every {@code period} (and picking up webhooks a stopped node left). */
    public void start(Duration period) {
        // deliberately not kept: the task logs its own failures (so the schedule never stops on one), and close()'s
        // shutdown of the poller is what cancels it
        ScheduledFuture<?> _ = poller.scheduleWithFixedDelay(
                () -> {
                    try {
                        expireDue();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "expiring postback timeouts failed; retrying", e);
                    }
                },
                period.toMillis(), // not during start-up, which has enough to do
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The call ended: decide it, or leave it pending for its buyer's postback. */
    public void onCallEnded(Call ended, LiveCall live) {
        Call call = calls.findById(ended.id()).orElse(ended);
        Instant now = clock.instant();
        if (conversions.find(call.id()).isPresent()) {
            // a postback converted it while it was live
            judgeBuyerViewOnTheWholeCall(call, now);
            firePostCallIfDue(call.id());
            return;
        }
        TagSet tags = call.tags();
        BuyerView buyerView = buyerView(call, tags, Optional.empty());
        Optional<ConversionCriterion> criterion = call.connectedAt().isPresent()
                ? ConversionPolicy.select(
                        criteria.listFor(call.accountId(), ConversionCriterion.Owner.CAMPAIGN, call.campaignId()), tags)
                : Optional.empty();
        Conversion decided;
        if (call.connectedAt().isEmpty()) {
            decided = notConverted(call, Optional.empty(), "the call never connected to a buyer", buyerView, now);
        } else if (criterion.isEmpty()) {
            decided = notConverted(call, Optional.empty(), "no conversion criterion matches the call", buyerView, now);
        } else if (criterion.get().trigger() instanceof Trigger.Postback postback) {
            Instant deadline = call.endedAt().orElse(now).plusSeconds(postback.timeoutSeconds());
            decided = Decision.withoutMoney(
                            Conversion.State.PENDING,
                            Optional.of(criterion.get().id()),
                            "waiting for the buyer's postback until " + deadline,
                            Optional.of(deadline),
                            Optional.empty())
                    .of(call.id(), call.accountId(), buyerView, false);
        } else {
            decided = byDuration(call, criterion.get(), tags, buyerView, now);
        }
        if (!conversions.insertIfAbsent(decided, now)) {
            // a postback got there first
            judgeBuyerViewOnTheWholeCall(call, now);
            firePostCallIfDue(call.id());
            return;
        }
        if (decided.converted()) {
            writeMoneyTags(call, decided);
        }
        firePostCallIfDue(call.id());
    }

    private Conversion byDuration(
            Call call, ConversionCriterion criterion, TagSet tags, BuyerView buyerView, Instant now) {
        int connected = call.connectedSeconds().orElse(0);
        OptionalInt required = ConversionPolicy.requiredSeconds(criterion, tags);
        if (required.isEmpty()) {
            return notConverted(
                    call,
                    Optional.of(criterion.id()),
                    "criterion " + criterion.name() + " has no duration for this call",
                    buyerView,
                    now);
        }
        if (connected < required.getAsInt()) {
            return notConverted(
                    call,
                    Optional.of(criterion.id()),
                    "connected " + connected + " s of the " + required.getAsInt() + " s criterion " + criterion.name()
                            + " requires",
                    buyerView,
                    now);
        }
        Instant convertedAt = call.connectedAt().orElse(now).plusSeconds(required.getAsInt());
        Optional<String> duplicate =
                conversions.inTransaction(handle -> duplicate(handle, call, criterion, convertedAt));
        if (duplicate.isPresent()) {
            return notConverted(call, Optional.of(criterion.id()), duplicate.get(), buyerView, now);
        }
        ConversionPolicy.Amounts amounts = ConversionPolicy.amounts(criterion, tags, Optional.empty());
        return Decision.converted(
                        criterion.id(),
                        "connected " + connected + " s, reaching the " + required.getAsInt() + " s of criterion "
                                + criterion.name(),
                        now,
                        convertedAt,
                        amounts,
                        Optional.empty(),
                        Optional.empty())
                .of(call.id(), call.accountId(), buyerView, false);
    }

    /** What a conversion postback did. */
    public sealed interface PostbackOutcome {
        /** The call is converted with this revenue; {@code repeated} when an earlier postback had converted it. */
        record Converted(Call call, Money revenue, boolean repeated) implements PostbackOutcome {}

        record Refused(String reason) implements PostbackOutcome {}
    }

    /**
     * A conversion postback, checked against what was read before its transaction and decided inside it: the
     * conversion row, the call's money tags, its post-call (or late) webhooks queued in the outbox and the request's
     * own log entry are one transaction, so a postback answered SUCCESS has all of them and a crash leaves none.
     */
    public interface PostbackPlan {
        /**
         * In the request's shared transaction ({@link org.switchboard.platform.db.DurableWrites}), using only
         * {@code handle}: decides and writes. May run twice when a batch is retried; only the last run counts.
         */
        PostbackOutcome decide(Handle handle);

        /** Runs the transaction's commit under the call's lock, where its money tags change. */
        <R> R around(Supplier<R> commit);

        /** Once committed: counts the decision and starts delivering the webhooks it queued. */
        void committed();

        /** Whether the commit runs under the call's lock ({@link #around}): not for a postback answered at once. */
        default boolean locksTheCall() {
            return true;
        }

        /** A postback answered from what was read before the transaction, which then writes nothing but its log. */
        static PostbackPlan answered(PostbackOutcome outcome) {
            return new PostbackPlan() {
                @Override
                public PostbackOutcome decide(Handle handle) {
                    return outcome;
                }

                @Override
                public <R> R around(Supplier<R> commit) {
                    return commit.get();
                }

                @Override
                public void committed() {}

                @Override
                public boolean locksTheCall() {
                    return false;
                }
            };
        }
    }

    /** A call named by a postback, and its decision, as they stood when read. */
    public record Posted(Call call, Optional<Conversion> decision) {}

    /**
     * Calls named by postbacks with their decisions, read for a batch of postbacks at once: a statement for the calls
     * and one for their decisions, whatever the number of postbacks.
     */
    public static final DurableWrites.BatchRead<CallRepository.Named, Posted> CALLS_AND_DECISIONS =
            new DurableWrites.BatchRead<>() {
                @Override
                public Map<CallRepository.Named, Posted> readAll(Handle handle, Set<CallRepository.Named> named) {
                    Map<CallRepository.Named, Call> calls = CallRepository.NAMED.readAll(handle, named);
                    Map<Long, Conversion> decisions = ConversionRepository.findAll(
                            handle, calls.values().stream().map(Call::id).toList());
                    Map<CallRepository.Named, Posted> found = new HashMap<>();
                    calls.forEach((name, call) ->
                            found.put(name, new Posted(call, Optional.ofNullable(decisions.get(call.id())))));
                    return found;
                }

                // a conversion is final: a repeated postback in the same batch is answered from it
                @Override
                public boolean lasts(Posted found) {
                    return found.decision().filter(Conversion::converted).isPresent();
                }
            };

    /**
     * The buyer posts a conversion for {@code call} (already checked to be the key's buyer's, and just read), with an
     * optional value. The call's campaign criterion must be a postback criterion; the conversion counts once.
     */
    public PostbackPlan postback(Call call, Optional<Money> posted) {
        return postback(call, conversions.find(call.id()), posted);
    }

    /** As {@link #postback(Call, Optional)}, with the call's decision {@code before} as just read with it. */
    public PostbackPlan postback(Call call, Optional<Conversion> before, Optional<Money> posted) {
        Instant now = clock.instant();
        ConversionCriterionRepository.ForCall judges =
                criteria.forCall(call.accountId(), call.campaignId(), call.buyerId());
        Optional<ConversionCriterion> criterion = ConversionPolicy.select(judges.campaign(), call.tags());
        if (criterion.isEmpty() || !(criterion.get().trigger() instanceof Trigger.Postback)) {
            PostbackOutcome refused = new PostbackOutcome.Refused(criterion
                    .map(c -> "call " + call.uuid() + " is judged by criterion " + c.name()
                            + ", which converts on duration, not on a postback")
                    .orElse("no conversion criterion matches call " + call.uuid()));
            return PostbackPlan.answered(refused);
        }
        // the decision as it stands (a conversion is final, so a repeated postback is answered from it; any other
        // state is only where the conditional writes start from) and the webhooks an ended call's decision queues
        if (before.filter(Conversion::converted).isPresent()) {
            PostbackOutcome repeated = repeated(call, before.get(), posted);
            return PostbackPlan.answered(repeated);
        }
        List<Webhook> candidates = call.state() == CallState.ENDED ? outbox.candidates(call) : List.of();
        return new PostbackWrite(
                call, posted, now, criterion.get(), judges.buyer(), before, candidates, liveCalls.apply(call.uuid()));
    }

    /**
     * A postback that passed the checks made before its transaction, written inside it: converts the call (reading
     * the row again when a concurrent decision changed it first), writes its money tags and queues the webhooks the
     * conversion makes due.
     */
    private final class PostbackWrite implements PostbackPlan {
        /** How many times the row is read and written before a postback racing other decisions gives up. */
        private static final int ATTEMPTS = 5;

        private final Call call;
        private final Optional<Money> posted;
        private final Instant now;
        private final ConversionCriterion criterion;
        private final List<ConversionCriterion> buyerCriteria;
        /** The decision as read before the transaction. */
        private final Optional<Conversion> before;
        /** The webhooks an ended call's decision queues, read before the transaction. */
        private final List<Webhook> candidates;

        private final LiveCall live;
        private Optional<Conversion> stored = Optional.empty();
        private boolean queued;
        private boolean fireLater;

        PostbackWrite(
                Call call,
                Optional<Money> posted,
                Instant now,
                ConversionCriterion criterion,
                List<ConversionCriterion> buyerCriteria,
                Optional<Conversion> before,
                List<Webhook> candidates,
                LiveCall live) {
            this.call = call;
            this.posted = posted;
            this.now = now;
            this.criterion = criterion;
            this.buyerCriteria = buyerCriteria;
            this.before = before;
            this.candidates = candidates;
            this.live = live;
        }

        @Override
        public PostbackOutcome decide(Handle handle) {
            stored = Optional.empty();
            queued = false;
            fireLater = false;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<Conversion> existing = attempt == 0 ? before : ConversionRepository.find(handle, call.id());
                if (existing.filter(Conversion::converted).isPresent()) {
                    return repeated(call, existing.get(), posted);
                }
                Optional<String> duplicate = duplicate(handle, call, criterion, now);
                if (duplicate.isPresent()) {
                    return new PostbackOutcome.Refused(duplicate.get());
                }
                // the buyer's own criteria judge the call as it is now: read after the decision row, a call whose end
                // wrote that row shows as ended (a live call's view is judged again when it ends, by onCallEnded); an
                // ended call does not change
                Call current = call.state() == CallState.ENDED
                        ? call
                        : CallRepository.findById(handle, call.id()).orElse(call);
                Conversion converted = converted(current, existing);
                if (write(handle, converted, existing)) {
                    stored = Optional.of(converted);
                    writeMoneyTags(handle, live, converted);
                    queueWebhooks(handle, current, existing, converted);
                    return new PostbackOutcome.Converted(call, converted.revenue(), false);
                }
                // someone else changed it first: look again
            }
            return new PostbackOutcome.Refused(
                    "the call's conversion is changing under concurrent postbacks; try again");
        }

        /** The row this postback writes: converted, judged by the buyer's criteria on {@code current}. */
        private Conversion converted(Call current, Optional<Conversion> existing) {
            ConversionPolicy.Amounts amounts = ConversionPolicy.amounts(criterion, call.tags(), posted);
            BuyerView buyerView = buyerView(current, call.tags(), posted, buyerCriteria);
            return Decision.converted(
                            criterion.id(),
                            "converted by the buyer's postback under criterion " + criterion.name(),
                            now,
                            now,
                            amounts,
                            posted,
                            Optional.of(now))
                    .of(
                            call.id(),
                            call.accountId(),
                            buyerView,
                            existing.map(Conversion::postCallFired).orElse(false));
        }

        /** Writes {@code converted} unless another decision changed the row since {@code existing} was read. */
        private boolean write(Handle handle, Conversion converted, Optional<Conversion> existing) {
            return existing.isEmpty()
                    ? ConversionRepository.insertIfAbsent(handle, converted, now)
                    : ConversionRepository.replace(
                            handle, converted, existing.get().state(), now);
        }

        /**
         * The post-call webhooks, or, when the timeout's non-conversion ones already went out, the late ones; a call
         * that ended since it was read is left to the check after the commit.
         */
        private void queueWebhooks(Handle handle, Call current, Optional<Conversion> existing, Conversion converted) {
            if (current.state() != CallState.ENDED) {
                return;
            }
            if (call.state() != CallState.ENDED) {
                fireLater = true;
            } else if (!converted.postCallFired()) {
                queued |= queuePostCall(handle, call, candidates, now);
            } else if (existing.get().state() == Conversion.State.NOT_CONVERTED) {
                queued |= queueLate(handle, call, candidates, now);
            }
        }

        @Override
        public <R> R around(Supplier<R> commit) {
            return live.underLock(commit);
        }

        @Override
        public void committed() {
            stored.ifPresent(conversions::count);
            if (queued) {
                outbox.wake();
            }
            if (fireLater) {
                firePostCallIfDue(call.id());
                fireLateIfDue(call.id());
            }
        }
    }

    private PostbackOutcome repeated(Call call, Conversion existing, Optional<Money> posted) {
        boolean same = posted.isEmpty()
                || existing.posted().filter(p -> p.compareTo(posted.get()) == 0).isPresent()
                || (existing.posted().isEmpty() && existing.revenue().compareTo(posted.get()) == 0);
        if (same) {
            return new PostbackOutcome.Converted(call, existing.revenue(), true);
        }
        return new PostbackOutcome.Refused("call " + call.uuid() + " already converted with "
                + existing.revenue().twoDecimals() + "; a conversion counts once");
    }

    /** How far back the first sweep for undecided calls looks (a node may have been down this long). */
    private static final Duration FIRST_SWEEP = Duration.ofDays(7);
    /** How far back later sweeps look. */
    private static final Duration SWEEP_BACK = Duration.ofMinutes(10);

    private volatile Instant lastSweep = Instant.EPOCH;

    /**
     * Expires the postback timeouts that have passed, decides calls a stopped node ended without deciding, and queues
     * webhooks a stopped node left unqueued.
     */
    public void expireDue() {
        Instant now = clock.instant();
        if (Duration.between(lastSweep, now).compareTo(sweepEvery) >= 0) {
            decideUndecided(now);
        }
        for (long callId : conversions.due(now, 500)) {
            Optional<Conversion> pending = conversions.find(callId).filter(c -> c.state() == Conversion.State.PENDING);
            if (pending.isEmpty()) {
                continue;
            }
            Conversion c = pending.get();
            Conversion expired = Decision.withoutMoney(
                            Conversion.State.NOT_CONVERTED,
                            c.criterionId(),
                            "no postback from the buyer by " + c.deadlineAt().orElse(now),
                            c.deadlineAt(),
                            Optional.of(now))
                    .of(c.callId(), c.accountId(), BuyerView.of(c), c.postCallFired());
            if (conversions.replace(expired, Conversion.State.PENDING, now)) {
                firePostCallIfDue(callId);
            }
        }
        for (long callId : conversions.unfired(now.minus(recoveryGrace), 500)) {
            restoreMoneyTags(callId);
            firePostCallIfDue(callId);
        }
        for (long callId : conversions.lateDue(500)) {
            restoreMoneyTags(callId);
            fireLateIfDue(callId);
        }
    }

    /**
     * Decides calls that ended at least {@link #recoveryGrace} ago without a decision (a node stopped between ending
     * the call and deciding it), so their post-call webhooks are queued like any other's.
     */
    private void decideUndecided(Instant now) {
        Instant from = lastSweep.equals(Instant.EPOCH) ? now.minus(FIRST_SWEEP) : now.minus(SWEEP_BACK);
        for (long callId : conversions.undecided(from, now.minus(recoveryGrace), 500)) {
            calls.findById(callId).ifPresent(call -> onCallEnded(call, liveCalls.apply(call.uuid())));
        }
        lastSweep = now;
    }

    /**
     * Queues the call's post-call webhooks if it has ended, is decided, and nobody queued them yet. They say the
     * decision as the claim found it (the claim refuses a pending one), and claim and queue are one transaction: a
     * conversion replacing a non-conversion after it is marked late and queued on its own, once.
     */
    private void firePostCallIfDue(long callId) {
        Optional<Call> found = calls.findById(callId).filter(c -> c.state() == CallState.ENDED);
        if (found.isEmpty()) {
            return;
        }
        Call call = found.get();
        List<Webhook> candidates = outbox.candidates(call); // read before the transaction, which holds the writer
        boolean queued = conversions.inTransaction(handle -> queuePostCall(handle, call, candidates, clock.instant()));
        if (queued) {
            outbox.wake();
        }
    }

    /** In the caller's transaction: claims the ended call's post-call webhooks and queues them, if nobody did. */
    private boolean queuePostCall(Handle handle, Call call, List<Webhook> candidates, Instant now) {
        return conversions
                .claimPostCall(handle, call.id(), now)
                .map(decided -> {
                    outbox.enqueue(handle, call, candidates, postCallTriggers(call, decided));
                    return true;
                })
                .orElse(false);
    }

    private static List<org.switchboard.webhook.Trigger> postCallTriggers(
            Call call, ConversionRepository.PostCallClaim decided) {
        List<org.switchboard.webhook.Trigger> triggers = new ArrayList<>();
        if (call.connectedAt().isPresent()) {
            triggers.add(Hook.CONNECT);
        }
        triggers.add(decided.converted() ? Hook.CONVERSION : Hook.NON_CONVERSION);
        if (decided.postedBack()) {
            triggers.add(Hook.POSTBACK);
        }
        triggers.add(Hook.ALWAYS);
        return triggers;
    }

    /** Queues a late conversion's {@code conversion} and {@code postback} webhooks if nobody queued them yet. */
    private void fireLateIfDue(long callId) {
        Optional<Call> found = calls.findById(callId);
        if (found.isEmpty()) {
            return;
        }
        List<Webhook> candidates = outbox.candidates(found.get());
        boolean queued =
                conversions.inTransaction(handle -> queueLate(handle, found.get(), candidates, clock.instant()));
        if (queued) {
            outbox.wake();
        }
    }

    /** In the caller's transaction: claims a late conversion's webhooks and queues them, if nobody did. */
    private boolean queueLate(Handle handle, Call call, List<Webhook> candidates, Instant now) {
        if (!conversions.claimLate(handle, call.id(), now)) {
            return false;
        }
        outbox.enqueue(handle, call, candidates, List.of(Hook.CONVERSION, Hook.POSTBACK));
        return true;
    }

    /**
     * A converted call's money tags, written again before its webhooks are queued by the poller: a node that stopped
     * between the decision and writing them must not leave {@code [payout]} empty.
     */
    private void restoreMoneyTags(long callId) {
        Optional<Conversion> converted = conversions.find(callId).filter(Conversion::converted);
        Optional<Call> call = calls.findById(callId);
        if (converted.isPresent() && call.isPresent()) {
            writeMoneyTags(call.get(), converted.get());
        }
    }

    /** {@code [revenue]} and {@code [payout]} in the webhooks that follow: the call's tags of those names. */
    private void writeMoneyTags(Call call, Conversion converted) {
        liveCalls.apply(call.uuid()).changeTags("the conversion decision", tags -> withMoney(tags, converted));
    }

    /** {@link #writeMoneyTags(Call, Conversion)} in the caller's transaction, committed under the call's lock. */
    private static void writeMoneyTags(Handle handle, LiveCall live, Conversion converted) {
        live.changeTags(handle, "the conversion decision", tags -> withMoney(tags, converted));
    }

    private static TagSet withMoney(TagSet tags, Conversion converted) {
        return tags.replacing("revenue", Set.of(converted.revenue().twoDecimals()))
                .replacing("payout", Set.of(converted.payout().twoDecimals()));
    }

    /** Why a conversion would be a duplicate (the caller converted for this buyer within the window), if it would. */
    private static Optional<String> duplicate(Handle handle, Call call, ConversionCriterion criterion, Instant at) {
        if (criterion.duplicateWindowSeconds() <= 0 || call.buyerId().isEmpty()) {
            return Optional.empty();
        }
        Instant since = at.minusSeconds(criterion.duplicateWindowSeconds());
        return ConversionRepository.convertedForBuyerSince(
                        handle,
                        call.accountId(),
                        call.callerNumber(),
                        call.buyerId().get(),
                        since,
                        call.id())
                ? Optional.of("duplicate: the caller already converted for this buyer within "
                        + criterion.duplicateWindowSeconds() + " s")
                : Optional.empty();
    }

    /** The buyer's own view of the call, from the buyer's criteria. */
    private record BuyerView(Optional<Long> criterionId, boolean converted, Money revenue) {
        static final BuyerView NONE = new BuyerView(Optional.empty(), false, Money.ZERO);

        /** The view {@code decided} holds. */
        static BuyerView of(Conversion decided) {
            return new BuyerView(decided.buyerCriterionId(), decided.buyerConverted(), decided.buyerRevenue());
        }
    }

    /**
     * A postback converted the call while it was live, when the buyer's duration criteria could not be judged yet
     * (the call had no connected time): judges them again on the ended call.
     */
    private void judgeBuyerViewOnTheWholeCall(Call ended, Instant now) {
        conversions.find(ended.id()).ifPresent(decided -> {
            BuyerView view = buyerView(ended, ended.tags(), decided.posted());
            conversions.setBuyerView(ended.id(), view.criterionId(), view.converted(), view.revenue(), now);
        });
    }

    /**
     * The buyer's criteria judge the call too: a duration criterion when the call ends, a postback criterion when
     * the buyer posts ({@code posted} present).
     */
    private BuyerView buyerView(Call call, TagSet tags, Optional<Money> posted) {
        if (call.buyerId().isEmpty() || call.connectedAt().isEmpty()) {
            return BuyerView.NONE;
        }
        return buyerView(
                call,
                tags,
                posted,
                criteria.listFor(
                        call.accountId(),
                        ConversionCriterion.Owner.BUYER,
                        call.buyerId().get()));
    }

    /** {@link #buyerView(Call, TagSet, Optional)} with the buyer's criteria already read. */
    private static BuyerView buyerView(
            Call call, TagSet tags, Optional<Money> posted, List<ConversionCriterion> buyerCriteria) {
        if (call.buyerId().isEmpty() || call.connectedAt().isEmpty()) {
            return BuyerView.NONE;
        }
        Optional<ConversionCriterion> criterion = ConversionPolicy.select(buyerCriteria, tags);
        if (criterion.isEmpty()) {
            return BuyerView.NONE;
        }
        ConversionCriterion c = criterion.get();
        boolean converted = c.trigger() instanceof Trigger.Postback
                ? posted.isPresent()
                : ConversionPolicy.durationReached(
                        c, tags, call.connectedSeconds().orElse(0));
        if (!converted) {
            return new BuyerView(Optional.of(c.id()), false, Money.ZERO);
        }
        return new BuyerView(
                Optional.of(c.id()),
                true,
                ConversionPolicy.amounts(c, tags, posted).revenue().orElse(Money.ZERO));
    }

    private static Conversion notConverted(
            Call call, Optional<Long> criterionId, String reason, BuyerView buyerView, Instant now) {
        return Decision.withoutMoney(
                        Conversion.State.NOT_CONVERTED, criterionId, reason, Optional.empty(), Optional.of(now))
                .of(call.id(), call.accountId(), buyerView, false);
    }

    /**
     * What was decided about a call, apart from whose call it is and the buyer's view: the one place a {@link
     * Conversion} row is built here.
     */
    private record Decision(
            Conversion.State state,
            Optional<Long> criterionId,
            String reason,
            Optional<Instant> deadlineAt,
            Optional<Instant> decidedAt,
            Optional<Instant> convertedAt,
            Money revenue,
            Money payout,
            Optional<Money> posted,
            Optional<Instant> postbackAt) {

        /** A decision that has earned nothing (yet): pending its postback, or not converted. */
        static Decision withoutMoney(
                Conversion.State state,
                Optional<Long> criterionId,
                String reason,
                Optional<Instant> deadlineAt,
                Optional<Instant> decidedAt) {
            return new Decision(
                    state,
                    criterionId,
                    reason,
                    deadlineAt,
                    decidedAt,
                    Optional.empty(),
                    Money.ZERO,
                    Money.ZERO,
                    Optional.empty(),
                    Optional.empty());
        }

        /** The call converted at {@code convertedAt} under {@code criterionId}, earning {@code amounts}. */
        static Decision converted(
                long criterionId,
                String reason,
                Instant decidedAt,
                Instant convertedAt,
                ConversionPolicy.Amounts amounts,
                Optional<Money> posted,
                Optional<Instant> postbackAt) {
            return new Decision(
                    Conversion.State.CONVERTED,
                    Optional.of(criterionId),
                    reason,
                    Optional.empty(),
                    Optional.of(decidedAt),
                    Optional.of(convertedAt),
                    amounts.revenue().orElse(Money.ZERO),
                    amounts.payout().orElse(Money.ZERO),
                    posted,
                    postbackAt);
        }

        /** The row for call {@code callId}, whose post-call webhooks were queued already if {@code postCallFired}. */
        Conversion of(long callId, AccountId accountId, BuyerView buyerView, boolean postCallFired) {
            return new Conversion(
                    callId,
                    accountId,
                    state,
                    criterionId,
                    reason,
                    deadlineAt,
                    decidedAt,
                    convertedAt,
                    revenue,
                    payout,
                    posted,
                    postbackAt,
                    buyerView.criterionId(),
                    buyerView.converted(),
                    buyerView.revenue(),
                    postCallFired);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
