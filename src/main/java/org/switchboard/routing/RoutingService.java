package org.switchboard.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.buyer.BuyerRepository;
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
    private final CapCounters.Seeds seeds;
    private final RandomGenerator random;

    public RoutingService(
            BuyerRepository buyers,
            BuyerGroupRepository groups,
            CallerListRepository callerLists,
            LiveState live,
            CapCounters.Seeds seeds,
            RandomGenerator random) {
        this.buyers = buyers;
        this.groups = groups;
        this.callerLists = callerLists;
        this.live = live;
        this.seeds = seeds;
        this.random = random;
    }

    /** Units of caps held for one dialled buyer: window caps are kept on answer, live ones until the call ends. */
    public record Hold(List<LiveState.Counter> windows, List<LiveState.Counter> live) {
        public static final Hold NONE = new Hold(List.of(), List.of());
    }

    /** Plans the buyer order of a call on a campaign. */
    public RoutingPlan plan(
            AccountId account, long campaignId, TagSet tags, String callerNumber, RepeatCaller repeat, Instant now) {
        List<Buyer> campaignBuyers = buyers.forCampaign(account, campaignId);
        List<Long> buyerIds = campaignBuyers.stream().map(Buyer::id).toList();
        Map<Long, List<BuyerGroup>> buyerToGroups = groups.groupsOf(account, buyerIds);
        Map<Long, List<ListCheck>> buyerToLists = new java.util.HashMap<>();
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
        return Router.plan(new Router.Input(tags, now, campaignLists, candidates, repeat, capLookup(now), random));
    }

    /**
     * Takes one unit of every cap of the buyer and its groups, atomically; empty when done, else the cap that is full
     * in the words of the call log. Groups are re-read so membership changes since planning count.
     */
    public Result reserve(AccountId account, Buyer buyer, Instant now) {
        /** A cap with the words naming whose it is in a refusal. */
        record Owned(CapCounters.Cap cap, String owner) {}
        List<Owned> caps = new ArrayList<>();
        capsOf("buyer", buyer.id(), buyer, buyer.hardCapResetAt(), now).forEach(cap -> caps.add(new Owned(cap, "")));
        for (BuyerGroup group : groups.groupsOf(account, List.of(buyer.id())).getOrDefault(buyer.id(), List.of())) {
            CapCounters.of("group", group.id(), group.caps(), buyer.timeZone(), group.hardCapResetAt(), now, seeds)
                    .forEach(cap -> caps.add(new Owned(cap, "by buyer group " + group.name() + " ")));
        }
        OptionalInt full =
                live.tryAcquire(caps.stream().map(o -> o.cap().counter()).toList());
        if (full.isPresent()) {
            Owned owned = caps.get(full.getAsInt());
            LiveState.Counter counter = owned.cap().counter();
            return new Result(
                    Optional.empty(),
                    Optional.of("capped " + owned.owner() + "when dialled: "
                            + owned.cap().kind().word() + " " + live.current(counter) + "/" + counter.limit()));
        }
        List<LiveState.Counter> windows = new ArrayList<>();
        List<LiveState.Counter> liveOnes = new ArrayList<>();
        for (Owned owned : caps) {
            (owned.cap().kind() == CapCounters.Kind.CONCURRENCY ? liveOnes : windows)
                    .add(owned.cap().counter());
        }
        return new Result(Optional.of(new Hold(windows, liveOnes)), Optional.empty());
    }

    /** A reservation, or why there is none. */
    public record Result(Optional<Hold> hold, Optional<String> refusal) {}

    /** Gives back what a dial held (the buyer did not answer, or the caller hung up first). */
    public void releaseAll(Hold hold) {
        List<LiveState.Counter> all = new ArrayList<>(hold.windows());
        all.addAll(hold.live());
        live.release(all);
    }

    /** Gives back the live units of a connected call when it ends; window units stay counted. */
    public void releaseLive(Hold hold) {
        live.release(hold.live());
    }

    private List<CapCounters.Cap> capsOf(
            String ownerType, long ownerId, Buyer buyer, Optional<Instant> resetAt, Instant now) {
        return CapCounters.of(ownerType, ownerId, buyer.caps(), buyer.timeZone(), resetAt, now, seeds);
    }

    private CapLookup capLookup(Instant now) {
        return (ownerType, ownerId, caps, context) ->
                CapCounters.of(ownerType, ownerId, caps, context.zone(), context.hardCapResetAt(), now, seeds).stream()
                        .map(cap -> new CapLookup.CapState(
                                cap.kind(),
                                live.current(cap.counter()),
                                cap.counter().limit()))
                        .toList();
    }
}
