package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.testing.MutableClock;

class SignInThrottleTest {
    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-06T10:00:00Z"));
    private final SignInThrottle throttle = new SignInThrottle(new InMemoryLiveState(clock), clock);

    @Test
    void anEmailShouldWaitAfterItsLimitUntilTheOldestFailureLeavesTheWindow() {
        // given
        for (int i = 0; i < SignInThrottle.PER_EMAIL; i++) {
            assertThat(throttle.waitFor("ana@example.com", "10.0.0." + i)).isEmpty();
            throttle.failed("ana@example.com", "10.0.0." + i);
            clock.advance(Duration.ofMinutes(1));
        }
        // then: blocked for what is left of the first failure's window, from any address
        assertThat(throttle.waitFor("ana@example.com", "10.9.9.9")).contains(Duration.ofMinutes(10));
        assertThat(throttle.waitFor("bob@example.com", "10.9.9.9")).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.waitFor("ana@example.com", "10.9.9.9")).isEmpty();
    }

    @Test
    void anAddressShouldWaitAfterItsLimitWhateverTheEmails() {
        for (int i = 0; i < SignInThrottle.PER_ADDRESS; i++) {
            throttle.failed("user" + i + "@example.com", "10.0.0.1");
        }
        assertThat(throttle.waitFor("fresh@example.com", "10.0.0.1")).isPresent();
        assertThat(throttle.waitFor("fresh@example.com", "10.0.0.2")).isEmpty();
    }

    @Test
    void aSuccessShouldClearTheEmailButNotTheAddress() {
        for (int i = 0; i < SignInThrottle.PER_ADDRESS; i++) {
            throttle.failed("ana@example.com", "10.0.0.1");
        }
        throttle.succeeded("ana@example.com");
        assertThat(throttle.waitFor("ana@example.com", "10.0.0.2")).isEmpty();
        assertThat(throttle.waitFor("ana@example.com", "10.0.0.1")).isPresent();
    }
}
