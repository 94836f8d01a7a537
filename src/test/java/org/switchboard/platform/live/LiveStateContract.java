package org.switchboard.platform.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Race;

/**
 * What every {@link LiveState} must do, whoever stores it: each implementation's test extends this class and says how
 * it makes a store and how time passes for it (a moved clock in memory; real time for Redis, whose TTLs run on its
 * own clock). TTLs here are short so real time is affordable.
 */
abstract class LiveStateContract {
    static final Duration SHORT = Duration.ofMillis(300);
    static final Duration LONG = Duration.ofMinutes(5);

    /** A state that shares nothing with earlier tests. */
    abstract LiveState live();

    /** Lets {@code duration} pass for the store's expiries. */
    abstract void passTime(Duration duration);

    /** A key no other test (or run, on a shared store) uses. */
    static String fresh(String name) {
        return name + ":" + UUID.randomUUID();
    }

    /** Now, on the clock the store's callers (and so leases and cap windows) go by. */
    abstract Instant now();

    /** The instant a cap window ending {@code in} from now ends. */
    Instant endIn(Duration in) {
        return now().plus(in);
    }

    /** A long lease for {@code holder} from now. */
    LiveState.Lease lease(String holder) {
        return new LiveState.Lease(holder, now(), LONG);
    }

    @Test
    void aLeasedCounterShouldCountHoldersOnceEach() {
        // given: room for two live calls
        LiveState live = live();
        LiveState.Counter calls = LiveState.Counter.leased(fresh("live"), 2);

        // when
        OptionalInt a = live.tryAcquire(List.of(calls), lease("call-a"));
        OptionalInt aAgain = live.tryAcquire(List.of(calls), lease("call-a"));
        OptionalInt b = live.tryAcquire(List.of(calls), lease("call-b"));
        OptionalInt c = live.tryAcquire(List.of(calls), lease("call-c"));
        live.release(List.of(calls), "call-a");
        OptionalInt cAfterA = live.tryAcquire(List.of(calls), lease("call-c"));

        // then
        assertThat(a).isEmpty();
        assertThat(aAgain).isEmpty();
        assertThat(b).isEmpty();
        assertThat(c).hasValue(0);
        assertThat(cAfterA).isEmpty();
        assertThat(live.current(calls)).isEqualTo(2);
    }

    @Test
    void aLeaseNotRenewedShouldEndAndFreeItsUnit() {
        // given: one unit, held by a call whose node then dies (nobody renews)
        LiveState live = live();
        LiveState.Counter calls = LiveState.Counter.leased(fresh("live"), 1);
        Instant t0 = now();
        live.tryAcquire(List.of(calls), new LiveState.Lease("dead-node-call", t0, Duration.ofSeconds(60)));

        // when
        OptionalInt within = live.tryAcquire(
                List.of(calls), new LiveState.Lease("other", t0.plusSeconds(59), Duration.ofSeconds(60)));
        OptionalInt after = live.tryAcquire(
                List.of(calls), new LiveState.Lease("other", t0.plusSeconds(61), Duration.ofSeconds(60)));

        // then
        assertThat(within).hasValue(0);
        assertThat(after).isEmpty();
    }

    @Test
    void renewingShouldKeepAUnitButNeverReviveAnEndedLease() {
        // given: two counters of one unit each
        LiveState live = live();
        LiveState.Counter renewed = LiveState.Counter.leased(fresh("renewed"), 1);
        LiveState.Counter lapsed = LiveState.Counter.leased(fresh("lapsed"), 1);
        Instant t0 = now();
        live.tryAcquire(List.of(renewed, lapsed), new LiveState.Lease("call", t0, Duration.ofSeconds(60)));

        // when: renewed in time on one; on the other only after its lease ended and another call took the unit
        live.renew(List.of(renewed), new LiveState.Lease("call", t0.plusSeconds(50), Duration.ofSeconds(60)));
        OptionalInt takenOver = live.tryAcquire(
                List.of(lapsed), new LiveState.Lease("newcomer", t0.plusSeconds(61), Duration.ofSeconds(60)));
        live.renew(List.of(lapsed), new LiveState.Lease("call", t0.plusSeconds(62), Duration.ofSeconds(60)));

        // then: the renewed one is still held at 100 s; the lapsed one is the newcomer's alone
        assertThat(live.tryAcquire(
                        List.of(renewed), new LiveState.Lease("other", t0.plusSeconds(100), Duration.ofSeconds(60))))
                .hasValue(0);
        assertThat(takenOver).isEmpty();
        live.release(List.of(lapsed), "newcomer");
        assertThat(live.tryAcquire(
                        List.of(lapsed), new LiveState.Lease("third", t0.plusSeconds(63), Duration.ofSeconds(60))))
                .isEmpty();
    }

    @Test
    void putIfAbsentShouldStoreOnlyUntilTheKeyHoldsAValue() {
        LiveState live = live();
        String key = fresh("k");

        assertThat(live.putIfAbsent(key, "a", LONG)).isTrue();
        assertThat(live.putIfAbsent(key, "b", LONG)).isFalse();
        assertThat(live.get(key)).contains("a");
    }

    @Test
    void putIfAbsentUnlessShouldStoreOnlyWhenNeitherTheKeyNorItsGuardHoldsAValue() {
        // given: a marker key and the reservation index that guards it
        LiveState live = live();
        String marker = fresh("marker");
        String guard = fresh("held");

        // when
        LiveState.Guarded first = live.putIfAbsentUnless(marker, "ping-1", LONG, guard);
        LiveState.Guarded second = live.putIfAbsentUnless(marker, "ping-2", LONG, guard);
        live.delete(marker);
        live.put(guard, "reservation", LONG);
        LiveState.Guarded guarded = live.putIfAbsentUnless(marker, "ping-3", LONG, guard);

        // then
        assertThat(first).isEqualTo(LiveState.Guarded.STORED);
        assertThat(second).isEqualTo(LiveState.Guarded.TAKEN);
        assertThat(guarded).isEqualTo(LiveState.Guarded.GUARDED);
        assertThat(live.get(marker)).isEmpty();
    }

    @Test
    void valuesShouldExpireAfterTheirTtlAndFreeTheKey() {
        // given
        LiveState live = live();
        String key = fresh("k");
        live.putIfAbsent(key, "a", SHORT);

        // when
        passTime(SHORT.plusMillis(50));

        // then
        assertThat(live.get(key)).isEmpty();
        assertThat(live.take(key)).isEmpty();
        assertThat(live.putIfAbsent(key, "b", LONG)).isTrue();
        assertThat(live.get(key)).contains("b");
    }

    @Test
    void putShouldReplaceTheValueAndItsTtl() {
        LiveState live = live();
        String key = fresh("k");
        live.put(key, "a", SHORT);

        live.put(key, "é and ü", LONG);
        passTime(SHORT.plusMillis(50));

        assertThat(live.get(key)).contains("é and ü");
    }

    @Test
    void takeShouldHandTheValueOutOnce() {
        LiveState live = live();
        String key = fresh("k");
        live.put(key, "a", LONG);

        assertThat(live.take(key)).contains("a");
        assertThat(live.take(key)).isEmpty();
        assertThat(live.get(key)).isEmpty();
    }

    @Test
    void replaceShouldSetOnlyWhenTheValueIsTheExpectedOne() {
        LiveState live = live();
        String key = fresh("k");
        live.put(key, "reserved", LONG);

        assertThat(live.replace(key, "confirmed", "claimed", LONG)).isFalse();
        assertThat(live.replace(key, "reserved", "claimed", LONG)).isTrue();
        assertThat(live.replace(key, "reserved", "expired", LONG)).isFalse();
        assertThat(live.get(key)).contains("claimed");
        String absent = fresh("absent");
        assertThat(live.replace(absent, "x", "y", LONG)).isFalse();
        assertThat(live.get(absent)).isEmpty();
    }

    @Test
    void replaceShouldNotReviveAnExpiredValue() {
        LiveState live = live();
        String key = fresh("k");
        live.put(key, "reserved", SHORT);
        passTime(SHORT.plusMillis(50));

        assertThat(live.replace(key, "reserved", "claimed", LONG)).isFalse();
        assertThat(live.get(key)).isEmpty();
    }

    @Test
    void deleteIfEqualsShouldReleaseOnlyTheHoldersMarker() {
        LiveState live = live();
        String key = fresh("marker");
        live.put(key, "ping-1", LONG);

        assertThat(live.deleteIfEquals(key, "ping-2")).isFalse();
        assertThat(live.get(key)).contains("ping-1");
        assertThat(live.deleteIfEquals(key, "ping-1")).isTrue();
        assertThat(live.get(key)).isEmpty();
    }

    @Test
    void deleteShouldRemoveValuesAndCounts() {
        LiveState live = live();
        String value = fresh("v");
        String count = fresh("c");
        live.put(value, "a", LONG);
        live.increment(count, LONG);

        live.delete(value);
        live.delete(count);

        assertThat(live.get(value)).isEmpty();
        assertThat(live.increment(count, LONG)).isEqualTo(1);
    }

    @Test
    void incrementShouldCountFromOneAndExpireTtlAfterFirstUse() {
        LiveState live = live();
        String key = fresh("c");

        long first = live.increment(key, SHORT);
        long second = live.increment(key, SHORT);
        passTime(SHORT.plusMillis(50));
        long afterExpiry = live.increment(key, LONG);

        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(afterExpiry).isEqualTo(1);
    }

    @Test
    void incrementShouldRefuseAKeyHoldingAValue() {
        LiveState live = live();
        String key = fresh("k");
        live.put(key, "a", LONG);

        assertThatThrownBy(() -> live.increment(key, LONG)).isInstanceOf(IllegalStateException.class);
        assertThat(live.get(key)).contains("a");
    }

    @Test
    void ttlsShouldBePositive() {
        LiveState live = live();
        assertThatThrownBy(() -> live.put(fresh("k"), "a", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takeDueShouldPopDueMembersEarliestFirstUpToMax() {
        // given
        LiveState live = live();
        String queue = fresh("q");
        Instant t0 = Instant.parse("2026-11-23T12:00:00Z");
        live.schedule(queue, "c", t0.plusSeconds(3));
        live.schedule(queue, "a", t0.plusSeconds(1));
        live.schedule(queue, "b", t0.plusSeconds(2));
        live.schedule(queue, "later", t0.plusSeconds(60));

        // when
        List<String> first = live.takeDue(queue, t0.plusSeconds(10), 2);
        List<String> second = live.takeDue(queue, t0.plusSeconds(10), 10);
        List<String> none = live.takeDue(queue, t0.plusSeconds(10), 10);

        // then
        assertThat(first).containsExactly("a", "b");
        assertThat(second).containsExactly("c");
        assertThat(none).isEmpty();
        assertThat(live.takeDue(queue, t0.plusSeconds(60), 10)).containsExactly("later");
    }

    @Test
    void schedulingAMemberAgainShouldMoveIt() {
        LiveState live = live();
        String queue = fresh("q");
        Instant t0 = Instant.parse("2026-11-23T12:00:00Z");
        live.schedule(queue, "m", t0.plusSeconds(1));
        live.schedule(queue, "m", t0.plusSeconds(100));

        assertThat(live.takeDue(queue, t0.plusSeconds(50), 10)).isEmpty();
        assertThat(live.takeDue(queue, t0.plusSeconds(100), 10)).containsExactly("m");
    }

    @Test
    void countersShouldStayWithinTheirLimitsAndTakeAllOrNothing() {
        // given: a buyer's counter with room for two, and its group's with room for one
        LiveState live = live();
        LiveState.Counter buyer = new LiveState.Counter(fresh("buyer"), 2, Instant.MAX, () -> 0L);
        LiveState.Counter group = new LiveState.Counter(fresh("group"), 1, Instant.MAX, () -> 0L);

        // when
        OptionalInt first = live.tryAcquire(List.of(buyer, group), lease("t"));
        OptionalInt second = live.tryAcquire(List.of(buyer, group), lease("t"));
        OptionalInt buyerOnly = live.tryAcquire(List.of(buyer), lease("t"));

        // then: the second is refused by the group's counter (index 1) and took nothing of the buyer's
        assertThat(first).isEmpty();
        assertThat(second).hasValue(1);
        assertThat(buyerOnly).isEmpty();
        assertThat(live.current(buyer)).isEqualTo(2);
        assertThat(live.current(group)).isEqualTo(1);
    }

    @Test
    void aCounterShouldStartFromItsSeedOnceAndReleaseNeverBelowZeroNorCreateIt() {
        // given: a day's counter whose SQL record says 4 calls already
        LiveState live = live();
        AtomicInteger seeded = new AtomicInteger();
        LiveState.Counter daily = new LiveState.Counter(fresh("daily"), 5, endIn(Duration.ofHours(1)), () -> {
            seeded.incrementAndGet();
            return 4L;
        });
        LiveState.Counter absent = new LiveState.Counter(fresh("absent"), 5, Instant.MAX, () -> 3L);

        // when
        OptionalInt fifth = live.tryAcquire(List.of(daily), lease("t"));
        OptionalInt sixth = live.tryAcquire(List.of(daily), lease("t"));
        live.release(List.of(daily), "t");
        live.release(List.of(daily), "t");
        live.release(List.of(daily), "t");
        live.release(List.of(daily), "t");
        live.release(List.of(daily), "t");
        live.release(List.of(daily), "t");
        live.release(List.of(absent), "t");

        // then: seeded once, full at five, never below zero; releasing the absent one did not create it at 0
        assertThat(fifth).isEmpty();
        assertThat(sixth).hasValue(0);
        assertThat(live.current(daily)).isZero();
        assertThat(seeded).hasValue(1);
        assertThat(live.current(absent)).isEqualTo(3);
    }

    @Test
    void aWindowCounterShouldEndWithItsWindow() {
        LiveState live = live();
        LiveState.Counter hour = new LiveState.Counter(fresh("hour"), 1, endIn(SHORT), () -> 0L);

        assertThat(live.tryAcquire(List.of(hour), lease("t"))).isEmpty();
        assertThat(live.tryAcquire(List.of(hour), lease("t"))).hasValue(0);
        passTime(SHORT.plusMillis(100));

        assertThat(live.tryAcquire(List.of(hour), lease("t"))).isEmpty();
    }

    @Test
    void racersShouldNeverTakeMoreThanTheLimit() throws InterruptedException {
        // given: three units, fifty racers each trying ten times
        LiveState live = live();
        LiveState.Counter cap = new LiveState.Counter(fresh("cap"), 3, Instant.MAX, () -> 0L);
        AtomicLong taken = new AtomicLong();

        // when
        Race.run(50, () -> {
            for (int i = 0; i < 10; i++) {
                if (live.tryAcquire(List.of(cap), lease("t")).isEmpty()) {
                    taken.incrementAndGet();
                }
            }
        });

        // then
        assertThat(taken).hasValue(3);
        assertThat(live.current(cap)).isEqualTo(3);
    }

    @Test
    void racersTakingOneValueShouldHaveExactlyOneWinner() throws InterruptedException {
        LiveState live = live();
        String key = fresh("reservation");
        live.put(key, "held", LONG);
        ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();

        Race.run(20, () -> live.take(key).ifPresent(winners::add));

        assertThat(winners).containsExactly("held");
    }

    @Test
    void racersReplacingOneValueShouldHaveExactlyOneWinner() throws InterruptedException {
        LiveState live = live();
        String key = fresh("state");
        live.put(key, "reserved", LONG);
        AtomicInteger winners = new AtomicInteger();

        Race.run(20, () -> {
            if (live.replace(
                    key, "reserved", "claimed-" + Thread.currentThread().getName(), LONG)) {
                winners.incrementAndGet();
            }
        });

        assertThat(winners).hasValue(1);
    }

    @Test
    void racersTakingDueMembersShouldEachGetDistinctOnes() throws InterruptedException {
        // given
        LiveState live = live();
        String queue = fresh("q");
        Instant t0 = Instant.parse("2026-11-23T12:00:00Z");
        for (int i = 0; i < 500; i++) {
            live.schedule(queue, "m" + i, t0.plusMillis(i));
        }
        List<String> all = Collections.synchronizedList(new ArrayList<>());

        // when
        Race.run(10, () -> {
            List<String> got;
            do {
                got = live.takeDue(queue, t0.plusSeconds(1), 7);
                all.addAll(got);
            } while (!got.isEmpty());
        });

        // then
        Set<String> distinct = new HashSet<>(all);
        assertThat(all).hasSize(500);
        assertThat(distinct).hasSize(500);
    }
}
