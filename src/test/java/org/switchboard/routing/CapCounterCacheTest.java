package org.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.switchboard.buyer.Caps;

class CapCounterCacheTest {
    private static final Caps ALL =
            new Caps(Optional.of(2), Optional.of(5), Optional.of(50), Optional.of(500), Optional.of(900));
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    // the seed tells which window start it counts from
    private static final CapCounters.Seeds SEEDS = (type, id, since) -> since.getEpochSecond() + id;

    private final CapCounterCache cache = new CapCounterCache(SEEDS);

    @Test
    void countersShouldBeReusedWithinTheLocalHour() {
        // given
        Instant first = Instant.parse("2026-12-06T20:00:00Z");

        // when
        List<CapCounters.Cap> a = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), first);
        List<CapCounters.Cap> b = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), first.plusSeconds(3599));

        // then
        assertThat(b).isSameAs(a);
        assertSame(a, fresh("buyer", 7, ALL, NEW_YORK, Optional.empty(), first));
    }

    @Test
    void countersShouldBeWorkedOutAgainForTheNextHourAndForAnEarlierInstant() {
        // given
        Instant at = Instant.parse("2026-12-06T20:30:00Z");
        List<CapCounters.Cap> first = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), at);

        // when
        List<CapCounters.Cap> nextHour = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), at.plusSeconds(1800));
        List<CapCounters.Cap> earlier = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), at.minusSeconds(1800));

        // then
        assertThat(nextHour).isNotSameAs(first);
        assertSame(nextHour, fresh("buyer", 7, ALL, NEW_YORK, Optional.empty(), at.plusSeconds(1800)));
        assertSame(earlier, fresh("buyer", 7, ALL, NEW_YORK, Optional.empty(), at.minusSeconds(1800)));
    }

    @Test
    void changedCapsZoneOrResetShouldBeSeenAtOnce() {
        // given
        Instant at = Instant.parse("2026-12-06T20:30:00Z");
        Instant reset = Instant.parse("2026-12-01T00:00:00Z");
        Caps fewer = new Caps(Optional.of(1), Optional.empty(), Optional.of(3), Optional.empty(), Optional.of(900));
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), at);

        // when / then
        assertSame(
                cache.of("buyer", 7, fewer, NEW_YORK, Optional.empty(), at),
                fresh("buyer", 7, fewer, NEW_YORK, Optional.empty(), at));
        assertSame(
                cache.of("buyer", 7, fewer, tokyo, Optional.empty(), at),
                fresh("buyer", 7, fewer, tokyo, Optional.empty(), at));
        assertSame(
                cache.of("buyer", 7, fewer, tokyo, Optional.of(reset), at),
                fresh("buyer", 7, fewer, tokyo, Optional.of(reset), at));
        assertSame(
                cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), at),
                fresh("buyer", 7, ALL, NEW_YORK, Optional.empty(), at));
    }

    @Test
    void ownersShouldNotShareCounters() {
        // given
        Instant at = Instant.parse("2026-12-06T20:30:00Z");

        // when
        List<CapCounters.Cap> buyer = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), at);
        List<CapCounters.Cap> group = cache.of("group", 7, ALL, NEW_YORK, Optional.empty(), at);
        List<CapCounters.Cap> other = cache.of("buyer", 8, ALL, NEW_YORK, Optional.empty(), at);

        // then
        assertSame(buyer, fresh("buyer", 7, ALL, NEW_YORK, Optional.empty(), at));
        assertSame(group, fresh("group", 7, ALL, NEW_YORK, Optional.empty(), at));
        assertSame(other, fresh("buyer", 8, ALL, NEW_YORK, Optional.empty(), at));
    }

    /** Every 7 minutes (and a few seconds) over days around offset changes: the cache says what CapCounters says. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "America/New_York:2026-11-01T00:00:00Z",
                "America/New_York:2026-03-08T00:00:00Z",
                "Australia/Lord_Howe:2026-04-04T10:00:00Z",
                "Australia/Lord_Howe:2026-10-03T10:00:00Z",
                "America/Santiago:2026-09-05T20:00:00Z",
                "Asia/Kolkata:2026-12-31T12:00:00Z",
                "Asia/Kathmandu:2026-02-28T12:00:00Z",
                "UTC:2026-12-31T20:00:00Z",
                "Europe/Dublin:2026-10-24T20:00:00Z"
            })
    void countersShouldBeThoseOfCapCountersAroundOffsetChanges(String zoneAndStart) {
        // given
        int colon = zoneAndStart.indexOf(':');
        ZoneId zone = ZoneId.of(zoneAndStart.substring(0, colon));
        Instant start = Instant.parse(zoneAndStart.substring(colon + 1));
        List<Instant> instants = new ArrayList<>();
        for (Instant at = start; at.isBefore(start.plus(Duration.ofDays(3))); at = at.plusSeconds(7 * 60 + 3)) {
            instants.add(at);
            instants.add(at.plusNanos(999_999_999));
        }

        for (Instant at : instants) {
            // when
            List<CapCounters.Cap> cached = cache.of("buyer", 7, ALL, zone, Optional.empty(), at);

            // then
            assertSame(cached, fresh("buyer", 7, ALL, zone, Optional.empty(), at));
        }
    }

    @Test
    void theRepeatedLocalHourShouldBeTwoEntries() {
        // given: New York goes from 02:00 EDT back to 01:00 EST at 06:00Z, so 01:xx comes twice
        Instant daylight = Instant.parse("2026-11-01T05:30:00Z");
        Instant standard = Instant.parse("2026-11-01T06:10:00Z");

        // when
        Instant daylightUntil = CapCounterCache.sameUntil(NEW_YORK, daylight);
        Instant standardUntil = CapCounterCache.sameUntil(NEW_YORK, standard);
        List<CapCounters.Cap> first = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), daylight);
        List<CapCounters.Cap> second = cache.of("buyer", 7, ALL, NEW_YORK, Optional.empty(), standard);

        // then
        assertThat(daylightUntil).isEqualTo(Instant.parse("2026-11-01T06:00:00Z"));
        assertThat(standardUntil).isEqualTo(Instant.parse("2026-11-01T07:00:00Z"));
        assertThat(second).isNotSameAs(first);
        assertSame(first, fresh("buyer", 7, ALL, NEW_YORK, Optional.empty(), daylight));
        assertSame(second, fresh("buyer", 7, ALL, NEW_YORK, Optional.empty(), standard));
    }

    @Test
    void theCacheShouldBeEmptiedRatherThanGrowPastItsBound() {
        // given
        Instant at = Instant.parse("2026-12-06T20:30:00Z");
        List<CapCounters.Cap> first = cache.of("buyer", 0, ALL, NEW_YORK, Optional.empty(), at);
        for (int id = 1; id < CapCounterCache.MAX_OWNERS; id++) {
            cache.of("buyer", id, ALL, NEW_YORK, Optional.empty(), at);
        }

        // when
        cache.of("buyer", CapCounterCache.MAX_OWNERS, ALL, NEW_YORK, Optional.empty(), at);
        List<CapCounters.Cap> again = cache.of("buyer", 0, ALL, NEW_YORK, Optional.empty(), at);

        // then
        assertThat(again).isNotSameAs(first);
        assertSame(again, first);
    }

    private static List<CapCounters.Cap> fresh(
            String type, long id, Caps caps, ZoneId zone, Optional<Instant> reset, Instant now) {
        return CapCounters.of(type, id, caps, zone, reset, now, SEEDS);
    }

    /** The same counters: kinds, keys, limits, ends, window starts and seeds (the seed is a function). */
    private static void assertSame(List<CapCounters.Cap> actual, List<CapCounters.Cap> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            CapCounters.Cap a = actual.get(i);
            CapCounters.Cap e = expected.get(i);
            assertThat(a.kind()).isEqualTo(e.kind());
            assertThat(a.since()).isEqualTo(e.since());
            assertThat(a.counter().key()).isEqualTo(e.counter().key());
            assertThat(a.counter().limit()).isEqualTo(e.counter().limit());
            assertThat(a.counter().expiresAt()).isEqualTo(e.counter().expiresAt());
            assertThat(a.counter().leased()).isEqualTo(e.counter().leased());
            assertThat(a.counter().seed().getAsLong())
                    .isEqualTo(e.counter().seed().getAsLong());
        }
    }
}
