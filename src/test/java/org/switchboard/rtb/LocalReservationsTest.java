package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.testing.MutableClock;

/** What only the in-memory table does (its contract is {@link ReservationStoreTest}'s). */
class LocalReservationsTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final String INBOUND = "+18444021146";

    private final MutableClock clock = new MutableClock(T0);
    private final LocalReservations table = new LocalReservations(new InMemoryLiveState(clock), clock);

    private Reservation reserve(String caller, int ttlSeconds) {
        Reservation r =
                ReservationStoreTest.reservation(UUID.randomUUID().toString(), INBOUND, caller, 5, T0, ttlSeconds);
        table.reserve(r, Duration.between(clock.instant(), r.expiresAt()));
        return r;
    }

    @Test
    void theSweepShouldDropWhatIsPastItsKeepingAndNothingElse() {
        // given: one claimed, one expired by the worker, one past its TTL but unprocessed, one open
        Reservation claimed = reserve("+13125550001", 15);
        table.claim(INBOUND, "+13125550001");
        Reservation expired = reserve("+13125550002", 15);
        Reservation unprocessed = reserve("+13125550003", 20);
        Reservation open = reserve("+13125550004", 3_600);
        clock.advance(Duration.ofSeconds(15));
        assertThat(table.takeExpired(clock.instant(), 10)).containsExactly(expired);
        clock.advance(ReservationStore.LINGER);

        // when
        table.sweep();

        // then: the claimed and the expired one lingered their 30 s; the unprocessed one waits out its grace
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.findByUuid(claimed.uuid())).isEmpty();
        assertThat(table.findByUuid(expired.uuid())).isEmpty();
        assertThat(table.findByUuid(unprocessed.uuid()).orElseThrow().phase())
                .isEqualTo(ReservationStore.Phase.EXPIRED);
        assertThat(table.findActive(INBOUND, "+13125550004")).contains(open);
    }

    @Test
    void theSweepShouldDropExactlyWhatAWalkOfEveryReservationFindsPastItsKeeping() {
        // given: reservations of random TTLs, some claimed, confirmed or expired by the worker, over two hours of a
        // clock that moves by up to eight seconds at a time (and once by more than the unprocessed grace)
        Random random = new Random(15);
        List<String> uuids = new ArrayList<>();
        int sweeps = 0;
        for (int step = 0; step < 4_000; step++) {
            String caller = "+1312555" + String.format("%04d", random.nextInt(600));
            switch (random.nextInt(8)) {
                case 0, 1, 2 -> uuids.add(reserveNow(caller, 1 + random.nextInt(60)));
                case 3 -> table.claim(INBOUND, caller);
                case 4 -> {
                    if (!uuids.isEmpty()) {
                        table.confirm(uuids.get(random.nextInt(uuids.size())));
                    }
                }
                case 5 -> table.takeExpired(clock.instant(), 1 + random.nextInt(50));
                case 6 -> clock.advance(Duration.ofMillis(random.nextInt(8_000)));
                default -> {
                    // when: swept (the previous state's reservations past their keeping counted by a walk of all)
                    awaitNoSweep();
                    int held = table.size();
                    int past = table.pastKeeping(clock.millis());
                    table.sweep();
                    awaitNoSweep();

                    // then: exactly those are gone, as the walk of every reservation dropped them
                    assertThat(table.size()).isEqualTo(held - past);
                    assertThat(table.pastKeeping(clock.millis())).isZero();
                    sweeps++;
                }
            }
            if (step == 2_000) {
                clock.advance(ReservationStore.UNPROCESSED_GRACE.plusMinutes(1));
            }
        }
        assertThat(sweeps).isGreaterThan(100);
    }

    private String reserveNow(String caller, int ttlSeconds) {
        Reservation r = ReservationStoreTest.reservation(
                UUID.randomUUID().toString(), INBOUND, caller, 5, clock.instant(), ttlSeconds);
        table.reserve(r, Duration.between(clock.instant(), r.expiresAt()));
        return r.uuid();
    }

    /** A sweep a request started (on its own thread) has finished. */
    private void awaitNoSweep() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (table.sweepRunning()) {
            assertThat(System.nanoTime()).as("the background sweep has ended").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void digitsShouldReadOnlyWhatAReservationCanHold() {
        assertThat(LocalReservations.digits("+13125550147")).isEqualTo(13125550147L);
        assertThat(LocalReservations.digits("+999999999999999")).isEqualTo(999_999_999_999_999L);
        assertThat(LocalReservations.digits("+0312")).isEqualTo(-1);
        assertThat(LocalReservations.digits("+1")).isEqualTo(-1);
        assertThat(LocalReservations.digits("+1234567890123456")).isEqualTo(-1);
        assertThat(LocalReservations.digits("+1312 555")).isEqualTo(-1);
        assertThat(LocalReservations.digits("13125550147")).isEqualTo(-1);
    }
}
