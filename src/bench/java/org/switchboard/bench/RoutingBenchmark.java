package org.switchboard.bench;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.Caps;
import org.switchboard.buyer.HoursOfOperation;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.routing.CapCounters;
import org.switchboard.routing.CapLookup;
import org.switchboard.routing.Candidate;
import org.switchboard.routing.RepeatCaller;
import org.switchboard.routing.Router;
import org.switchboard.routing.RoutingPlan;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

/**
 * The routing decision for one call on a campaign with 1,000 buyers (a mix of hours, tag filters, caps, priorities and
 * weights), against the same decision for a campaign with one buyer as the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoutingBenchmark {
    private static final ZoneId ZONE = ZoneId.of("America/New_York");
    private final TagSet call = TagSet.of("geo", "us", "geo", "us-ny", "publisher_id", "17", "caller_state", "NY");
    private final Instant now = LocalDateTime.parse("2026-11-23T12:00").atZone(ZONE).toInstant();
    private final SplittableRandom random = new SplittableRandom(1);
    private final CapLookup caps = (ownerType, ownerId, capSet, context) -> CapCounters.of(
                    ownerType, ownerId, capSet, context.zone(), context.hardCapResetAt(), now, (t, i, s) -> 0)
            .stream()
            .map(cap -> new CapLookup.CapState(cap.kind(), ownerId % 7, cap.counter().limit()))
            .toList();
    private List<Candidate> one;
    private List<Candidate> thousand;

    @Setup
    public void setUp() {
        HoursOfOperation weekdays = HoursOfOperation.parse("hours", Json.read("""
                {"monday": [{"open": "08:00", "close": "20:00"}], "tuesday": [{"open": "08:00", "close": "20:00"}],
                 "friday": [{"open": "22:00", "close": "06:00"}]}"""));
        TagFilter ny = TagFilter.parse("f", Json.read("[\"geo:us-ny\", \"geo:us-nj\", \"!publisher_id:99\"]"));
        TagFilter ca = TagFilter.parse("f", Json.read("[\"geo:us-ca\"]"));
        thousand = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            Caps buyerCaps = new Caps(
                    i % 5 == 0 ? Optional.of(3) : Optional.empty(),
                    Optional.empty(),
                    i % 3 == 0 ? Optional.of(50) : Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
            Buyer buyer = new Buyer(i, new AccountId(1), Optional.empty(), "Buyer " + i, Optional.empty(),
                    "+1212555" + (1000 + i), 30, 1 + i % 5, 1 + i % 10, ZONE,
                    i % 4 == 0 ? Optional.of(weekdays) : Optional.empty(), buyerCaps, Optional.empty(), i % 50 == 0,
                    TagSet.empty(), i % 6 == 0 ? ca : ny, List.of(), Instant.EPOCH, Instant.EPOCH);
            thousand.add(new Candidate(buyer, List.of(), List.of()));
        }
        one = List.of(thousand.get(1));
    }

    @Benchmark
    public RoutingPlan baselineOneBuyer() {
        return Router.plan(new Router.Input(call, now, List.of(), one, RepeatCaller.NONE, caps, random));
    }

    @Benchmark
    public RoutingPlan thousandBuyers() {
        return Router.plan(new Router.Input(call, now, List.of(), thousand, RepeatCaller.NONE, caps, random));
    }
}
