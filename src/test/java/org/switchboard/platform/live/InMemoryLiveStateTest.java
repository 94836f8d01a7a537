package org.switchboard.platform.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.MutableClock;
import org.switchboard.testing.Race;

/**
 * What only the in-memory state does beyond {@link LiveStateContract} (which {@link InMemoryLiveStateContractTest}
 * runs): expiry to the millisecond of its clock, counts kept apart from values, and the sweep of expired keys.
 */
class InMemoryLiveStateTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(15);

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryLiveState live = new InMemoryLiveState(clock);

    @Test
    void valuesShouldExpireAfterTheirTtlAndFreeTheKey() {
        // given
        live.putIfAbsent("k", "a", TTL);

        // when
        clock.advance(TTL.minusMillis(1));
        Optional<String> justBefore = live.get("k");
        clock.advance(Duration.ofMillis(1));

        // then
        assertThat(justBefore).contains("a");
        assertThat(live.get("k")).isEmpty();
        assertThat(live.take("k")).isEmpty();
        assertThat(live.putIfAbsent("k", "b", TTL)).isTrue();
        assertThat(live.get("k")).contains("b");
    }

    @Test
    void incrementShouldCountFromOneAndExpireTtlAfterFirstUse() {
        // when
        long first = live.increment("c", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        long second = live.increment("c", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(1));
        long afterExpiry = live.increment("c", Duration.ofSeconds(10));

        // then: the second increment did not extend the expiry (PEXPIRE only on first use)
        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(afterExpiry).isEqualTo(1);
        assertThat(live.get("c")).contains("1");
    }

    @Test
    void incrementShouldRefuseAKeyHoldingAValue() {
        // given
        live.put("k", "a", TTL);

        // then
        assertThatThrownBy(() -> live.increment("k", TTL)).isInstanceOf(IllegalStateException.class);
        assertThat(live.replace("c", "1", "x", TTL)).isFalse();
    }

    @Test
    void sweepShouldDropExpiredKeysOnly() {
        // given
        for (int i = 0; i < 1_000; i++) {
            live.put("short" + i, "x", Duration.ofSeconds(1));
            live.increment("count" + i, Duration.ofSeconds(1));
        }
        live.put("long", "x", Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(2));

        // when
        live.sweepValues();

        // then
        assertThat(live.keyCount()).isEqualTo(1);
        assertThat(live.get("long")).contains("x");
    }

    @Test
    void capCountersShouldKeepWorkingBesideValues() {
        // given
        LiveState.Counter cap = new LiveState.Counter("buyer:1:live", 1, Instant.MAX, () -> 0L);
        live.put("buyer:1:live", "a value under the same name lives apart", TTL);

        // when
        OptionalInt first = live.tryAcquire(List.of(cap), new LiveState.Lease("t", clock.instant(), TTL));
        OptionalInt second = live.tryAcquire(List.of(cap), new LiveState.Lease("t", clock.instant(), TTL));

        // then
        assertThat(first).isEmpty();
        assertThat(second).hasValue(0);
        assertThat(live.current(cap)).isEqualTo(1);
    }

    // --- real threads ------------------------------------------------------------------------------------------

    @Test
    void incrementShouldCountExactlyUnderContention() throws InterruptedException {
        // given
        int threads = 16;
        int each = 20_000;
        ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();

        // when
        Race.run(threads, () -> {
            for (int i = 0; i < each; i++) {
                seen.add(live.increment("pings", Duration.ofHours(1)));
            }
        });

        // then: every value from 1 to the total was handed out exactly once
        assertThat(live.get("pings")).contains(Long.toString((long) threads * each));
        assertThat(new HashSet<>(seen)).hasSize(threads * each);
    }
}
