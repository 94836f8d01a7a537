package org.switchboard.rtb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.switchboard.account.Feature;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;
import org.switchboard.conversion.ConversionCriterion;
import org.switchboard.conversion.ConversionPolicy;
import org.switchboard.number.TrackingNumber;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.live.LiveStateUnavailable;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.time.IsoMillis;
import org.switchboard.postback.KeyType;
import org.switchboard.postback.PostbackKey;
import org.switchboard.publisher.Publisher;
import org.switchboard.routing.RoutingService;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.TagSet;
import org.switchboard.webhook.WebhookDispatcher;

/**
 * Real-time bidding: pings, confirmations, the claim of a reservation by its call, and expiries.
 *
 * <p>A ping with a campaign's or publisher's RTB key: the key is checked; the ping shield may answer at once (the
 * caller's held reservation again, a ping for the caller still in progress, the key's limits); otherwise the ping is
 * evaluated ({@link PingEvaluator}), the best buyer that can take the call is held for the key's TTL (its caps taken
 * at once when the key adds to caps on reservation), the publisher's payout and conversion seconds come from the
 * campaign's conversion criteria for that publisher and buyer, and the answer names the inbound number to send the
 * caller to. A call from that caller to that number within the TTL claims the reservation and goes to that buyer.
 * Nothing here waits for SQL: configuration is cached, live state holds reservations and counters, the RTB log is
 * written in batches.
 */
public final class RtbService implements RoutingService.Reservations, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RtbService.class.getName());
    static final String UNKNOWN_PAYOUT = "Unable to determine payout until the call converts";

    private final RtbConfigCache cache;
    private final PingEvaluator evaluator;
    private final RoutingService routing;
    private final ReservationStore reservations;
    private final PingShield shield;
    private final RtbLog log;
    private final LiveState live;
    private final Clock clock;
    private final RtbMetrics metrics;
    private final Map<String, AccountId> inFlight = new ConcurrentHashMap<>();
    private final ScheduledExecutorService expiries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("rtb-expiries").factory());

    /** The parts of the RTB engine, built once by the composition root. */
    public record Parts(
            RtbConfigCache cache,
            RoutingService routing,
            WebhookDispatcher dispatcher,
            GeoTagger geo,
            ReservationStore reservations,
            PingShield shield,
            RtbLog log,
            LiveState live) {}

    public RtbService(Parts parts, Metrics metrics, Clock clock) {
        this.metrics = new RtbMetrics(metrics);
        this.cache = parts.cache();
        this.evaluator = new PingEvaluator(parts.routing(), parts.dispatcher(), parts.geo(), parts.cache(), clock);
        this.routing = parts.routing();
        this.reservations = parts.reservations();
        this.shield = parts.shield();
        this.log = parts.log();
        this.live = parts.live();
        this.clock = clock;
    }

    /** The engine's meters (the routes time the answers). */
    RtbMetrics metrics() {
        return metrics;
    }

    /** Processes expired reservations every {@code period}: their caps are given back and the log says expired. */
    public void start(Duration period) {
        // deliberately not kept: the task logs its own failures (so the schedule never stops on one), and the
        // executor's shutdown is what cancels it
        ScheduledFuture<?> _ = expiries.scheduleWithFixedDelay(
                () -> {
                    try {
                        expireDue();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "processing expired RTB reservations failed; retrying", e);
                    }
                },
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A ping's parameters, however they came (query, form, JSON), without the key. */
    public record PingIn(Optional<String> key, Map<String, String> params) {
        public PingIn {
            if (params.containsKey("key")) { // a secret: kept out of the tags and the log
                params = new LinkedHashMap<>(params);
                params.remove("key");
            }
        }

        Optional<String> param(String name) {
            return Http.param(params, name);
        }
    }

    /**
     * What a ping or a confirmation came to, with the body to answer: given (the documented answer, whatever its status
     * word), refused (a request error, in the reference's shape with the error beside it), or unavailable (the live
     * state could not be reached). {@link RtbRoutes} maps each to its HTTP status.
     */
    public sealed interface Answer {
        RtbOut body();

        record Given(RtbOut body) implements Answer {}

        record Refused(RtbOut body, Problem problem) implements Answer {}

        record Unavailable(RtbOut body) implements Answer {}
    }

    public Answer ping(PingIn in) {
        String uuid = pingUuid();
        Instant now = clock.instant();
        PostbackKey key;
        try {
            key = rtbKey(in.key());
        } catch (Problem e) {
            return refused(uuid, e);
        }
        try {
            return ping(uuid, key, in, now);
        } catch (LiveStateUnavailable e) {
            // Redis is slow or down: a clear refusal now beats a ping that hangs past the publisher's own timeout
            LiveStateUnavailable.warnNow()
                    .ifPresent(since -> LOG.warning("RTB ping " + uuid + " refused: " + e.getMessage() + " (" + since
                            + " more refused since the last such line)"));
            return new Answer.Unavailable(RtbOut.status(
                    uuid, RtbStatus.REJECTED, "temporarily unable to reserve: the live state is unavailable"));
        } catch (Problem e) {
            Answer refused = refused(uuid, e);
            log.record(RtbPing.builder(
                            uuid, key.accountId(), key.id(), key.name(), campaignOf(key), RtbStatus.REJECTED, now)
                    .params(in.params())
                    .info(Optional.of(e.getMessage()))
                    .build());
            return refused;
        }
    }

    private long campaignOf(PostbackKey key) {
        return key.owner() == KeyType.Owner.CAMPAIGN ? key.ownerId() : 0;
    }

    private Answer ping(String uuid, PostbackKey key, PingIn in, Instant now) {
        AccountId account = key.accountId();
        RtbConfigCache.AccountConfig accountConfig = cache.account(account);
        Optional<Publisher> publisher = publisher(key, in, accountConfig);
        RtbConfigCache.CampaignConfig campaign = campaign(key, in, publisher, accountConfig);
        Optional<String> caller = callerNumber(key, in);
        TrackingNumber inbound = inboundNumber(key, in, campaign, publisher);
        RtbPing.Builder logged = RtbPing.builder(
                        uuid, account, key.id(), key.name(), campaign.campaign().id(), RtbStatus.REJECTED, now)
                .publisherId(publisher.map(Publisher::id))
                .callerNumber(caller)
                .inboundNumber(Optional.of(inbound.number()))
                .params(in.params());

        PingShield.Verdict verdict = shield.check(key.id(), caller, uuid, PingShield.Settings.of(key.options()));
        if (!(verdict instanceof PingShield.Verdict.Proceed proceed)) {
            return shielded(uuid, verdict, logged);
        }
        inFlight.put(uuid, account);
        // the shield's "processing" mark for this caller is let go once the ping is answered
        PingShield.Ticket ticket = proceed.ticket();
        try {
            if (campaign.campaign().paused()) {
                return answer(
                        logged,
                        RtbOut.status(uuid, RtbStatus.NO_TARGET, "the campaign is paused"),
                        RtbStatus.NO_TARGET);
            }
            boolean named = inboundNamed(key, in);
            PingEvaluator.Evaluation evaluation = evaluator.evaluate(new PingEvaluator.Ping(
                    uuid,
                    account,
                    campaign,
                    publisher,
                    caller,
                    inbound,
                    named,
                    in.params(),
                    key.option("tag_prefix", ""),
                    Duration.ofSeconds(key.longOption("timeout_seconds", 5))));
            logged.tags(evaluation.tags()).passthrough(evaluation.passthrough());
            return choose(
                    new Offer(uuid, key, campaign, publisher.map(Publisher::id), caller, inbound, named, now),
                    evaluation,
                    logged);
        } finally {
            ticket.close();
            inFlight.remove(uuid);
        }
    }

    /** The ping a buyer is chosen for: its key, campaign, publisher, caller and inbound number, at {@code now}. */
    private record Offer(
            String uuid,
            PostbackKey key,
            RtbConfigCache.CampaignConfig campaign,
            Optional<Long> publisherId,
            Optional<String> caller,
            TrackingNumber inbound,
            boolean inboundNamed,
            Instant now) {
        Duration ttl() {
            return Duration.ofSeconds(key.longOption("ttl_seconds", 15));
        }
    }

    /** Holds the best buyer that can still take the call, and answers with its payout; or says why none can. */
    private Answer choose(Offer offer, PingEvaluator.Evaluation evaluation, RtbPing.Builder logged) {
        // the evaluation's own map, made for this ping alone: changed in place rather than copied
        Map<Long, RtbPing.ConsideredBuyer> considered = evaluation.considered();
        boolean addToCaps =
                offer.key().options().path("add_to_caps_on_status_reserved").asBoolean(false);
        for (PingEvaluator.Eligible eligible : evaluation.eligible()) {
            Buyer buyer = eligible.candidate().buyer();
            Optional<RoutingService.Hold> hold = Optional.empty();
            if (addToCaps) {
                // leased to the reservation until its TTL and a lease past it; its call renews it once claimed
                RoutingService.Result taken = routing.reserve(
                        buyer,
                        eligible.candidate().groups(),
                        new LiveState.Lease(
                                offer.uuid(), offer.now(), offer.ttl().plus(routing.lease())));
                if (taken.hold().isEmpty()) {
                    String reason = taken.refusal().orElse("capped");
                    RtbStatus status =
                            taken.refused().map(PingEvaluator::statusOf).orElse(RtbStatus.TARGET_DISQUALIFIED_BY_CAP);
                    considered.put(
                            buyer.id(),
                            new RtbPing.ConsideredBuyer(buyer.id(), buyer.name(), false, Optional.of(status), reason));
                    continue;
                }
                hold = taken.hold();
            }
            considered.put(
                    buyer.id(),
                    new RtbPing.ConsideredBuyer(buyer.id(), buyer.name(), true, Optional.empty(), "chosen"));
            logged.considered(List.copyOf(considered.values())).buyerId(Optional.of(buyer.id()));
            return offer(offer, evaluation, eligible, hold, logged);
        }
        logged.considered(List.copyOf(considered.values()));
        RtbStatus status = summary(considered.values());
        return answer(logged, RtbOut.status(offer.uuid(), status, null), status);
    }

    /**
     * Answers with the chosen buyer's payout and, when the ping names a caller, reserves the buyer for it; the hold on
     * the buyer's caps (if any) is let go when nothing is reserved.
     */
    private Answer offer(
            Offer offer,
            PingEvaluator.Evaluation evaluation,
            PingEvaluator.Eligible chosen,
            Optional<RoutingService.Hold> hold,
            RtbPing.Builder logged) {
        String uuid = offer.uuid();
        PostbackKey key = offer.key();
        Buyer buyer = chosen.candidate().buyer();
        Terms terms = terms(offer, chosen.withBuyer());
        if (terms.payout().isEmpty()) {
            hold.ifPresent(routing::releaseAll);
            return answer(logged, RtbOut.status(uuid, RtbStatus.REJECTED, UNKNOWN_PAYOUT), RtbStatus.REJECTED);
        }
        String inbound = offer.inbound().number();
        if (offer.caller().isEmpty()) {
            // nothing to hold a buyer for without a caller: the publisher learns the payout and where to send
            hold.ifPresent(routing::releaseAll);
            return reserved(logged, uuid, terms.payout(), terms.seconds(), inbound, Optional.empty(), key, buyer);
        }
        Reservation reservation = reservation(offer, buyer, offer.caller().get(), terms, hold.isPresent());
        // the live-state keys beside the reservation, named only when there is something to keep (most pings learn no
        // tags and hold no caps)
        boolean keeps = !evaluation.learned().isEmpty() || hold.isPresent();
        String id = keeps ? ReservationStore.compact(uuid) : "";
        Duration ttl = Duration.between(offer.now(), reservation.expiresAt()).plus(ReservationStore.LINGER);
        if (!evaluation.learned().isEmpty()) {
            live.put(tagsKey(id), evaluation.learned().toStored(), ttl);
        }
        hold.ifPresent(h -> live.put(holdKey(id), h.encode(), ttl.plus(ReservationStore.UNPROCESSED_GRACE)));
        if (!reservations.reserve(reservation)) {
            // another key's ping holds this number for this caller already: this one cannot be told apart
            hold.ifPresent(routing::releaseAll);
            // only the keys stored above: each delete is a round trip with the live state in Redis
            if (!evaluation.learned().isEmpty()) {
                live.delete(tagsKey(id));
            }
            if (hold.isPresent()) {
                live.delete(holdKey(id));
            }
            return alreadyReserved(logged, reservation);
        }
        logged.reservation(reservation);
        return reserved(
                logged,
                uuid,
                terms.payout(),
                terms.seconds(),
                inbound,
                Optional.of(reservation.expiresAt()),
                key,
                buyer);
    }

    /**
     * What the chosen buyer pays for the call under the campaign's criterion (empty when the criterion's payout
     * cannot be known yet), and the seconds the call must last to convert.
     */
    private record Terms(Optional<Money> payout, OptionalInt seconds) {}

    /** {@code tags}: the ping's tags with the chosen buyer selected ({@link PingEvaluator.Eligible#withBuyer}). */
    private static Terms terms(Offer offer, TagSet tags) {
        Optional<ConversionCriterion> criterion =
                ConversionPolicy.select(offer.campaign().criteria(), tags);
        Optional<Money> payout = criterion.isEmpty()
                ? Optional.of(Money.ZERO)
                : ConversionPolicy.amounts(criterion.get(), tags, Optional.empty())
                        .payout();
        // publishers parse retreaver_seconds from every reserved answer: no duration to reach is 0 seconds
        OptionalInt seconds = OptionalInt.of(criterion
                .map(c -> ConversionPolicy.requiredSeconds(c, tags))
                .orElse(OptionalInt.empty())
                .orElse(0));
        return new Terms(payout, seconds);
    }

    /** The buyer held for {@code caller} on the offer's number until the key's TTL runs out. */
    private static Reservation reservation(Offer offer, Buyer buyer, String caller, Terms terms, boolean held) {
        PostbackKey key = offer.key();
        return new Reservation(
                offer.uuid(),
                key.accountId(),
                offer.campaign().campaign().id(),
                key.id(),
                offer.publisherId(),
                buyer.id(),
                caller,
                offer.inbound().number(),
                terms.payout().map(Money::toBigDecimal),
                terms.seconds(),
                held,
                key.options().path("route_only_to_reserved_target").asBoolean(false),
                offer.inboundNamed(),
                offer.now(),
                offer.now().plus(offer.ttl()));
    }

    /** The ping shield's answer when another key's ping already holds the number for this caller. */
    private Answer alreadyReserved(RtbPing.Builder logged, Reservation refused) {
        RtbStatus status = RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_RESERVED;
        Optional<Reservation> held = reservations.findActive(refused.inboundNumber(), refused.callerNumber());
        return answer(
                logged.shielded(true),
                held.map(r -> held(r, status, true)).orElse(RtbOut.status(refused.uuid(), status, null)),
                status);
    }

    /**
     * The answer when no buyer can take the call: the word of the status table when every buyer was left out for
     * the same kind of reason (all closed, all paused, all capped...), otherwise {@code no-target}.
     */
    static RtbStatus summary(Collection<RtbPing.ConsideredBuyer> considered) {
        Set<RtbStatus> statuses = new HashSet<>();
        for (RtbPing.ConsideredBuyer c : considered) {
            if (c.status().isEmpty()) {
                return RtbStatus.NO_TARGET;
            }
            statuses.add(c.status().get());
        }
        return statuses.size() == 1 ? statuses.iterator().next() : RtbStatus.NO_TARGET;
    }

    private Answer shielded(String uuid, PingShield.Verdict verdict, RtbPing.Builder logged) {
        RtbStatus status = verdict.status().orElse(RtbStatus.REJECTED);
        logged.shielded(true);
        if (verdict instanceof PingShield.Verdict.AlreadyReserved reserved) {
            logged.reservation(reserved.reservation());
            return answer(logged, held(reserved.reservation(), status, true), status);
        }
        return answer(logged, RtbOut.status(uuid, status, null), status);
    }

    /** The reserved answer: the buyer's payout and the number to send the caller to (until when, if held). */
    private Answer reserved(
            RtbPing.Builder logged,
            String uuid,
            Optional<Money> payout,
            OptionalInt seconds,
            String inbound,
            Optional<Instant> expiresAt,
            PostbackKey key,
            Buyer buyer) {
        RtbOut out = out(uuid, RtbStatus.RESERVED, payout, seconds, inbound, expiresAt, dba(key, buyer), null);
        metrics.reserved();
        return answer(logged, out, RtbStatus.RESERVED);
    }

    private Answer answer(RtbPing.Builder logged, RtbOut out, RtbStatus status) {
        log.record(logged.status(status).info(Optional.ofNullable(out.info())).build());
        return new Answer.Given(out);
    }

    private static RtbOut out(
            String uuid,
            RtbStatus status,
            Optional<Money> payout,
            OptionalInt seconds,
            String inbound,
            Optional<Instant> expiresAt,
            Optional<String> dba,
            @Nullable Boolean shielded) {
        return new RtbOut(
                uuid,
                status.word(),
                payout.map(Money::toBigDecimal).orElse(null),
                seconds.isPresent() ? seconds.getAsInt() : null,
                inbound,
                expiresAt.map(IsoMillis::format).orElse(null),
                dba.orElse(null),
                null,
                shielded,
                null);
    }

    private static Optional<String> dba(PostbackKey key, Buyer buyer) {
        return key.options().path("return_dba").asBoolean(false)
                ? Optional.of(buyer.dbaName().orElse(buyer.name()))
                : Optional.empty();
    }

    private static Answer refused(@Nullable String uuid, Problem e) {
        return new Answer.Refused(RtbOut.refused(uuid, e), e);
    }

    /** A reservation answered again (by the ping shield, or a confirmation): its own fields and {@code status}. */
    private static RtbOut held(Reservation r, RtbStatus status, @Nullable Boolean shielded) {
        return out(
                r.uuid(),
                status,
                r.payout().map(Money::of),
                r.seconds(),
                r.inboundNumber(),
                Optional.of(r.expiresAt()),
                Optional.empty(),
                shielded);
    }

    /** The RTB key presented, usable now: known, of the RTB type, not paused, on an account with the feature. */
    private PostbackKey rtbKey(Optional<String> presented) {
        String value = presented.orElseThrow(() -> new Problem.Unauthorized("key is required"));
        PostbackKey key =
                cache.key(value).orElseThrow(() -> new Problem.Unauthorized("key is not a valid postback key"));
        if (key.type() != KeyType.REAL_TIME_BIDDING) {
            throw new Problem.Forbidden(
                    "this key is a " + key.type().word().replace('_', ' ') + " key, not a real time bidding key");
        }
        if (key.paused()) {
            throw new Problem.Forbidden("this key is paused");
        }
        if (!cache.account(key.accountId()).features().contains(Feature.REAL_TIME_BIDDING)) {
            throw new Problem.Forbidden("real time bidding is not enabled on this account");
        }
        return key;
    }

    /** The publisher: the key's own, the one baked into the key, or {@code publisher_id} / {@code source_id}. */
    private static Optional<Publisher> publisher(PostbackKey key, PingIn in, RtbConfigCache.AccountConfig account) {
        if (key.owner() == KeyType.Owner.PUBLISHER) {
            return Optional.ofNullable(account.publishersById().get(key.ownerId()));
        }
        if (key.options().has("publisher_id")) {
            return Optional.ofNullable(account.publishersById()
                    .get(key.options().path("publisher_id").asLong()));
        }
        Optional<String> named = in.param("publisher_id").or(() -> in.param("source_id"));
        if (named.isEmpty()) {
            // the reference requires it: without it the ping could only be priced for nobody, at $0
            throw new Problem.Invalid(
                    "publisher_id",
                    "publisher_id (or source_id) is required: this key is not bound to a publisher, so the ping must"
                            + " name the publisher that sends the call");
        }
        return Optional.of(account.publisher(named.get())
                .orElseThrow(() -> new Problem.Invalid(
                        in.param("publisher_id").isPresent() ? "publisher_id" : "source_id",
                        "'" + named.get() + "' is not a publisher of this account")));
    }

    /**
     * The campaign: a campaign key's own; for a publisher key, the campaign of {@code inbound_number} (the key's or the
     * ping's), else {@code campaign_id}, else the one campaign the publisher's numbers serve.
     */
    private RtbConfigCache.CampaignConfig campaign(
            PostbackKey key, PingIn in, Optional<Publisher> publisher, RtbConfigCache.AccountConfig account) {
        long campaignId;
        if (key.owner() == KeyType.Owner.CAMPAIGN) {
            campaignId = key.ownerId();
        } else {
            Optional<String> inbound = in.param("inbound_number")
                    .or(() -> Optional.of(key.option("inbound_number", "")).filter(s -> !s.isEmpty()));
            if (inbound.isPresent()) {
                campaignId = trackingNumberOf(key.accountId(), inbound.get()).campaignId();
            } else if (in.param("campaign_id").isPresent()) {
                try {
                    campaignId = Long.parseLong(in.param("campaign_id").get());
                } catch (NumberFormatException e) {
                    throw new Problem.Invalid("campaign_id", "must be a campaign id");
                }
            } else {
                List<Long> served = publisher
                        .map(p -> account.publisherCampaigns().getOrDefault(p.id(), List.of()))
                        .orElse(List.of());
                if (served.size() != 1) {
                    throw new Problem.Invalid(
                            "inbound_number",
                            "inbound_number or campaign_id is required: this publisher's numbers serve " + served.size()
                                    + " campaigns");
                }
                campaignId = served.getFirst();
            }
        }
        return cache.campaign(key.accountId(), campaignId)
                .orElseThrow(() -> new Problem.NotFound("no campaign with id " + campaignId));
    }

    private TrackingNumber trackingNumberOf(AccountId account, String raw) {
        String e164 = PhoneNumbers.toE164(raw)
                .orElseThrow(() -> new Problem.Invalid("inbound_number", "is not a phone number"));
        return cache.trackingNumber(e164)
                .filter(n -> n.accountId().equals(account))
                .orElseThrow(() ->
                        new Problem.Invalid("inbound_number", e164 + " is not a tracking number of this account"));
    }

    /**
     * Whether the ping (or its key) named the inbound number: then neither the ping nor its call is tagged with that
     * tracking number's tags, as the reference says of {@code inbound_number} (overridden routing paths).
     */
    private static boolean inboundNamed(PostbackKey key, PingIn in) {
        return in.param("inbound_number").isPresent()
                || !key.option("inbound_number", "").isEmpty();
    }

    private static Optional<String> callerNumber(PostbackKey key, PingIn in) {
        Optional<String> raw = in.param("caller_number");
        if (raw.isEmpty()) {
            if (key.options().path("allow_no_caller_number").asBoolean(false)) {
                return Optional.empty();
            }
            throw new Problem.Invalid("caller_number", "caller_number is required");
        }
        return Optional.of(PhoneNumbers.toE164(raw.get())
                .orElseThrow(() -> new Problem.Invalid("caller_number", "caller_number is not a phone number")));
    }

    /**
     * Where the publisher sends the caller: {@code inbound_number} (the ping's or the key's; any tracking number of the
     * campaign), else the publisher's own number on the campaign, else the campaign's first number.
     */
    private TrackingNumber inboundNumber(
            PostbackKey key, PingIn in, RtbConfigCache.CampaignConfig campaign, Optional<Publisher> publisher) {
        Optional<String> asked = in.param("inbound_number")
                .or(() -> Optional.of(key.option("inbound_number", "")).filter(s -> !s.isEmpty()));
        if (asked.isPresent()) {
            TrackingNumber number = trackingNumberOf(key.accountId(), asked.get());
            if (number.campaignId() != campaign.campaign().id()) {
                throw new Problem.Invalid(
                        "inbound_number", number.number() + " is not a tracking number of this campaign");
            }
            return number;
        }
        // a loop, not streams: every ping of a key bound to a publisher looks
        if (publisher.isPresent()) {
            long publisherId = publisher.get().id();
            for (TrackingNumber n : campaign.numbers()) {
                if (n.publisherId().isPresent() && n.publisherId().get() == publisherId) {
                    return n;
                }
            }
        }
        if (campaign.numbers().isEmpty()) {
            throw new Problem.Conflict(null, "the campaign has no tracking number to send calls to");
        }
        return campaign.numbers().getFirst();
    }

    /**
     * Confirms a reservation ({@code status=confirmed}): its buyer's caps are checked again and, when they have room,
     * hold it ({@code confirmed}); when they do not, {@code no-target}. A reservation whose caps are already held is
     * confirmed as it is.
     */
    public Answer confirm(Optional<String> presentedKey, String uuid, Optional<String> status) {
        PostbackKey key;
        try {
            key = rtbKey(presentedKey);
            if (!status.map("confirmed"::equals).orElse(false)) {
                throw new Problem.Invalid("status", "status must be confirmed");
            }
        } catch (Problem e) {
            return refused(uuid, e);
        }
        Instant now = clock.instant();
        Optional<ReservationStore.Found> found =
                reservations.findByUuid(uuid).filter(f -> f.reservation().keyId() == key.id());
        if (found.isEmpty()) {
            return refused(uuid, new Problem.NotFound("no reservation " + uuid + " of this key"));
        }
        Reservation r = found.get().reservation();
        if (!found.get().phase().open()) {
            RtbStatus phase =
                    found.get().phase() == ReservationStore.Phase.CLAIMED ? RtbStatus.CLAIMED : RtbStatus.EXPIRED;
            return new Answer.Given(RtbOut.status(uuid, phase, null));
        }
        Optional<RoutingService.Hold> taken = Optional.empty();
        if (!r.capsHeld()) {
            switch (takeCaps(r, uuid, now)) {
                case CapsCheck.Refused(String reason) -> {
                    log.confirmation(uuid, RtbStatus.NO_TARGET, now);
                    return new Answer.Given(RtbOut.status(uuid, RtbStatus.NO_TARGET, reason));
                }
                case CapsCheck.Taken(RoutingService.Hold hold) -> taken = Optional.of(hold);
            }
        }
        return markConfirmed(r, uuid, taken, now);
    }

    /** What checking a reservation's caps again at confirmation came to: a hold on them, or why there is none. */
    private sealed interface CapsCheck {
        record Taken(RoutingService.Hold hold) implements CapsCheck {}

        record Refused(String reason) implements CapsCheck {}
    }

    /**
     * Checks the reserved buyer's caps again and holds them until the reservation's claim can no longer come (the
     * hold is kept in the live store under the reservation, for the claim or the expiry to release).
     */
    private CapsCheck takeCaps(Reservation r, String uuid, Instant now) {
        Optional<RtbConfigCache.CampaignConfig> campaign = cache.campaign(r.accountId(), r.campaignId());
        Optional<Buyer> buyer = campaign.flatMap(c -> c.buyer(r.buyerId()));
        if (buyer.isEmpty()) {
            return new CapsCheck.Refused("the reserved buyer is no longer on the campaign");
        }
        List<BuyerGroup> groups = campaign.get().groupsByBuyer().getOrDefault(r.buyerId(), List.of());
        Duration leased = Duration.between(now, r.expiresAt()).plus(routing.lease());
        RoutingService.Result result = routing.reserve(
                buyer.get(), groups, new LiveState.Lease(uuid, now, leased.isNegative() ? routing.lease() : leased));
        if (result.hold().isEmpty()) {
            return new CapsCheck.Refused(result.refusal().orElse("capped"));
        }
        RoutingService.Hold hold = result.hold().get();
        live.put(
                holdKey(ReservationStore.compact(uuid)),
                hold.encode(),
                Duration.between(now, r.expiresAt())
                        .plus(ReservationStore.UNPROCESSED_GRACE)
                        .plus(ReservationStore.LINGER));
        return new CapsCheck.Taken(hold);
    }

    /**
     * Marks the reservation confirmed in the store; a hold just taken is released again when another confirmation
     * got there first or the reservation closed meanwhile.
     */
    private Answer markConfirmed(Reservation r, String uuid, Optional<RoutingService.Hold> taken, Instant now) {
        ReservationStore.Confirmation confirmation = reservations.confirm(uuid);
        switch (confirmation) {
            case ReservationStore.Confirmation.Confirmed c -> log.confirmation(uuid, RtbStatus.CONFIRMED, now);
            case ReservationStore.Confirmation.AlreadyConfirmed c -> {
                taken.ifPresent(routing::releaseAll);
            }
            case ReservationStore.Confirmation.NotOpen notOpen -> {
                taken.ifPresent(routing::releaseAll);
                RtbStatus phase = notOpen.phase()
                                .filter(p -> p == ReservationStore.Phase.CLAIMED)
                                .isPresent()
                        ? RtbStatus.CLAIMED
                        : RtbStatus.EXPIRED;
                return new Answer.Given(RtbOut.status(uuid, phase, null));
            }
        }
        return new Answer.Given(held(r, RtbStatus.CONFIRMED, null));
    }

    /** The second request of the reference's wording: {@code status=confirmed} for the caller's held reservation. */
    public Answer confirmCallers(Optional<String> presentedKey, Optional<String> callerNumber) {
        PostbackKey key;
        String caller;
        try {
            key = rtbKey(presentedKey);
            caller = PhoneNumbers.toE164(callerNumber.orElseThrow(
                            () -> new Problem.Invalid("uuid", "uuid or caller_number is required to confirm")))
                    .orElseThrow(() -> new Problem.Invalid("caller_number", "caller_number is not a phone number"));
        } catch (Problem e) {
            return refused(null, e);
        }
        return reservations
                .findActiveForCaller(key.id(), caller)
                .map(r -> confirm(presentedKey, r.uuid(), Optional.of("confirmed")))
                .orElseGet(() ->
                        refused(null, new Problem.NotFound("no reservation held for " + caller + " by this key")));
    }

    /**
     * A call's routing candidates from this engine's configuration cache, gathered as a ping's are (what
     * {@link RoutingService#gatherFrom} takes); empty when the account has no such campaign.
     */
    public Optional<RoutingService.Gathered> gather(AccountId account, long campaignId, String callerNumber) {
        return cache.campaign(account, campaignId).map(config -> evaluator.gathered(config, callerNumber));
    }

    /** A call from {@code callerNumber} to {@code inboundNumber} claims its reservation, exactly once. */
    @Override
    public Optional<RoutingService.Claim> claim(
            AccountId account, String inboundNumber, String callerNumber, String callUuid) {
        if (RtbConfigCache.digits(callerNumber) < 0) {
            return Optional.empty();
        }
        Optional<Reservation> claimed = reservations
                .claim(inboundNumber, callerNumber)
                .filter(r -> r.accountId().equals(account));
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        Reservation r = claimed.get();
        Instant now = clock.instant();
        String id = ReservationStore.compact(r.uuid());
        Optional<RoutingService.Hold> hold =
                r.capsHeld() ? live.take(holdKey(id)).map(RoutingService.Hold::decode) : Optional.empty();
        TagSet tags = live.take(tagsKey(id)).map(TagSet::fromStored).orElse(TagSet.empty());
        log.claimed(r.uuid(), callUuid, now);
        metrics.claimed();
        shield.recordClaim(r.keyId());
        return Optional.of(new RoutingService.Claim(
                r.uuid(), r.buyerId(), r.routeOnlyToReserved(), hold, tags, r.publisherId(), !r.inboundNamed()));
    }

    /** Expired reservations: their caps go back and the log says expired, each exactly once (any node). */
    public void expireDue() {
        Instant now = clock.instant();
        // all that are due, a thousand at a time: under load more than a thousand expire every second
        List<Reservation> due;
        do {
            due = reservations.takeExpired(now, 1_000);
            expire(due, now);
        } while (due.size() == 1_000);
    }

    private void expire(List<Reservation> due, Instant now) {
        for (Reservation r : due) {
            String id = ReservationStore.compact(r.uuid());
            if (r.capsHeld()) {
                live.take(holdKey(id)).map(RoutingService.Hold::decode).ifPresent(routing::releaseAll);
            }
            live.delete(tagsKey(id));
            log.expired(r.uuid(), now);
            metrics.expired();
        }
    }

    /** The pings of the account being processed now (their log entries are not written yet). */
    public List<String> inFlight(AccountId account) {
        return inFlight.entrySet().stream()
                .filter(e -> e.getValue().equals(account))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Whether a ping of this account is being processed now (its log entry is not written yet). */
    public boolean processing(AccountId account, String uuid) {
        return account.equals(inFlight.get(uuid));
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID for a ping: 48 bits of Unix milliseconds, then 74 random bits. Ordered
     * by time, a ping's UUID lands at the end of the RTB log's UUID index instead of at a random place in it, which
     * makes writing a ping's row less than half as costly; it is no secret (a confirmation needs the key too), so a
     * fast random source is enough.
     */
    static String pingUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
        long least = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    static String tagsKey(String id) {
        return "rtb:tags:" + id;
    }

    static String holdKey(String id) {
        return "rtb:hold:" + id;
    }

    @Override
    public void close() {
        expiries.shutdownNow();
    }
}
