package org.switchboard.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerRepository;
import org.switchboard.campaign.Campaign;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.number.TrackingNumber;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.secret.Secrets;
import org.switchboard.platform.time.Deadline;
import org.switchboard.routing.Consideration;
import org.switchboard.routing.RoutingPlan;
import org.switchboard.routing.RoutingService;
import org.switchboard.tag.TagSet;

/**
 * The life of a call, driven by the carrier: {@link #arrive}, then {@link #attemptEnded} for each dialled buyer,
 * then {@link #hangUp}. Each step records its transition and answers with the next {@link Instruction}. Steps of
 * one call are serialised; steps are idempotent where carriers retry (a repeated arrival or hang-up answers as the
 * first did).
 *
 * <p>Live-only state (the call key, the caps held for the buyer being dialled, connected-duration timers) is kept in
 * memory for the life of the call; the durable record is in the store.
 */
public final class CallService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallService.class.getName());
    /** How long call-start hooks (start and passthrough pings) may hold a call before routing. */
    public static final Duration START_HOOKS_TIMEOUT = Duration.ofSeconds(5);

    private static final long START_HOOKS_GRACE_MS = 500;
    /** By default, a dial whose outcome the carrier has not reported this long after the ring timeout is given up. */
    public static final Duration DIAL_GRACE = Duration.ofSeconds(60);
    /** A connected call with no hang-up report after this long is closed, so its caps are not held forever. */
    public static final Duration MAX_CONNECTED = Duration.ofHours(4);

    private final CallRepository calls;
    private final CampaignRepository campaigns;
    private volatile Configuration configuration;

    /** Where an arriving call looks up its tracking number and campaign: SQL, or a cache once one is set. */
    public interface Configuration {
        /** The tracking number with this E.164 form, in whatever account holds it. */
        Optional<TrackingNumber> trackingNumber(String e164);

        /** The account's campaign; empty when it has none with this id. */
        Optional<Campaign> campaign(AccountId account, long campaignId);
    }

    private final BuyerRepository buyers;
    private final CallTagging tagging;
    private final RoutingService routing;
    private final CallHooks hooks;
    private final Duration dialGrace;
    private final Clock clock;

    private final Map<String, KeyLock> keyToLock = new ConcurrentHashMap<>();
    /**
     * The live part of the calls this node handles. With several nodes ({@code shared} present) it is a cache of the
     * shared record, loaded when a call's lock is taken and stored when it is let go.
     */
    private final Map<String, Live> uuidToLive = new ConcurrentHashMap<>();

    private final Optional<SharedCalls> shared;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("call-timers").factory());

    /** What a live call holds besides its record. */
    private static final class Live {
        String callKey;
        RoutingService.Hold hold = RoutingService.Hold.NONE;
        /** The RTB reservation the call claimed: its caps, held since the ping, serve the first dial of its buyer. */
        Optional<RoutingService.Claim> claim = Optional.empty();

        final List<ScheduledFuture<?>> timers = new ArrayList<>();

        @Nullable
        ScheduledFuture<?> watchdog;

        void watch(@Nullable ScheduledFuture<?> next) {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            watchdog = next;
        }

        Live(String callKey) {
            this.callKey = callKey;
        }
    }

    public CallService(
            CallRepository calls,
            TrackingNumberRepository numbers,
            CampaignRepository campaigns,
            BuyerRepository buyers,
            CallTagging tagging,
            RoutingService routing,
            CallHooks hooks,
            Duration dialGrace,
            Optional<SharedCalls> shared,
            Clock clock) {
        this.dialGrace = dialGrace;
        this.shared = shared;
        this.calls = calls;
        this.campaigns = campaigns;
        this.configuration = new Configuration() {
            @Override
            public Optional<TrackingNumber> trackingNumber(String e164) {
                return numbers.findByNumber(e164);
            }

            @Override
            public Optional<Campaign> campaign(AccountId account, long campaignId) {
                return campaigns.find(account, campaignId);
            }
        };
        this.buyers = buyers;
        this.tagging = tagging;
        this.routing = routing;
        this.hooks = hooks;
        this.clock = clock;
        // the concurrency units of this node's live calls are leases: renewed while the calls live, so a node that
        // dies gives its calls' units back within a lease instead of keeping them counted for ever
        long every = routing.lease().toMillis() / 3;
        // deliberately not kept: each tick only starts a thread (renewLeases logs its own failures), and the timers'
        // shutdown is what cancels it
        ScheduledFuture<?> _ = timers.scheduleAtFixedRate(
                () -> Thread.ofVirtual().start(this::renewLeases), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Extends the leases of every live call's held units (and of the reservation holds they claimed) that this node
     * handled. With several nodes, a call that another node has ended since is dropped here instead.
     */
    private void renewLeases() {
        Instant now = clock.instant();
        for (var entry : uuidToLive.entrySet()) {
            try {
                if (shared.isPresent()) {
                    Optional<SharedCalls.State> state = shared.get().load(entry.getKey());
                    if (state.isEmpty()) {
                        forget(entry.getKey());
                        continue;
                    }
                    entry.getValue().hold = state.get().hold();
                    entry.getValue().claim = state.get().claim();
                }
                renew(entry.getValue(), now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "renewing a live call's cap leases failed; retrying at the next round", e);
            }
        }
    }

    /** Drops this node's copy of a call's live part, with its timers (the call ended here or elsewhere). */
    private void forget(String uuid) {
        Live live = uuidToLive.remove(uuid);
        if (live != null) {
            live.timers.forEach(timer -> timer.cancel(false));
            live.watch(null);
        }
    }

    private void renew(Live live, Instant now) {
        routing.renew(live.hold, now);
        live.claim.flatMap(RoutingService.Claim::hold).ifPresent(hold -> routing.renew(hold, now));
    }

    /**
     * From now on, arriving calls look up their tracking number and campaign in {@code cache} (the RTB engine's
     * configuration, kept current by the configuration changes), and a campaign it does not hold in SQL.
     */
    public void readConfigurationFrom(Configuration cache) {
        this.configuration = cache;
    }

    /**
     * A call arrives from {@code from} on the tracking number {@code to}. Unknown numbers are rejected without a
     * record; a repeated arrival of the same carrier call answers with the call's current instruction.
     */
    public Instruction arrive(String carrier, String carrierCallId, String from, String to) {
        Optional<TrackingNumber> number = PhoneNumbers.toE164(to).flatMap(configuration::trackingNumber);
        if (number.isEmpty()) {
            return new Instruction.Reject("the dialled number is not a tracking number");
        }
        // one arrival of a carrier call at a time: a carrier's retry waits for the first and gets its answer
        return withLock("arrival:" + carrier + ":" + carrierCallId, () -> {
            Optional<Call> existing = calls.findByCarrierId(carrier, carrierCallId);
            if (existing.isPresent()) {
                return withLock(
                        existing.get().uuid(),
                        () -> current(calls.findByUuid(existing.get().uuid()).orElseThrow()));
            }
            String uuid = UUID.randomUUID().toString();
            return withLock(uuid, () -> start(uuid, carrier, carrierCallId, from, number.get()));
        });
    }

    private Instruction start(String uuid, String carrier, String carrierCallId, String from, TrackingNumber tracking) {
        Campaign campaign = campaignOf(tracking);
        String caller = callerNumber(from);
        String callKey = Secrets.randomBase58(32);
        Instant now = clock.instant();
        // a call from a caller an RTB ping reserved a buyer for, to the number the ping answered, claims it
        Optional<RoutingService.Claim> claim = routing.claim(tracking.accountId(), tracking.number(), caller, uuid);
        CallTagging.Source source = claim.map(
                        c -> new CallTagging.Source(c.publisherId().or(tracking::publisherId), c.numberTags()))
                .orElseGet(() -> CallTagging.Source.of(tracking));
        TagTrail trail = tagging.initialTags(tracking.accountId(), campaign, tracking, source, caller, now);
        CallTagging.Repeat repeat = tagging.repeat(tracking.accountId(), campaign, caller, uuid, now);
        trail.apply("the caller's earlier call (repeat caller)", t -> t.withAll(repeat.carriedTags()));
        claim.ifPresent(c -> trail.apply(
                "RTB reservation " + c.reservationUuid(),
                t -> t.withAll(c.tags()).replacing("rtb_reservation_uuid", Set.of(c.reservationUuid()))));
        TagSet tags = trail.tags();
        // the call, its arrival and how its tags came to be commit together
        Call call = calls.inOneTransaction(() -> {
            Call inserted = calls.insert(new CallRepository.NewCall(
                    uuid,
                    tracking.accountId(),
                    campaign.id(),
                    tracking.id(),
                    source.publisherId(),
                    carrier,
                    carrierCallId,
                    caller,
                    tracking.number(),
                    Secrets.digest(callKey),
                    tags,
                    now));
            event(inserted, CallState.RINGING, arrival(tracking, campaign, repeat, claim));
            calls.addTagChanges(inserted.id(), trail.changes());
            return inserted;
        });
        Live started = new Live(callKey);
        started.claim = claim;
        renew(started, now); // a claimed reservation's lease runs from the ping: the call holds it from now on
        uuidToLive.put(uuid, started);
        TagSet routedTags = startHooks(call);
        Instant hooked = clock.instant();
        RoutingPlan plan =
                routing.plan(tracking.accountId(), campaign.id(), routedTags, caller, repeat.routing(), hooked);
        BuyerOrder order = BuyerOrder.of(plan, claim);
        // what the call-start webhooks answered and the buyers it will dial commit together
        Call routed = calls.inOneTransaction(() -> {
            calls.addTagChanges(
                    call.id(),
                    List.of(TagTrail.change(hooked, "the call-start webhooks' responses", call.tags(), routedTags)));
            calls.updateRouting(call.id(), routedTags, order.buyerIds(), order.considered());
            return calls.findByUuid(uuid).orElseThrow();
        });
        if (plan.blocked().isPresent() && claim.isEmpty()) {
            return end(routed, CallOutcome.NO_BUYER, plan.blocked().get(), Optional.empty(), Optional.empty());
        }
        return dialNext(routed);
    }

    /** The number's campaign: from the configuration, or from SQL where a cache does not hold it. */
    private Campaign campaignOf(TrackingNumber tracking) {
        return configuration
                .campaign(tracking.accountId(), tracking.campaignId())
                .or(() -> campaigns.find(tracking.accountId(), tracking.campaignId()))
                .orElseThrow();
    }

    /** The ringing event's words: where the call arrived, whether it repeats a caller, the reservation it claims. */
    private static String arrival(
            TrackingNumber tracking,
            Campaign campaign,
            CallTagging.Repeat repeat,
            Optional<RoutingService.Claim> claim) {
        return "call arrived on " + tracking.number() + " for campaign " + campaign.name()
                + (repeat.repeatCall() ? " (repeat caller)" : "")
                + claim.map(c -> "; it claims RTB reservation " + c.reservationUuid())
                        .orElse("");
    }

    /** The buyers a call dials, in order, and every buyer considered with its verdict. */
    private record BuyerOrder(List<Long> buyerIds, List<Consideration> considered) {
        /**
         * The plan's order; with a claimed RTB reservation, the reserved buyer first (its caps may already be held
         * for this call, so the cap check does not apply to it), or only it when the key routes only to reserved
         * buyers.
         */
        static BuyerOrder of(RoutingPlan plan, Optional<RoutingService.Claim> claim) {
            List<Long> order = plan.order().stream().map(c -> c.buyer().id()).toList();
            if (claim.isEmpty()) {
                return new BuyerOrder(order, plan.considered());
            }
            long reserved = claim.get().buyerId();
            List<Long> claimedOrder = new ArrayList<>(List.of(reserved));
            if (!claim.get().onlyReservedBuyer()) {
                order.stream().filter(id -> id != reserved).forEach(claimedOrder::add);
            }
            List<Consideration> considered = new ArrayList<>(plan.considered());
            considered.replaceAll(c -> c.buyerId() == reserved
                    ? c.withReason(
                            true, "reserved by RTB reservation " + claim.get().reservationUuid())
                    : c);
            return new BuyerOrder(claimedOrder, considered);
        }
    }

    /**
     * Runs the call-start hooks on their own virtual thread and waits at most {@link #START_HOOKS_TIMEOUT}: a slow
     * ping delays this call's routing, never beyond the timeout, and no other call.
     */
    private TagSet startHooks(Call call) {
        Deadline deadline = Deadline.in(START_HOOKS_TIMEOUT, clock);
        var task = new FutureTask<TagSet>(() -> hooks.onStart(call, deadline, tagsOf(call.uuid())));
        Thread.ofVirtual().name("start-hooks-" + call.uuid()).start(task);
        try {
            // a little past the hooks' own deadline, so pings cut at the deadline can still hand back what they got
            TagSet tags = task.get(START_HOOKS_TIMEOUT.toMillis() + START_HOOKS_GRACE_MS, TimeUnit.MILLISECONDS);
            return tags == null ? call.tags() : tags;
        } catch (TimeoutException e) {
            task.cancel(true);
            event(
                    call,
                    CallState.RINGING,
                    "call-start pings gave no answer within " + START_HOOKS_TIMEOUT.toSeconds()
                            + " s; routing without them");
            return call.tags();
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "call hook start failed for call " + call.uuid(), e.getCause());
            return call.tags();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            return call.tags();
        }
    }

    /** The caller as E.164 when it is a phone number, else as given (a SIP address), within the column's size. */
    private static String callerNumber(String from) {
        String raw = from == null ? "" : from.strip();
        String caller = PhoneNumbers.toE164(raw).orElse(raw.isEmpty() ? "anonymous" : raw);
        return caller.length() > 255 ? caller.substring(0, 255) : caller;
    }

    /**
     * The carrier reports how dialling attempt {@code attempt} ended. Answered: the call is connected. Otherwise the
     * next buyer is dialled, or the call ends when none is left. A report for an attempt that is not the current one
     * changes nothing and repeats the current instruction.
     */
    public Optional<Instruction> attemptEnded(String uuid, int attempt, AttemptOutcome outcome) {
        return withLock(uuid, () -> {
            Optional<Call> found = calls.findByUuid(uuid);
            if (found.isEmpty()) {
                return Optional.<Instruction>empty();
            }
            Call call = found.get();
            List<Attempt> attempts = calls.attempts(call.id());
            Optional<Attempt> current = attempts.stream()
                    .filter(a -> a.seq() == attempt && a.outcome().isEmpty())
                    .findFirst();
            if (call.state() != CallState.DIALING || current.isEmpty()) {
                return Optional.of(current(call));
            }
            Instant now = clock.instant();
            long buyerId = current.get().buyerId();
            Optional<Buyer> buyer = buyers.find(call.accountId(), buyerId);
            if (outcome == AttemptOutcome.ANSWERED) {
                return Optional.of(answered(call, attempt, buyerId, buyer, now));
            }
            Live live = live(uuid);
            routing.releaseAll(live.hold);
            live.hold = RoutingService.Hold.NONE;
            String buyerName = buyer.map(Buyer::name).orElse("buyer " + buyerId);
            String why = switch (outcome) {
                case NO_ANSWER ->
                    "did not answer"
                            + buyer.map(b -> " (ring timeout " + b.ringTimeoutSeconds() + " s)")
                                    .orElse("");
                case BUSY -> "was busy";
                case FAILED -> "could not be reached (dial failed)";
                default -> outcome.word();
            };
            Call unanswered = calls.inOneTransaction(() -> {
                calls.endAttempt(call.id(), attempt, outcome, now);
                annotate(call, buyerId, false, why);
                event(call, CallState.DIALING, buyerName + " " + why);
                return calls.findByUuid(uuid).orElseThrow();
            });
            return Optional.of(dialNext(unanswered));
        });
    }

    /**
     * Attempt {@code attempt} of the call was answered by {@code buyerId} ({@code buyer}, unless it was deleted since):
     * the call is connected.
     */
    private Instruction answered(Call call, int attempt, long buyerId, Optional<Buyer> buyer, Instant now) {
        String uuid = call.uuid();
        String buyerName = buyer.map(Buyer::name).orElse("buyer " + buyerId);
        // the attempt's end, the connection, the buyer's tags and the event commit together
        Call answered = calls.inOneTransaction(() -> {
            calls.endAttempt(call.id(), attempt, AttemptOutcome.ANSWERED, now);
            calls.markConnected(call.id(), buyerId, now);
            Call connected = withTags(
                    call,
                    "buyer " + buyerName + " answered",
                    buyer.map(Buyer::tags).orElse(TagSet.empty()));
            event(connected, CallState.CONNECTED, buyerName + " answered");
            annotate(connected, buyerId, true, "answered");
            return calls.findByUuid(uuid).orElseThrow();
        });
        routing.recordAnswer(call.accountId(), call.callerNumber(), buyerId, now);
        Live live = live(uuid);
        buyer.ifPresent(answering -> {
            safely("answered", answered, () -> {
                hooks.onAnswered(answered, answering, tagsOf(uuid));
                return null;
            });
            scheduleTimers(answered, live, now);
        });
        live.watch(timers.schedule(
                () -> Thread.ofVirtual().start(() -> closeForgottenCall(uuid)),
                MAX_CONNECTED.toMillis(),
                TimeUnit.MILLISECONDS));
        return new Instruction.Connect(uuid);
    }

    /**
     * The call is over: the carrier reports the total duration and, if known, how long it was connected. Repeated
     * reports answer as the first did.
     */
    public Optional<Call> hangUp(String uuid, Optional<Integer> durationSeconds, Optional<Integer> connectedSeconds) {
        return withLock(uuid, () -> {
            Optional<Call> found = calls.findByUuid(uuid);
            if (found.isEmpty() || found.get().state() == CallState.ENDED) {
                return found;
            }
            Call call = found.get();
            Instant now = clock.instant();
            CallOutcome outcome;
            Optional<Integer> connected = Optional.empty();
            Live live = live(uuid);
            switch (call.state()) {
                case CONNECTED -> {
                    outcome = CallOutcome.COMPLETED;
                    routing.releaseLive(live.hold);
                    connected = connectedSeconds.or(() -> call.connectedAt()
                            .map(at -> (int) Duration.between(at, now).toSeconds()));
                }
                case DIALING -> {
                    outcome = CallOutcome.ABANDONED;
                    routing.releaseAll(live.hold);
                    calls.attempts(call.id()).stream()
                            .filter(a -> a.outcome().isEmpty())
                            .forEach(a -> {
                                calls.endAttempt(call.id(), a.seq(), AttemptOutcome.CANCELED, now);
                                annotate(call, a.buyerId(), false, "caller hung up while it was ringing");
                            });
                }
                default -> outcome = CallOutcome.ABANDONED;
            }
            live.hold = RoutingService.Hold.NONE;
            int duration = durationSeconds.orElse(
                    (int) Duration.between(call.startedAt(), now).toSeconds());
            Instruction ended = end(
                    calls.findByUuid(uuid).orElseThrow(),
                    outcome,
                    outcome == CallOutcome.COMPLETED ? "call completed" : "caller hung up before a buyer answered",
                    Optional.of(duration),
                    connected);
            return calls.findByUuid(((Instruction.Hangup) ended).callUuid());
        });
    }

    /**
     * A call as hooks see it: its key while it is live, and a reader and writer of its tags, also after it ended (for
     * the conversions decided later).
     */
    public LiveCall liveCall(String uuid) {
        return tagsOf(uuid);
    }

    /** The live call as hooks see it: its key, and a writer of its tags for hooks that learn tags later. */
    private LiveCall tagsOf(String uuid) {
        return new LiveCall() {
            @Override
            public Optional<String> callKey() {
                return CallService.this.callKey(uuid);
            }

            @Override
            public TagSet tags() {
                return calls.findByUuid(uuid).map(Call::tags).orElse(TagSet.empty());
            }

            @Override
            public void changeTags(String source, UnaryOperator<TagSet> change) {
                withLock(uuid, () -> {
                    calls.findByUuid(uuid).ifPresent(call -> {
                        TagSet after = change.apply(call.tags());
                        calls.updateRouting(call.id(), after, call.order(), call.considered());
                        calls.addTagChanges(
                                call.id(), List.of(TagTrail.change(clock.instant(), source, call.tags(), after)));
                    });
                    return null;
                });
            }

            @Override
            public <T> T underLock(Supplier<T> body) {
                return withLock(uuid, body);
            }

            @Override
            public boolean changeTags(Handle handle, String source, UnaryOperator<TagSet> change) {
                return CallService.this.changeTags(handle, uuid, source, change);
            }
        };
    }

    /**
     * Changes a call's tags as stored, in the caller's transaction, recorded as {@code source}'s change; false when
     * there is no call. The transaction must commit under the call's lock ({@link LiveCall#underLock}), where every
     * other change of its tags is made.
     */
    public boolean changeTags(Handle handle, String uuid, String source, UnaryOperator<TagSet> change) {
        Optional<CallRepository.StoredTags> stored = CallRepository.tags(handle, uuid);
        if (stored.isEmpty()) {
            return false;
        }
        TagSet before = stored.get().tags();
        TagSet after = change.apply(before);
        if (!after.equals(before)) {
            CallRepository.updateTags(handle, stored.get().callId(), after);
            CallRepository.addTagChanges(
                    handle, stored.get().callId(), List.of(TagTrail.change(clock.instant(), source, before, after)));
        }
        return true;
    }

    /**
     * Changes a call's tags under its lock (the data-writing and call-key postbacks), recorded as {@code source}'s
     * change; false when there is no call.
     */
    public boolean changeTags(String uuid, String source, UnaryOperator<TagSet> change) {
        if (calls.findByUuid(uuid).isEmpty()) {
            return false;
        }
        tagsOf(uuid).changeTags(source, change);
        return true;
    }

    /** How long after answering a buyer may hand a call back (the reference platform's 90 seconds). */
    public static final Duration REJECTION_WINDOW = Duration.ofSeconds(90);

    /**
     * A buyer of {@code groupBuyerIds} hands the connected call back within {@link #REJECTION_WINDOW} of answering:
     * the answered attempt becomes "rejected" (its caps are given back), and the call is dialled again, the group's
     * other buyers first, then the rest of its plan. Refused when the call is not connected to a buyer of the group,
     * was transferred, was answered too long ago, or no untried buyer is left to take it.
     */
    public LiveControl reject(String uuid, Set<Long> groupBuyerIds) {
        return changeConnected(uuid, groupBuyerIds, call -> {
            Instant now = clock.instant();
            Instant answered = call.connectedAt().orElse(now);
            if (Duration.between(answered, now).compareTo(REJECTION_WINDOW) > 0) {
                return new LiveControl.Refused("the buyer answered more than " + REJECTION_WINDOW.toSeconds()
                        + " seconds ago (" + Duration.between(answered, now).toSeconds() + " s)");
            }
            List<Attempt> attempts = calls.attempts(call.id());
            Set<Long> tried = attempts.stream().map(Attempt::buyerId).collect(Collectors.toSet());
            List<Long> untried =
                    call.order().stream().filter(id -> !tried.contains(id)).toList();
            if (untried.isEmpty()) {
                return new LiveControl.Refused("no other buyer is left to take the call");
            }
            long buyerId = call.buyerId().orElseThrow();
            Attempt answeredAttempt = attempts.stream()
                    .filter(a -> a.buyerId() == buyerId
                            && a.outcome()
                                    .filter(o -> o == AttemptOutcome.ANSWERED)
                                    .isPresent())
                    .reduce((first, second) -> second)
                    .orElseThrow();
            Live live = live(uuid);
            routing.releaseAll(live.hold);
            live.hold = RoutingService.Hold.NONE;
            live.timers.forEach(timer -> timer.cancel(false));
            live.timers.clear();
            live.watch(null);
            calls.markRejected(call.id(), answeredAttempt.seq(), now);
            // the group's other buyers first (the reference platform's promise), then whoever else the plan had
            List<Long> order = new ArrayList<>(
                    untried.stream().filter(groupBuyerIds::contains).toList());
            untried.stream().filter(id -> !groupBuyerIds.contains(id)).forEach(order::add);
            tried.forEach(order::add);
            Call rejected = calls.findByUuid(uuid).orElseThrow();
            calls.updateRouting(call.id(), rejected.tags(), order, rejected.considered());
            String buyerName =
                    buyers.find(call.accountId(), buyerId).map(Buyer::name).orElse("buyer " + buyerId);
            annotate(rejected, buyerId, false, "answered, then rejected the call (call rejection key)");
            event(
                    rejected,
                    CallState.DIALING,
                    buyerName + " rejected the call "
                            + Duration.between(answered, now).toSeconds()
                            + " s after answering; routing it to another buyer");
            Instruction next = dialNext(calls.findByUuid(uuid).orElseThrow());
            return new LiveControl.Changed(calls.findByUuid(uuid).orElseThrow(), next);
        });
    }

    /**
     * A buyer of {@code groupBuyerIds} transfers the connected call to {@code destination} (an entry of its
     * directory): the buyer's agent is free again (its concurrency is given back), the call stays the buyer's for
     * the record. A call is transferred at most once.
     */
    public LiveControl transfer(String uuid, Set<Long> groupBuyerIds, String entryName, String destination) {
        return changeConnected(uuid, groupBuyerIds, call -> {
            Live live = live(uuid);
            routing.releaseLive(live.hold);
            live.hold = live.hold.withoutLive();
            Instant now = clock.instant();
            calls.markTransferred(call.id(), destination, now);
            String buyerName = buyers.find(call.accountId(), call.buyerId().orElseThrow())
                    .map(Buyer::name)
                    .orElse("the buyer");
            Call transferred = calls.findByUuid(uuid).orElseThrow();
            event(
                    transferred,
                    CallState.CONNECTED,
                    buyerName + " transferred the call to " + entryName + " (" + destination + ")");
            return new LiveControl.Changed(transferred, transferInstruction(transferred));
        });
    }

    /** Runs {@code change} under the call's lock if the call is connected to a buyer of the group; else says why not. */
    private LiveControl changeConnected(String uuid, Set<Long> groupBuyerIds, Function<Call, LiveControl> change) {
        return withLock(uuid, () -> {
            Optional<Call> found = calls.findByUuid(uuid);
            if (found.isEmpty()) {
                return new LiveControl.Refused("no such call");
            }
            Optional<String> refusal = connectedToGroup(found.get(), groupBuyerIds);
            return refusal.isPresent() ? new LiveControl.Refused(refusal.get()) : change.apply(found.get());
        });
    }

    /** Why a call cannot be changed by a buyer group's key, or empty when it is connected to one of its buyers. */
    private static Optional<String> connectedToGroup(Call call, Set<Long> groupBuyerIds) {
        if (call.state() == CallState.ENDED) {
            return Optional.of("the call is over");
        }
        if (call.state() != CallState.CONNECTED || call.buyerId().isEmpty()) {
            return Optional.of("the call is not connected to a buyer");
        }
        if (!groupBuyerIds.contains(call.buyerId().get())) {
            return Optional.of("the call is not connected to a buyer of this buyer group");
        }
        if (call.transferredTo().isPresent()) {
            return Optional.of("the call was already transferred");
        }
        return Optional.empty();
    }

    private static Instruction transferInstruction(Call call) {
        String destination = call.transferredTo().orElseThrow();
        return new Instruction.Transfer(call.uuid(), destination, destination.startsWith("sip"), TRANSFER_RING_SECONDS);
    }

    /** How long a transfer destination rings before the transfer is given up. */
    static final int TRANSFER_RING_SECONDS = 30;

    /** The instruction a call follows now, for a carrier fetching it after a redirect; empty for an unknown call. */
    public Optional<Instruction> currentInstruction(String uuid) {
        return withLock(uuid, () -> calls.findByUuid(uuid).map(this::current));
    }

    /** The carrier reports the end of the call it knows by {@code carrierCallId}; unknown or ended calls are ignored. */
    public void hangUpCarrierCall(String carrier, String carrierCallId, Optional<Integer> durationSeconds) {
        calls.findByCarrierId(carrier, carrierCallId)
                .filter(call -> call.state() != CallState.ENDED)
                .ifPresent(call -> hangUp(call.uuid(), durationSeconds, Optional.empty()));
    }

    /** The account holding a tracking number, if it is one. */
    public Optional<AccountId> trackingNumberAccount(String number) {
        return PhoneNumbers.toE164(number)
                .flatMap(configuration::trackingNumber)
                .map(TrackingNumber::accountId);
    }

    /** The call key of a live call (for SIP headers and tokens); empty once the call is over. */
    public Optional<String> callKey(String uuid) {
        Optional<String> local = Optional.ofNullable(uuidToLive.get(uuid)).map(live -> live.callKey);
        if (local.isPresent() || shared.isEmpty()) {
            return local;
        }
        return shared.get().load(uuid).map(SharedCalls.State::callKey);
    }

    private Instruction dialNext(Call call) {
        List<Long> tried =
                calls.attempts(call.id()).stream().map(Attempt::buyerId).toList();
        for (long buyerId : call.order()) {
            if (tried.contains(buyerId)) {
                continue;
            }
            Optional<Buyer> found = buyers.find(call.accountId(), buyerId);
            if (found.isEmpty()) {
                annotate(call, buyerId, false, "deleted before it could be dialled");
                continue;
            }
            Buyer buyer = found.get();
            Instant now = clock.instant();
            Live claimed = live(call.uuid());
            Optional<RoutingService.Hold> held =
                    claimed.claim.filter(c -> c.buyerId() == buyerId).flatMap(RoutingService.Claim::hold);
            claimed.claim = claimed.claim.filter(c -> c.buyerId() != buyerId);
            RoutingService.Result reserved = held.isPresent()
                    ? new RoutingService.Result(held, Optional.empty())
                    : routing.reserve(call.accountId(), buyer, new LiveState.Lease(call.uuid(), now, routing.lease()));
            if (reserved.hold().isEmpty()) {
                annotate(call, buyerId, false, reserved.refusal().orElse("capped"));
                continue;
            }
            Live live = live(call.uuid());
            live.hold = reserved.hold().get();
            String destination = destination(call, buyer);
            Dialled dialled = calls.inOneTransaction(() -> dialled(call, buyer, destination, now));
            int seq = dialled.seq();
            String uuid = call.uuid();
            live.watch(timers.schedule(
                    () -> Thread.ofVirtual().start(() -> giveUpDial(uuid, seq, buyer)),
                    buyer.ringTimeoutSeconds() * 1000L + dialGrace.toMillis(),
                    TimeUnit.MILLISECONDS));
            Call current = dialled.call();
            safely("selected", current, () -> {
                hooks.onSelected(current, buyer, tagsOf(call.uuid()));
                return null;
            });
            return dial(call.uuid(), seq, buyer, destination, live.callKey);
        }
        boolean anyDialled = !tried.isEmpty();
        return end(
                call,
                anyDialled ? CallOutcome.UNANSWERED : CallOutcome.NO_BUYER,
                anyDialled ? "no buyer answered" : "no buyer could take the call",
                Optional.empty(),
                Optional.empty());
    }

    /** The attempt a dial made, and the call after it. */
    private record Dialled(int seq, Call call) {}

    /** The rows of one dial, written in the caller's transaction: the attempt, the buyer's tags, state and event. */
    private Dialled dialled(Call call, Buyer buyer, String destination, Instant now) {
        int seq = calls.addAttempt(call.id(), buyer.id(), destination, now);
        String handler = buyer.cid().orElse(Long.toString(buyer.id()));
        Call selected = withTags(
                call,
                "dialling " + buyer.name(),
                TagSet.of("system_buyer_id", Long.toString(buyer.id()), "handler_id", handler),
                "system_buyer_id",
                "handler_id");
        calls.updateState(call.id(), CallState.DIALING, Optional.empty(), Optional.empty());
        annotate(selected, buyer.id(), true, "dialled");
        event(selected, CallState.DIALING, "dialling " + buyer.name() + " (attempt " + seq + ")");
        return new Dialled(seq, calls.findByUuid(call.uuid()).orElseThrow());
    }

    /**
     * Where to dial a buyer: a transfer number its RTB bid gave for this call ({@code retreaver_rtb_<id>_number}, a
     * dynamic buyer's number), when it is one; else the buyer's destination.
     */
    private static String destination(Call call, Buyer buyer) {
        Optional<String> bid = call.tags().last("retreaver_rtb_" + buyer.id() + "_number");
        Optional<String> dialable = bid.flatMap(PhoneNumbers::dialable);
        if (bid.isPresent() && dialable.isEmpty()) {
            LOG.fine("call " + call.uuid() + ": buyer " + buyer.id()
                    + "'s bid number is not dialable; using its destination");
        }
        return dialable.orElse(buyer.destination());
    }

    /** Ends a call that never connected (or is being closed on hang-up). */
    private Instruction end(
            Call call,
            CallOutcome outcome,
            String detail,
            Optional<Integer> durationSeconds,
            Optional<Integer> connectedSeconds) {
        Instant now = clock.instant();
        int duration = durationSeconds.orElse(
                (int) Duration.between(call.startedAt(), now).toSeconds());
        Call ended = calls.inOneTransaction(() -> {
            calls.markEnded(call.id(), outcome, now, duration, connectedSeconds);
            Call marked = calls.findByUuid(call.uuid()).orElseThrow();
            event(marked, CallState.ENDED, detail);
            return marked;
        });
        Live live = uuidToLive.remove(call.uuid());
        if (live != null) {
            live.timers.forEach(timer -> timer.cancel(false));
            live.watch(null);
            // caps an RTB reservation held for a buyer the call never dialled (deleted, or the caller hung up first)
            live.claim.flatMap(RoutingService.Claim::hold).ifPresent(routing::releaseAll);
        }
        safely("end", ended, () -> {
            hooks.onEnd(ended, tagsOf(ended.uuid()));
            return null;
        });
        return new Instruction.Hangup(call.uuid(), detail);
    }

    /** The instruction matching a call's current state (for repeated carrier requests). */
    private Instruction current(Call call) {
        return switch (call.state()) {
            case CONNECTED ->
                call.transferredTo().isPresent() ? transferInstruction(call) : new Instruction.Connect(call.uuid());
            case ENDED -> new Instruction.Hangup(call.uuid(), "call is over");
            case DIALING, RINGING ->
                calls.attempts(call.id()).stream()
                        .filter(a -> a.outcome().isEmpty())
                        .findFirst()
                        .flatMap(a -> buyers.find(call.accountId(), a.buyerId()).map(b -> (Instruction) dial(
                                call.uuid(),
                                a.seq(),
                                b,
                                a.destination(),
                                callKey(call.uuid()).orElse(""))))
                        .orElse(new Instruction.Hangup(call.uuid(), "no buyer is being dialled"));
        };
    }

    /**
     * Dials {@code destination} (the attempt's: a bid's number or the buyer's own) for attempt {@code seq}; a SIP
     * destination carries the call's UUID and call key in headers.
     */
    private static Instruction.Dial dial(String uuid, int seq, Buyer buyer, String destination, String callKey) {
        Map<String, String> sipHeaders = destination.startsWith("sip")
                ? Map.of("X-PH-RetreaverUUID", uuid, "X-PH-RetreaverKey", callKey)
                : Map.of();
        return new Instruction.Dial(
                uuid, seq, buyer.id(), destination, !sipHeaders.isEmpty(), buyer.ringTimeoutSeconds(), sipHeaders);
    }

    /** The carrier never reported how a dial ended: give the buyer's caps back and end the call. */
    private void giveUpDial(String uuid, int seq, Buyer buyer) {
        withLock(uuid, () -> {
            Optional<Call> found = calls.findByUuid(uuid).filter(call -> call.state() == CallState.DIALING);
            boolean open = found.isPresent()
                    && calls.attempts(found.get().id()).stream()
                            .anyMatch(a -> a.seq() == seq && a.outcome().isEmpty());
            if (!open) {
                return null;
            }
            Call call = found.get();
            calls.endAttempt(call.id(), seq, AttemptOutcome.FAILED, clock.instant());
            Live live = live(uuid);
            routing.releaseAll(live.hold);
            live.hold = RoutingService.Hold.NONE;
            String why = "no outcome reported by the carrier within "
                    + (buyer.ringTimeoutSeconds() + dialGrace.toSeconds()) + " s of dialling";
            annotate(call, buyer.id(), false, why);
            end(calls.findByUuid(uuid).orElseThrow(), CallOutcome.UNANSWERED, why, Optional.empty(), Optional.empty());
            return null;
        });
    }

    /** A connected call whose hang-up never came: close it so its live caps are released. */
    private void closeForgottenCall(String uuid) {
        calls.findByUuid(uuid)
                .filter(call -> call.state() == CallState.CONNECTED)
                .ifPresent(call -> {
                    event(call, CallState.CONNECTED, "no hang-up reported within " + MAX_CONNECTED.toHours() + " h");
                    hangUp(uuid, Optional.empty(), Optional.empty());
                });
    }

    /**
     * Picks up the calls a stopped node left open (run at start-up, and harmless while other nodes run: each call is
     * handled under its lock, every step checks the call's state, and a timer webhook fires once per call and offset).
     * A call still {@code ringing} was being routed when the node stopped: its carrier got no instruction, so it is
     * ended, abandoned, saying why. A {@code dialing} call gets its dial watchdog back, due when the open attempt's
     * ring timeout and grace run out (at once if they have), so the carrier's report or the watchdog ends it. A
     * {@code connected} call gets its timer webhooks not fired yet and its watchdog back, from its connected_at.
     *
     * @return how many calls were picked up
     */
    public int resumeOpenCalls() {
        List<String> open = calls.openCallUuids();
        for (String uuid : open) {
            try {
                withLock(uuid, () -> {
                    calls.findByUuid(uuid).ifPresent(this::resume);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "picking up call " + uuid + " after a restart failed", e);
            }
        }
        return open.size();
    }

    private void resume(Call call) {
        Instant now = clock.instant();
        switch (call.state()) {
            case RINGING ->
                end(
                        call,
                        CallOutcome.ABANDONED,
                        "the server stopped while the call was being routed; ended when it started again",
                        Optional.empty(),
                        Optional.empty());
            case DIALING -> {
                Optional<Attempt> open = calls.attempts(call.id()).stream()
                        .filter(a -> a.outcome().isEmpty())
                        .findFirst();
                Optional<Buyer> buyer = open.flatMap(a -> buyers.find(call.accountId(), a.buyerId()));
                if (open.isEmpty() || buyer.isEmpty()) {
                    end(
                            call,
                            CallOutcome.UNANSWERED,
                            "the server stopped between two dial attempts; ended when it started again",
                            Optional.empty(),
                            Optional.empty());
                    return;
                }
                int seq = open.get().seq();
                Instant due = open.get()
                        .startedAt()
                        .plusSeconds(buyer.get().ringTimeoutSeconds())
                        .plus(dialGrace);
                live(call.uuid())
                        .watch(timers.schedule(
                                () -> Thread.ofVirtual().start(() -> giveUpDial(call.uuid(), seq, buyer.get())),
                                Math.max(0, Duration.between(now, due).toMillis()),
                                TimeUnit.MILLISECONDS));
            }
            case CONNECTED -> {
                Instant connectedAt = call.connectedAt().orElse(now);
                Live live = live(call.uuid());
                if (live.timers.isEmpty()) {
                    scheduleTimers(call, live, connectedAt);
                }
                String uuid = call.uuid();
                live.watch(timers.schedule(
                        () -> Thread.ofVirtual().start(() -> closeForgottenCall(uuid)),
                        Math.max(
                                0,
                                Duration.between(now, connectedAt.plus(MAX_CONNECTED))
                                        .toMillis()),
                        TimeUnit.MILLISECONDS));
            }
            case ENDED -> {
                // ended since it was listed
            }
        }
    }

    private void scheduleTimers(Call call, Live live, Instant connectedAt) {
        for (Duration at : hooksTimers(call)) {
            long delay = Math.max(
                    0, Duration.between(clock.instant(), connectedAt.plus(at)).toMillis());
            live.timers.add(timers.schedule(
                    () -> Thread.ofVirtual().start(() -> fireTimer(call.uuid(), at)), delay, TimeUnit.MILLISECONDS));
        }
    }

    private List<Duration> hooksTimers(Call call) {
        return safely("timers", call, () -> hooks.connectedTimers(call)).orElse(List.of());
    }

    private void fireTimer(String uuid, Duration at) {
        withLock(uuid, () -> {
            calls.findByUuid(uuid)
                    .filter(call -> call.state() == CallState.CONNECTED)
                    // once per call and offset, whichever node or restart armed it
                    .filter(call -> calls.claimTimer(call.id(), at.toSeconds(), clock.instant()))
                    .ifPresent(call -> safely("timer", call, () -> {
                        hooks.onTimer(call, at, tagsOf(uuid));
                        return null;
                    }));
            return null;
        });
    }

    private Call withTags(Call call, String source, TagSet added, String... replacedKeys) {
        Call current = calls.findByUuid(call.uuid()).orElseThrow();
        TagSet.Builder tags = current.tags().toBuilder();
        for (String key : replacedKeys) {
            tags.remove(key);
        }
        tags.addAll(added);
        TagSet after = tags.build();
        calls.updateRouting(call.id(), after, current.order(), current.considered());
        calls.addTagChanges(call.id(), List.of(TagTrail.change(clock.instant(), source, current.tags(), after)));
        return calls.findByUuid(call.uuid()).orElseThrow();
    }

    private void annotate(Call call, long buyerId, boolean eligible, String reason) {
        Call current = calls.findByUuid(call.uuid()).orElseThrow();
        List<Consideration> considered = new ArrayList<>(current.considered());
        considered.replaceAll(c -> c.buyerId() == buyerId ? c.withReason(eligible, reason) : c);
        calls.updateRouting(call.id(), current.tags(), current.order(), considered);
    }

    private void event(Call call, CallState state, String detail) {
        calls.addEvent(call.id(), clock.instant(), state, detail);
    }

    private Live live(String uuid) {
        // a call whose live part was lost (a restart) gets a fresh one: its key cannot be recovered from the digest
        return uuidToLive.computeIfAbsent(uuid, k -> new Live(""));
    }

    private <T> Optional<T> safely(String hook, Call call, Supplier<T> body) {
        try {
            return Optional.ofNullable(body.get());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "call hook " + hook + " failed for call " + call.uuid(), e);
            return Optional.empty();
        }
    }

    /**
     * Runs {@code body} holding the lock of one call (or one arrival); other calls are never blocked by it. A lock
     * lives while someone holds or waits for it: the count changes only inside {@code compute}, so a lock is never
     * dropped while a thread is about to take it.
     */
    private <T> T withLock(String key, Supplier<T> body) {
        if (shared.isEmpty()) {
            return withLocalLock(key, body);
        }
        SharedCalls calls = shared.get();
        boolean call = !key.startsWith("arrival:");
        return calls.withLock(key, outermost -> {
            if (!outermost || !call) {
                return body.get();
            }
            // another node may have handled the call's last request: take its live part as stored
            Optional<SharedCalls.State> state = calls.load(key);
            if (state.isPresent()) {
                Live live = uuidToLive.computeIfAbsent(
                        key, k -> new Live(state.get().callKey()));
                live.callKey = state.get().callKey();
                live.hold = state.get().hold();
                live.claim = state.get().claim();
            } else {
                forget(key);
            }
            try {
                return body.get();
            } finally {
                Live live = uuidToLive.get(key);
                if (live == null) {
                    calls.remove(key);
                } else {
                    calls.store(key, new SharedCalls.State(live.callKey, live.hold, live.claim));
                }
            }
        });
    }

    private <T> T withLocalLock(String key, Supplier<T> body) {
        KeyLock held = keyToLock.compute(key, (k, existing) -> {
            KeyLock lock = existing == null ? new KeyLock() : existing;
            lock.users++;
            return lock;
        });
        held.lock.lock();
        try {
            return body.get();
        } finally {
            held.lock.unlock();
            keyToLock.compute(key, (k, lock) -> --lock.users == 0 ? null : lock);
        }
    }

    /** A lock and how many threads hold or wait for it (changed only under the map's per-key compute). */
    private static final class KeyLock {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
