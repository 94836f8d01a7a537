package org.switchboard.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.buyer.BuyerRepository;
import org.switchboard.buyer.Caps;
import org.switchboard.callerlist.CallerList;
import org.switchboard.callerlist.CallerListRepository;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.tag.TagSet;

/**
 * Gathers what {@link Router} needs from the store and live state, and holds caps for the buyer being dialled.
 */
public final class RoutingService {
    private final BuyerRepository buyers;
    private final BuyerGroupRepository groups;
    private final CallerListRepository callerLists;
    private final LiveState live;
    private final CapCounterCache capCounters;
    private final RandomGenerator random;
    private final Reservations reservations;
    private final Duration lease;
    private volatile CandidateSource gatherer = (account, campaignId, callerNumber) -> Optional.empty();

    /** A campaign's buyers as routing candidates for one caller, and the checks of the campaign's own lists. */
    public record Gathered(List<Candidate> candidates, List<ListCheck> campaignLists) {}

    /** Where a call's plan gathers its campaign's candidates when not from SQL (the RTB engine's configuration). */
    @FunctionalInterface
    public interface CandidateSource {
        /** The campaign's candidates for {@code callerNumber}; empty when the source does not hold the campaign. */
        Optional<Gathered> gather(AccountId account, long campaignId, String callerNumber);
    }

    /** {@code lease}: how long a live unit stays held without renewal (see {@link #lease()}). */
    public RoutingService(
            BuyerRepository buyers,
            BuyerGroupRepository groups,
            CallerListRepository callerLists,
            LiveState live,
            CapCounters.Seeds seeds,
            RandomGenerator random,
            Reservations reservations,
            Duration lease) {
        this.lease = lease;
        this.buyers = buyers;
        this.groups = groups;
        this.callerLists = callerLists;
        this.live = live;
        this.capCounters = new CapCounterCache(seeds);
        this.random = random;
        this.reservations = reservations;
    }

    /**
     * Units of caps held for one dialled buyer: window caps are kept on answer, live ones (concurrency, leased to
     * {@code holder}: the call, or the RTB reservation) until the call ends.
     */
    public record Hold(List<LiveState.Counter> windows, List<LiveState.Counter> live, String holder) {
        public static final Hold NONE = new Hold(List.of(), List.of(), "");

        /** The same hold without its live units (given back when the call ends, the window units stay counted). */
        public Hold withoutLive() {
            return new Hold(windows, List.of(), holder);
        }

        /**
         * The holder and the counters' keys and ends, to give the units back later from elsewhere (an expired RTB
         * reservation): {@code H|holder}, then {@code W|key|endMillis} for window caps, {@code L|key|endMillis} for
         * live ones, joined by newlines. A counter without an end (concurrency, the hard cap: {@link Instant#MAX},
         * past what epoch milliseconds can hold) is written with the end {@code -}.
         */
        public String encode() {
            StringBuilder out = new StringBuilder();
            out.append("H|").append(holder).append('\n');
            windows.forEach(c -> line(out, 'W', c));
            live.forEach(c -> line(out, 'L', c));
            return out.toString();
        }

        private static void line(StringBuilder out, char kind, LiveState.Counter counter) {
            out.append(kind).append('|').append(counter.key()).append('|');
            if (counter.expiresAt().equals(Instant.MAX)) {
                out.append(NO_END);
            } else {
                out.append(counter.expiresAt().toEpochMilli());
            }
            out.append('\n');
        }

        private static final String NO_END = "-";

        /**
         * The hold {@link #encode} wrote. Its counters can only be given back: a counter that no longer exists (its
         * window ended) starts from zero and is never taken below it.
         */
        public static Hold decode(String encoded) {
            List<LiveState.Counter> windows = new ArrayList<>();
            List<LiveState.Counter> live = new ArrayList<>();
            String holder = "";
            for (String line : encoded.split("\n")) {
                if (line.startsWith("H|")) {
                    holder = line.substring(2);
                    continue;
                }
                String[] parts = line.split("\\|", 3);
                if (parts.length != 3) {
                    continue;
                }
                if (parts[0].equals("L")) {
                    live.add(LiveState.Counter.leased(parts[1], Long.MAX_VALUE));
                } else {
                    Instant end =
                            parts[2].equals(NO_END) ? Instant.MAX : Instant.ofEpochMilli(Long.parseLong(parts[2]));
                    windows.add(new LiveState.Counter(parts[1], Long.MAX_VALUE, end, () -> 0L));
                }
            }
            return new Hold(List.copyOf(windows), List.copyOf(live), holder);
        }
    }

    /**
     * A reservation a call claims when it arrives (RTB): the reserved buyer, whether the call may go to it only, the
     * caps the reservation already holds for it (empty when they were not taken at reservation), and the ping's tags
     * (the publisher's data and the buyers' bids) for the call; the publisher that pinged, whose call it is, and
     * whether the call takes the tracking number's tags (not when the ping named its inbound number).
     */
    public record Claim(
            String reservationUuid,
            long buyerId,
            boolean onlyReservedBuyer,
            Optional<Hold> hold,
            TagSet tags,
            Optional<Long> publisherId,
            boolean numberTags) {}

    /** What a call arrival asks whether it claims a reservation; the RTB engine answers, exactly once per reservation. */
    @FunctionalInterface
    public interface Reservations {
        Reservations NONE = (account, inbound, caller, callUuid) -> Optional.empty();

        Optional<Claim> claim(AccountId account, String inboundNumber, String callerNumber, String callUuid);
    }

    /** How long live state remembers which buyers took a caller (for RTB duplicate checks without SQL). */
    static final Duration CALLER_HISTORY = Duration.ofDays(7);

    private static final int CALLER_HISTORY_ENTRIES = 10;

    /**
     * Remembers in live state that {@code buyerId} took a call from {@code callerNumber}, so an RTB ping can
     * deprioritise duplicates without reading calls from SQL. The call flow itself reads its SQL record.
     */
    public void recordAnswer(AccountId account, String callerNumber, long buyerId, Instant at) {
        String key = historyKey(account, callerNumber);
        for (int attempt = 0; attempt < 8; attempt++) {
            Optional<String> current = live.get(key);
            List<String> entries =
                    new ArrayList<>(current.map(v -> List.of(v.split(","))).orElse(List.of()));
            entries.add(buyerId + ":" + at.getEpochSecond());
            String next = String.join(
                    ",", entries.subList(Math.max(0, entries.size() - CALLER_HISTORY_ENTRIES), entries.size()));
            boolean stored = current.isEmpty()
                    ? live.putIfAbsent(key, next, CALLER_HISTORY)
                    : live.replace(key, current.get(), next, CALLER_HISTORY);
            if (stored) {
                return;
            }
        }
    }

    /** Buyers that took a call from the caller since an instant, as live state remembers them. */
    public Set<Long> buyersThatTook(AccountId account, String callerNumber, Instant since) {
        Set<Long> buyerIds = new HashSet<>();
        live.get(historyKey(account, callerNumber)).ifPresent(value -> {
            for (String entry : value.split(",")) {
                int colon = entry.indexOf(':');
                if (colon > 0 && Long.parseLong(entry.substring(colon + 1)) >= since.getEpochSecond()) {
                    buyerIds.add(Long.parseLong(entry.substring(0, colon)));
                }
            }
        });
        return Set.copyOf(buyerIds);
    }

    private static String historyKey(AccountId account, String callerNumber) {
        return "took:" + account.value() + ":" + callerNumber;
    }

    /** The RTB reservation a call from {@code callerNumber} to {@code inboundNumber} claims, taken exactly once. */
    public Optional<Claim> claim(AccountId account, String inboundNumber, String callerNumber, String callUuid) {
        return reservations.claim(account, inboundNumber, callerNumber, callUuid);
    }

    /**
     * From now on, a call's plan gathers its campaign's candidates from {@code source} (the RTB engine's
     * configuration, kept current by the configuration changes as the pings' is), and from SQL only where it holds
     * nothing.
     */
    public void gatherFrom(CandidateSource source) {
        this.gatherer = source;
    }

    /** Plans the buyer order of a call on a campaign. */
    public RoutingPlan plan(
            AccountId account, long campaignId, TagSet tags, String callerNumber, RepeatCaller repeat, Instant now) {
        Gathered gathered = gatherer.gather(account, campaignId, callerNumber)
                .orElseGet(() -> gather(account, campaignId, callerNumber));
        return plan(gathered.candidates(), gathered.campaignLists(), tags, repeat, now);
    }

    /** A campaign's candidates for a caller, read from SQL. */
    private Gathered gather(AccountId account, long campaignId, String callerNumber) {
        List<Buyer> campaignBuyers = buyers.forCampaign(account, campaignId);
        List<Long> buyerIds = campaignBuyers.stream().map(Buyer::id).toList();
        Map<Long, List<BuyerGroup>> buyerToGroups = groups.groupsOf(account, buyerIds);
        Map<Long, List<ListCheck>> buyerToLists = new HashMap<>();
        for (var membership : callerLists.memberships(account, CallerList.Owner.BUYER, buyerIds, callerNumber)) {
            buyerToLists
                    .computeIfAbsent(membership.ownerId(), k -> new ArrayList<>())
                    .add(new ListCheck(membership.name(), membership.behaviour(), membership.listed()));
        }
        List<ListCheck> campaignLists =
                callerLists.memberships(account, CallerList.Owner.CAMPAIGN, List.of(campaignId), callerNumber).stream()
                        .map(m -> new ListCheck(m.name(), m.behaviour(), m.listed()))
                        .toList();
        List<Candidate> candidates = campaignBuyers.stream()
                .map(b -> new Candidate(
                        b, buyerToGroups.getOrDefault(b.id(), List.of()), buyerToLists.getOrDefault(b.id(), List.of())))
                .toList();
        return new Gathered(candidates, campaignLists);
    }

    /**
     * Plans with candidates and lists already gathered (the RTB ping reads them from its configuration cache, not
     * from SQL); caps come from live state.
     */
    public RoutingPlan plan(
            List<Candidate> candidates, List<ListCheck> campaignLists, TagSet tags, RepeatCaller repeat, Instant now) {
        return Router.plan(new Router.Input(tags, now, campaignLists, candidates, repeat, capLookup(now), random));
    }

    /**
     * Takes one unit of every cap of the buyer and its groups, atomically; empty when done, else the cap that is full
     * in the words of the call log. Groups are re-read so membership changes since planning count.
     */
    public Result reserve(AccountId account, Buyer buyer, LiveState.Lease lease) {
        return reserve(buyer, groups.groupsOf(account, List.of(buyer.id())).getOrDefault(buyer.id(), List.of()), lease);
    }

    /**
     * {@link #reserve(AccountId, Buyer, LiveState.Lease)} with the buyer's groups already known. Concurrency units are
     * leased to {@code lease}'s holder from its instant; the holder renews them ({@link #renew}) while it lives.
     */
    public Result reserve(Buyer buyer, List<BuyerGroup> buyerGroups, LiveState.Lease lease) {
        Instant now = lease.at();
        // a cap with the words naming whose it is in a refusal
        record Owned(CapCounters.Cap cap, String owner) {}
        List<Owned> caps = new ArrayList<>();
        capsOf("buyer", buyer.id(), buyer, buyer.hardCapResetAt(), now).forEach(cap -> caps.add(new Owned(cap, "")));
        for (BuyerGroup group : buyerGroups) {
            capCounters
                    .of("group", group.id(), group.caps(), buyer.timeZone(), group.hardCapResetAt(), now)
                    .forEach(cap -> caps.add(new Owned(cap, "by buyer group " + group.name() + " ")));
        }
        OptionalInt full =
                live.tryAcquire(caps.stream().map(o -> o.cap().counter()).toList(), lease);
        if (full.isPresent()) {
            Owned owned = caps.get(full.getAsInt());
            LiveState.Counter counter = owned.cap().counter();
            return new Result(
                    Optional.empty(),
                    Optional.of(new SkipReason.Capped(
                            "capped " + owned.owner() + "when dialled: "
                                    + owned.cap().kind().word() + " " + live.current(counter) + "/" + counter.limit(),
                            owned.cap().kind() == CapCounters.Kind.CONCURRENCY)));
        }
        List<LiveState.Counter> windows = new ArrayList<>();
        List<LiveState.Counter> liveOnes = new ArrayList<>();
        for (Owned owned : caps) {
            (owned.cap().kind() == CapCounters.Kind.CONCURRENCY ? liveOnes : windows)
                    .add(owned.cap().counter());
        }
        return new Result(Optional.of(new Hold(windows, liveOnes, lease.holder())), Optional.empty());
    }

    /** A reservation, or why there is none. */
    public record Result(Optional<Hold> hold, Optional<SkipReason> refused) {
        /** Why there is no reservation, in the call log's words. */
        public Optional<String> refusal() {
            return refused.map(SkipReason::text);
        }
    }

    /** Gives back what a dial held (the buyer did not answer, or the caller hung up first). */
    public void releaseAll(Hold hold) {
        List<LiveState.Counter> all = new ArrayList<>(hold.windows());
        all.addAll(hold.live());
        live.release(all, hold.holder());
    }

    /** Gives back the live units of a connected call when it ends; window units stay counted. */
    public void releaseLive(Hold hold) {
        live.release(hold.live(), hold.holder());
    }

    /**
     * How long a live unit stays held without renewal ({@code SWITCHBOARD_LIVE_LEASE_SECONDS}): a node that dies gives
     * its calls' units back within it; live nodes renew theirs every third of it.
     */
    public Duration lease() {
        return lease;
    }

    /** Extends the hold's live units for another {@link #lease()} from {@code now} (their holder is still alive). */
    public void renew(Hold hold, Instant now) {
        if (!hold.live().isEmpty()) {
            live.renew(hold.live(), new LiveState.Lease(hold.holder(), now, lease));
        }
    }

    private List<CapCounters.Cap> capsOf(
            String ownerType, long ownerId, Buyer buyer, Optional<Instant> resetAt, Instant now) {
        return capCounters.of(ownerType, ownerId, buyer.caps(), buyer.timeZone(), resetAt, now);
    }

    /**
     * How full each set cap of a buyer ({@code ownerType} "buyer") or buyer group ("group") is at {@code now}: what
     * routing would read (the console shows it beside each cap).
     */
    public List<CapLookup.CapState> capStates(
            String ownerType, long ownerId, Caps caps, CapLookup.CapContext context, Instant now) {
        return capLookup(now).states(ownerType, ownerId, caps, context);
    }

    private CapLookup capLookup(Instant now) {
        return (ownerType, ownerId, caps, context) -> {
            List<CapCounters.Cap> counters =
                    capCounters.of(ownerType, ownerId, caps, context.zone(), context.hardCapResetAt(), now);
            if (counters.isEmpty()) {
                return List.of();
            }
            List<CapLookup.CapState> states = new ArrayList<>(counters.size());
            for (CapCounters.Cap cap : counters) {
                states.add(new CapLookup.CapState(
                        cap.kind(), live.current(cap.counter()), cap.counter().limit()));
            }
            return Collections.unmodifiableList(states);
        };
    }
}
