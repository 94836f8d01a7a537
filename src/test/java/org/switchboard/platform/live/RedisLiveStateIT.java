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

    @Test
    void aSubscriptionCutAndRestoredShouldSayItMayHaveMissedMessagesAndHearTheNextOnes() {
        // given: a subscriber that has heard one message
        String channel = "changes-" + UUID.randomUUID();
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger resubscribed = new java.util.concurrent.atomic.AtomicInteger();
        live.subscribe(channel, heard::add, resubscribed::incrementAndGet);
        live.publish(channel, "before");
        org.switchboard.testing.Await.until("the first message", () -> heard.contains("before"));

        // when: Redis closes the subscriber's connection (as a restart or a network fault would)
        io.lettuce.core.RedisClient admin = io.lettuce.core.RedisClient.create(LocalRedis.url());
        try (var connection = admin.connect()) {
            String name = "name=" + live.prefixForTests() + channel + " ";
            String line = connection
                    .sync()
                    .clientList()
                    .lines()
                    .filter(l -> (l + " ").contains(name))
                    .findFirst()
                    .orElseThrow();
            long id = Long.parseLong(line.replaceFirst("^id=(\\d+) .*", "$1"));
            connection.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(id));
        } finally {
            admin.shutdown();
        }

        // then: it subscribes again by itself, says so once, and hears what comes next
        org.switchboard.testing.Await.until("the subscription to come back", () -> resubscribed.get() == 1);
        live.publish(channel, "after");
        org.switchboard.testing.Await.until("the message after the cut", () -> heard.contains("after"));
        assertThat(resubscribed).hasValue(1);
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
