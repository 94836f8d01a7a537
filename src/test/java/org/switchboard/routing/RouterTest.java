package org.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;
import org.switchboard.buyer.Caps;
import org.switchboard.buyer.HoursOfOperation;
import org.switchboard.callerlist.CallerList;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

class RouterTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final TagSet CALL = TagSet.of("geo", "us", "geo", "us-ny", "publisher_id", "17");
    private static final Instant MONDAY_NOON_NY =
            LocalDateTime.parse("2026-11-23T12:00").atZone(NEW_YORK).toInstant();
    private static final Caps NO_CAPS =
            new Caps(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    @Test
    void lowerPriorityNumbersShouldBeTriedFirst() {
        RoutingPlan plan =
                plan(List.of(candidate(buyer(1, 3, 1)), candidate(buyer(2, 1, 1)), candidate(buyer(3, 2, 1))));
        assertThat(ids(plan)).containsExactly(2L, 3L, 1L);
    }

    @Test
    void weightShouldShareFirstPlaceAmongEqualPriorities() {
        // given: weights 1 and 3 at the same priority
        List<Candidate> candidates = List.of(candidate(buyer(1, 1, 1)), candidate(buyer(2, 1, 3)));
        Random random = new Random(42);
        int heavyFirst = 0;

        // when
        for (int i = 0; i < 4000; i++) {
            RoutingPlan plan = Router.plan(
                    new Router.Input(CALL, MONDAY_NOON_NY, List.of(), candidates, RepeatCaller.NONE, noUse(), random));
            heavyFirst += ids(plan).getFirst() == 2L ? 1 : 0;
        }

        // then: about three in four
        assertThat(heavyFirst / 4000.0).isBetween(0.72, 0.78);
    }

    @ParameterizedTest(name = "{0} New York time: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-11-27T21:59 | closed by hours of operation (Friday 21:59 in America/New_York)
            2026-11-27T22:00 | eligible
            2026-11-28T03:00 | eligible
            2026-11-28T06:00 | closed by hours of operation (Saturday 06:00 in America/New_York)
            """)
    void overnightShiftShouldBeReadInTheBuyersZone(String newYorkTime, String reason) {
        // given: Friday 22:00 to Saturday 06:00 in New York, and a clock reading in UTC
        Buyer night = withHours(buyer(1, 1, 1), "{\"friday\": [{\"open\": \"22:00\", \"close\": \"06:00\"}]}");
        Instant now = LocalDateTime.parse(newYorkTime).atZone(NEW_YORK).toInstant();

        // when
        RoutingPlan plan = Router.plan(new Router.Input(
                CALL, now, List.of(), List.of(candidate(night)), RepeatCaller.NONE, noUse(), new Random(1)));

        // then
        assertThat(plan.considered().getFirst().reason()).isEqualTo(reason);
    }

    @Test
    void groupFiltersAndGroupCapsShouldSkipTheirMembers() {
        // given
        BuyerGroup californiaOnly = group(10, "West", TagFilter.parse("f", Json.read("[\"geo:us-ca\"]")), NO_CAPS);
        BuyerGroup hourly = group(11, "Partners", TagFilter.ANY, hourlyCap(5));
        List<Candidate> candidates = List.of(
                new Candidate(buyer(1, 1, 1), List.of(californiaOnly), List.of()),
                new Candidate(buyer(2, 1, 1), List.of(hourly), List.of()),
                candidate(buyer(3, 1, 1)));

        // when
        RoutingPlan plan = Router.plan(new Router.Input(
                CALL,
                MONDAY_NOON_NY,
                List.of(),
                candidates,
                RepeatCaller.NONE,
                use(Map.of("group:11:HOURLY", 5L)),
                new Random(1)));

        // then
        assertThat(reasons(plan))
                .containsExactly(
                        "filtered by buyer group West tag filter: call lacks geo:us-ca",
                        "capped by buyer group Partners: hourly 5/5",
                        "eligible");
        assertThat(ids(plan)).containsExactly(3L);
    }

    @Test
    void buyerCapsShouldNameTheFullCap() {
        Buyer busy = withCaps(buyer(1, 1, 1), concurrencyCap(2));
        RoutingPlan plan = Router.plan(new Router.Input(
                CALL,
                MONDAY_NOON_NY,
                List.of(),
                List.of(candidate(busy)),
                RepeatCaller.NONE,
                use(Map.of("buyer:1:CONCURRENCY", 2L)),
                new Random(1)));
        assertThat(reasons(plan)).containsExactly("capped: concurrency 2/2");
    }

    @Test
    void acceptedListShouldLetListedCallersThrough() {
        List<ListCheck> lists = List.of(
                new ListCheck("accepted_vip", CallerList.Behaviour.ACCEPT_ONLY, true),
                new ListCheck("accepted_other", CallerList.Behaviour.ACCEPT_ONLY, false));
        RoutingPlan plan = Router.plan(new Router.Input(
                CALL,
                MONDAY_NOON_NY,
                lists,
                List.of(candidate(buyer(1, 1, 1))),
                RepeatCaller.NONE,
                noUse(),
                new Random(1)));
        assertThat(plan.blocked()).isEmpty();
        assertThat(ids(plan)).containsExactly(1L);
    }

    @Test
    void repeatCallerRulesShouldReorderOrSkipThePreviousBuyer() {
        List<Candidate> candidates =
                List.of(candidate(buyer(1, 1, 1)), candidate(buyer(2, 2, 1)), candidate(buyer(3, 3, 1)));

        RoutingPlan sticky = plan(candidates, new RepeatCaller(Optional.of(3L), true, false, Set.of(3L)));
        RoutingPlan toNew = plan(candidates, new RepeatCaller(Optional.of(1L), false, true, Set.of(1L)));
        RoutingPlan duplicate = plan(candidates, new RepeatCaller(Optional.of(1L), false, false, Set.of(1L)));

        assertThat(ids(sticky)).containsExactly(3L, 1L, 2L);
        assertThat(ids(toNew)).containsExactly(2L, 3L);
        assertThat(reasons(toNew).getFirst())
                .isEqualTo("repeat caller: the campaign sends repeat callers to a new buyer");
        assertThat(ids(duplicate)).containsExactly(2L, 3L, 1L);
    }

    private static RoutingPlan plan(List<Candidate> candidates) {
        return plan(candidates, RepeatCaller.NONE);
    }

    private static RoutingPlan plan(List<Candidate> candidates, RepeatCaller repeat) {
        return Router.plan(
                new Router.Input(CALL, MONDAY_NOON_NY, List.of(), candidates, repeat, noUse(), new Random(7)));
    }

    private static List<Long> ids(RoutingPlan plan) {
        return plan.order().stream().map(c -> c.buyer().id()).toList();
    }

    private static List<String> reasons(RoutingPlan plan) {
        return plan.considered().stream().map(Consideration::reason).toList();
    }

    static Candidate candidate(Buyer buyer) {
        return new Candidate(buyer, List.of(), List.of());
    }

    /** Cap use from a table keyed "owner:id:KIND"; caps not in the table are unused. */
    static CapLookup use(Map<String, Long> used) {
        return (ownerType, ownerId, caps, context) ->
                CapCounters.of(
                                ownerType,
                                ownerId,
                                caps,
                                context.zone(),
                                context.hardCapResetAt(),
                                MONDAY_NOON_NY,
                                (t, i, s) -> 0)
                        .stream()
                        .map(cap -> new CapLookup.CapState(
                                cap.kind(),
                                used.getOrDefault(ownerType + ":" + ownerId + ":" + cap.kind(), 0L),
                                cap.counter().limit()))
                        .toList();
    }

    static CapLookup noUse() {
        return use(Map.of());
    }

    static Buyer buyer(long id, int priority, int weight) {
        return new Buyer(
                id,
                new AccountId(1),
                Optional.empty(),
                "Buyer " + id,
                Optional.empty(),
                "+1212555" + (1000 + id),
                30,
                priority,
                weight,
                NEW_YORK,
                Optional.empty(),
                NO_CAPS,
                Optional.empty(),
                false,
                TagSet.empty(),
                TagFilter.ANY,
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH);
    }

    private static Buyer withHours(Buyer b, String hours) {
        return new Buyer(
                b.id(),
                b.accountId(),
                b.cid(),
                b.name(),
                b.dbaName(),
                b.destination(),
                b.ringTimeoutSeconds(),
                b.priority(),
                b.weight(),
                b.timeZone(),
                Optional.of(HoursOfOperation.parse("hours", Json.read(hours))),
                b.caps(),
                b.hardCapResetAt(),
                b.paused(),
                b.tags(),
                b.tagFilters(),
                b.campaignIds(),
                b.createdAt(),
                b.updatedAt());
    }

    private static Buyer withCaps(Buyer b, Caps caps) {
        return new Buyer(
                b.id(),
                b.accountId(),
                b.cid(),
                b.name(),
                b.dbaName(),
                b.destination(),
                b.ringTimeoutSeconds(),
                b.priority(),
                b.weight(),
                b.timeZone(),
                b.hours(),
                caps,
                b.hardCapResetAt(),
                b.paused(),
                b.tags(),
                b.tagFilters(),
                b.campaignIds(),
                b.createdAt(),
                b.updatedAt());
    }

    private static BuyerGroup group(long id, String name, TagFilter filter, Caps caps) {
        return new BuyerGroup(
                id, new AccountId(1), name, List.of(), caps, filter, Optional.empty(), Instant.EPOCH, Instant.EPOCH);
    }

    private static Caps hourlyCap(int limit) {
        return new Caps(Optional.empty(), Optional.of(limit), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Caps concurrencyCap(int limit) {
        return new Caps(Optional.of(limit), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
