package org.switchboard.platform.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.MutableClock;
import org.switchboard.testing.Race;

class InMemoryLiveStateTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(15);

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryLiveState live = new InMemoryLiveState(clock);

    @Test
    void putIfAbsentShouldStoreOnlyUntilTheKeyHoldsAValue() {
        // when
        boolean first = live.putIfAbsent("k", "a", TTL);
        boolean second = live.putIfAbsent("k", "b", TTL);

        // then
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(live.get("k")).contains("a");
    }

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
    void putShouldReplaceTheValueAndItsTtl() {
        // given
        live.put("k", "a", Duration.ofSeconds(1));

        // when
        live.put("k", "é and ü", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(5));

        // then
        assertThat(live.get("k")).contains("é and ü");
    }

    @Test
    void takeShouldHandTheValueOutOnce() {
        // given
        live.put("k", "a", TTL);

        // when
        Optional<String> first = live.take("k");
        Optional<String> second = live.take("k");

        // then
        assertThat(first).contains("a");
        assertThat(second).isEmpty();
        assertThat(live.get("k")).isEmpty();
    }

    @Test
    void replaceShouldSetOnlyWhenTheValueIsTheExpectedOne() {
        // given
        live.put("k", "reserved", TTL);

        // when
        boolean wrong = live.replace("k", "confirmed", "claimed", TTL);
        boolean right = live.replace("k", "reserved", "claimed", TTL);
        boolean again = live.replace("k", "reserved", "expired", TTL);

        // then
        assertThat(wrong).isFalse();
        assertThat(right).isTrue();
        assertThat(again).isFalse();
        assertThat(live.get("k")).contains("claimed");
        assertThat(live.replace("absent", "x", "y", TTL)).isFalse();
        assertThat(live.get("absent")).isEmpty();
    }

    @Test
    void replaceShouldNotReviveAnExpiredValue() {
        // given
        live.put("k", "reserved", TTL);
        clock.advance(TTL);

        // when
        boolean replaced = live.replace("k", "reserved", "claimed", TTL);

        // then
        assertThat(replaced).isFalse();
        assertThat(live.get("k")).isEmpty();
    }

    @Test
    void deleteIfEqualsShouldReleaseOnlyTheHoldersMarker() {
        // given
        live.put("marker", "ping-2", TTL);

        // when
        boolean stale = live.deleteIfEquals("marker", "ping-1");
        boolean own = live.deleteIfEquals("marker", "ping-2");

        // then
        assertThat(stale).isFalse();
        assertThat(own).isTrue();
        assertThat(live.get("marker")).isEmpty();
    }

    @Test
    void deleteShouldRemoveValuesAndCounts() {
        // given
        live.put("v", "a", TTL);
        live.increment("c", TTL);

        // when
        live.delete("v");
        live.delete("c");
        live.delete("never");

        // then
        assertThat(live.get("v")).isEmpty();
        assertThat(live.get("c")).isEmpty();
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
    void ttlsShouldBePositive() {
        assertThatThrownBy(() -> live.put("k", "a", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
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
    void takeDueShouldPopDueMembersEarliestFirstUpToMax() {
        // given
        live.schedule("q", "c", T0.plusSeconds(3));
        live.schedule("q", "a", T0.plusSeconds(1));
        live.schedule("q", "b", T0.plusSeconds(2));
        live.schedule("q", "b2", T0.plusSeconds(2));
        live.schedule("q", "later", T0.plusSeconds(60));

        // when
        List<String> notYet = live.takeDue("q", T0, 10);
        List<String> firstTwo = live.takeDue("q", T0.plusSeconds(3), 2);
        List<String> rest = live.takeDue("q", T0.plusSeconds(3), 10);
        List<String> again = live.takeDue("q", T0.plusSeconds(3), 10);

        // then
        assertThat(notYet).isEmpty();
        assertThat(firstTwo).containsExactly("a", "b");
        assertThat(rest).containsExactly("b2", "c");
        assertThat(again).isEmpty();
        assertThat(live.takeDue("q", T0.plusSeconds(60), 10)).containsExactly("later");
        assertThat(live.takeDue("other", T0.plusSeconds(60), 10)).isEmpty();
    }

    @Test
    void schedulingAMemberAgainShouldMoveIt() {
        // given
        live.schedule("q", "m", T0.plusSeconds(1));
        live.schedule("q", "n", T0.plusSeconds(1));

        // when
        live.schedule("q", "m", T0.plusSeconds(10));

        // then
        assertThat(live.takeDue("q", T0.plusSeconds(5), 10)).containsExactly("n");
        assertThat(live.takeDue("q", T0.plusSeconds(10), 10)).containsExactly("m");
    }

    @Test
    void capCountersShouldKeepWorkingBesideValues() {
        // given
        LiveState.Counter cap = new LiveState.Counter("buyer:1:live", 1, Instant.MAX, () -> 0L);
        live.put("buyer:1:live", "a value under the same name lives apart", TTL);

        // when
        OptionalInt first = live.tryAcquire(List.of(cap));
        OptionalInt second = live.tryAcquire(List.of(cap));

        // then
        assertThat(first).isEmpty();
        assertThat(second).hasValue(0);
        assertThat(live.current(cap)).isEqualTo(1);
    }

    // --- real threads ------------------------------------------------------------------------------------------

    @Test
    void fiftyThreadsRacingTakeShouldHaveExactlyOneWinnerEveryRound() throws InterruptedException {
        // given: 200 keys, and 50 threads that meet at a barrier before each one
        int rounds = 200;
        for (int round = 0; round < rounds; round++) {
            live.put("reservation:" + round, "r" + round, TTL);
        }
        AtomicIntegerArray winners = new AtomicIntegerArray(rounds);
        CyclicBarrier barrier = new CyclicBarrier(50);

        // when
        Race.run(50, () -> {
            for (int round = 0; round < rounds; round++) {
                await(barrier);
                if (live.take("reservation:" + round).isPresent()) {
                    winners.incrementAndGet(round);
                }
            }
        });

        // then
        for (int round = 0; round < rounds; round++) {
            assertThat(winners.get(round)).as("round " + round).isEqualTo(1);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void racingPutIfAbsentAndReplaceShouldEachHaveOneWinner() throws InterruptedException {
        // given
        AtomicInteger markers = new AtomicInteger();
        AtomicInteger transitions = new AtomicInteger();
        live.put("state", "reserved", TTL);

        // when
        Race.run(50, () -> {
            if (live.putIfAbsent("marker", Thread.currentThread().getName(), TTL)) {
                markers.incrementAndGet();
            }
            if (live.replace("state", "reserved", Thread.currentThread().getName(), TTL)) {
                transitions.incrementAndGet();
            }
        });

        // then
        assertThat(markers).hasValue(1);
        assertThat(transitions).hasValue(1);
    }

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

    @Test
    void takeDueFromManyThreadsShouldHandEachMemberOutOnce() throws InterruptedException {
        // given
        int members = 20_000;
        for (int i = 0; i < members; i++) {
            live.schedule("expiry", "m" + i, T0.plusMillis(i % 500));
        }
        List<String> taken = Collections.synchronizedList(new ArrayList<>());

        // when
        Race.run(8, () -> {
            List<String> batch;
            while (!(batch = live.takeDue("expiry", T0.plusSeconds(1), 37)).isEmpty()) {
                taken.addAll(batch);
            }
        });

        // then
        Set<String> distinct = new HashSet<>(taken);
        assertThat(taken).hasSize(members);
        assertThat(distinct).hasSize(members);
    }
}
