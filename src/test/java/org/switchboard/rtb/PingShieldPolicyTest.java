package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PingShieldPolicyTest {
    private static final long HOUR = 3_600_000;

    @ParameterizedTest(name = "{0}% blocks ordinals {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0   | ''
            25  | 4 8 12 16
            50  | 2 4 6 8 10 12 14 16
            33  | 4 7 10 13 16
            100 | 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
            150 | 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
            """)
    void limitedPingsShouldBeBlockedAtEvenlySpreadOrdinals(long percent, String blocked) {
        // when
        StringBuilder actual = new StringBuilder();
        for (long i = 1; i <= 16; i++) {
            if (PingShieldPolicy.blocksOrdinal(i, percent)) {
                actual.append(actual.isEmpty() ? "" : " ").append(i);
            }
        }

        // then
        assertThat(actual.toString()).isEqualTo(blocked);
    }

    @Test
    void exactlyBOfAnyHundredConsecutiveLimitedPingsShouldBeBlocked() {
        for (long percent = 0; percent <= 100; percent++) {
            for (long start = 1; start <= 301; start += 37) {
                // when
                int blocked = 0;
                for (long i = start; i < start + 100; i++) {
                    blocked += PingShieldPolicy.blocksOrdinal(i, percent) ? 1 : 0;
                }

                // then
                assertThat(blocked).as(percent + "% from " + start).isEqualTo((int) percent);
            }
        }
    }

    @ParameterizedTest(name = "prev {0}/{1}, cur {2}/{3}, {4} ms in, threshold {5}% -> {6}")
    @CsvSource(delimiter = '|', textBlock = """
            # previous pings | previous claims | current pings | current claims | elapsed ms | threshold | limited
            0    | 0   | 99  | 0  | 0       | 5  | false
            0    | 0   | 100 | 0  | 0       | 5  | true
            0    | 0   | 100 | 4  | 1000    | 5  | true
            0    | 0   | 100 | 5  | 1000    | 5  | false
            0    | 0   | 100 | 0  | 1000    | 0  | false
            200  | 0   | 0   | 0  | 1800000 | 5  | true
            200  | 0   | 0   | 0  | 1803600 | 5  | false
            1000 | 100 | 0   | 0  | 0       | 5  | false
            1000 | 0   | 100 | 10 | 3240000 | 5  | false
            1000 | 0   | 100 | 10 | 3240000 | 6  | true
            1000 | 1000| 0   | 0  | 3599999 | 50 | false
            """)
    void theClaimRatioShouldBeJudgedOverTheRollingHourOnceTheSampleIsLargeEnough(
            long previousPings,
            long previousClaims,
            long currentPings,
            long currentClaims,
            long elapsed,
            long threshold,
            boolean limited) {
        // given
        var counts = new PingShieldPolicy.ClaimCounts(previousPings, previousClaims, currentPings, currentClaims);

        // when
        boolean actual = PingShieldPolicy.belowClaimThreshold(counts, elapsed, HOUR, threshold);

        // then
        assertThat(actual).isEqualTo(limited);
    }

    @ParameterizedTest(name = "{0} in a window limited to {1}: {2}")
    @CsvSource({"1, 5, false", "5, 5, false", "6, 5, true", "1, 0, true"})
    void onlyPingsBeyondTheWindowsCountShouldBeLimited(long count, long limit, boolean limited) {
        assertThat(PingShieldPolicy.outboundLimited(count, limit)).isEqualTo(limited);
    }

    @ParameterizedTest(name = "{0} ms in windows of {1} ms: window {2}, {3} ms in")
    @CsvSource({"0, 1000, 0, 0", "999, 1000, 0, 999", "1000, 1000, 1, 0", "7250, 2500, 2, 2250"})
    void windowsShouldBeAlignedOnMultiplesOfTheirLength(long now, long length, long index, long elapsed) {
        assertThat(PingShieldPolicy.windowIndex(now, length)).isEqualTo(index);
        assertThat(PingShieldPolicy.elapsedInWindow(now, length)).isEqualTo(elapsed);
    }

    @Test
    void productComparisonShouldStayExactPastLongRange() {
        assertThat(PingShieldPolicy.productLess(Long.MAX_VALUE, 100, Long.MAX_VALUE, 101))
                .isTrue();
        assertThat(PingShieldPolicy.productLess(Long.MAX_VALUE, 101, Long.MAX_VALUE, 100))
                .isFalse();
        assertThat(PingShieldPolicy.productLess(3, 4, 2, 7)).isTrue();
    }
}
