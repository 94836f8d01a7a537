package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @ParameterizedTest(name = "after attempt {0} with jitter {1}: {2} ms")
    @CsvSource({
        // the default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, jittered by up to 10 % either way
        "1, 0.5, 5000",
        "1, 0.0, 4500",
        "1, 0.999999, 5500",
        "2, 0.5, 300000",
        "3, 0.5, 1800000",
        "4, 0.5, 7200000",
        "5, 0.5, 18000000",
        "6, 0.5, 36000000",
        "7, 0.0, 32400000",
        "8, 0.5, -1",
    })
    void defaultScheduleShouldWaitItsStepsWithJitterThenGiveUp(int attemptsMade, double jitter, long waitMillis) {
        // when
        Optional<Instant> next = RetrySchedule.DEFAULT.next(attemptsMade, NOW, Optional.empty(), jitter);

        // then
        if (waitMillis < 0) {
            assertThat(next).isEmpty();
        } else {
            assertThat(next).contains(NOW.plusMillis(waitMillis));
        }
    }

    @ParameterizedTest(name = "schedule {0}, Retry-After {1} s: {2} s")
    @CsvSource({
        // Retry-After replaces the scheduled wait, longer or shorter
        "'5s,5m', 2, 2",
        "'5s,5m', 120, 120",
        // bounded by the schedule's longest wait
        "'5s,5m', 3600, 300",
        // ... which counts as at least a minute, so a short test schedule still honours a few seconds
        "'1s,1s', 2, 2",
        "'1s,1s', 600, 60",
    })
    void retryAfterShouldMoveTheNextAttemptWithinTheSchedule(String schedule, long retryAfter, long waitSeconds) {
        // when
        Optional<Instant> next =
                RetrySchedule.parse(schedule).next(1, NOW, Optional.of(Duration.ofSeconds(retryAfter)), 0.5);

        // then
        assertThat(next).contains(NOW.plusSeconds(waitSeconds));
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @CsvSource({
        "'2', 2000",
        "' 30 ', 30000",
        "'Sun, 01 Mar 2026 12:00:10 GMT', 10000",
        "'Sun, 01 Mar 2026 11:00:00 GMT', 0"
    })
    void retryAfterShouldReadSecondsAndHttpDates(String header, long millis) {
        assertThat(RetrySchedule.retryAfter(header, NOW)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @CsvSource({"soon", "-5", "1.5", "''"})
    void retryAfterShouldIgnoreWhatIsNotSecondsOrADate(String header) {
        assertThat(RetrySchedule.retryAfter(header, NOW)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'5x'", "'s'", "'-5s'", "'five minutes'"})
    void parseShouldRefuseWaitsWithoutAUnitOrNumber(String text) {
        assertThatThrownBy(() -> RetrySchedule.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}: {1} attempts")
    @CsvSource({"'', 1", "'500ms', 2", "'1s, 2m ,3h,1d', 5"})
    void attemptsShouldBeTheFirstPlusOnePerWait(String text, int attempts) {
        assertThat(RetrySchedule.parse(text).attempts()).isEqualTo(attempts);
    }
}
