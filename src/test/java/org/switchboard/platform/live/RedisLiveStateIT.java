package org.switchboard.platform.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.LocalRedis;

/**
 * The live-state contract for Redis, on the local Redis ({@code SWITCHBOARD_TEST_REDIS_URL}, default
 * {@code redis://127.0.0.1:6379}) under a prefix of its own. TTLs run on Redis's clock, so time passes for real.
 */
class RedisLiveStateIT extends LiveStateContract {
    private RedisLiveState live;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void connect() {
        live = new RedisLiveState(
                LocalRedis.url(),
                "test-" + UUID.randomUUID() + ":",
                Duration.ofSeconds(2),
                java.util.Optional.of(meters),
                java.time.Clock.systemUTC());
    }

    @Test
    void everyRedisCommandShouldBeTimedForTheMetrics() {
        live.put("timed", "1", Duration.ofSeconds(5));
        live.get("timed");

        assertThat(meters.find("lettuce.command.completion").timers())
                .as("Lettuce's command timers")
                .isNotEmpty()
                .anySatisfy(timer -> assertThat(timer.count()).isPositive());
    }

    @AfterEach
    void clean() {
        live.clearForTests();
        live.close();
    }

    @Override
    LiveState live() {
        return live;
    }

    @Override
    void passTime(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    Instant now() {
        return Instant.now();
    }
}
