package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.testing.MutableClock;
import org.switchboard.testing.Race;

class ReservationStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final String INBOUND = "+18444021146";
    private static final String CALLER = "+13125550147";

    static Reservation reservation(String uuid, String inbound, String caller, long keyId, Instant at, int ttl) {
        return new Reservation(
                uuid,
                new AccountId(7),
                11,
                keyId,
                Optional.of(13L),
                17,
                caller,
                inbound,
                Optional.of(new BigDecimal("1.1730")),
                OptionalInt.of(95),
                false,
                true,
                true,
                at,
                at.plusSeconds(ttl));
    }

    private static Reservation reservation() {
        return reservation(UUID.randomUUID().toString(), INBOUND, CALLER, 5, T0, 15);
    }

    private static Reservation withPayout(BigDecimal payout, String caller) {
        return new Reservation(
                UUID.randomUUID().toString(),
                new AccountId(7),
                11,
                5,
                Optional.empty(),
                17,
                caller,
                INBOUND,
                Optional.ofNullable(payout),
                OptionalInt.empty(),
                false,
                false,
                false,
                T0.plusNanos(1_234_567),
                T0.plusSeconds(15).plusNanos(7_654_321));
    }

    @Test
    void theCompactLineShouldRoundTripEveryField() {
        // given
        Reservation full = reservation();
        Reservation bare = new Reservation(
                UUID.randomUUID().toString(),
                new AccountId(1),
                2,
                3,
                Optional.empty(),
                4,
                CALLER,
                INBOUND,
                Optional.empty(),
                OptionalInt.empty(),
                true,
                false,
                false,
                T0.plusMillis(1),
                T0.plusMillis(10_001));

        // when
        String line = KeyedReservations.encode(full);

        // then
        assertThat(line).hasSizeLessThan(80).doesNotContain(full.uuid());
        assertThat(KeyedReservations.decode(full.uuid(), "R" + line)).isEqualTo(full);
        assertThat(KeyedReservations.decode(bare.uuid(), "R" + KeyedReservations.encode(bare)))
                .isEqualTo(bare);
        assertThat(KeyedReservations.decode(full.uuid(), "R" + line).payout().orElseThrow())
                .hasToString("1.1730");
    }

    @Test
    void uuidsShouldBeKeptIn22CharactersAndReadBackExactly() {
        for (int i = 0; i < 1_000; i++) {
            // given
            String uuid = UUID.randomUUID().toString();

            // when
            String compact = ReservationStore.compact(uuid);

            // then
            assertThat(compact).hasSize(22).doesNotContain(":", "|");
            assertThat(KeyedReservations.uuidOf(compact)).isEqualTo(uuid);
        }
        assertThat(KeyedReservations.uuidOf(ReservationStore.compact("00000000-0000-0000-0000-000000000000")))
                .isEqualTo("00000000-0000-0000-0000-000000000000");
    }

    /** The store's contract, run on the in-memory table and on live-state keys alike. */
    @Nested
    class InMemoryTable extends Contract {
        @Override
        ReservationStore store(MutableClock clock) {
            return new ReservationStore(new InMemoryLiveState(clock), clock);
        }
    }

    @Nested
    class LiveStateKeys extends Contract {
        @Override
        ReservationStore store(MutableClock clock) {
            return ReservationStore.onKeys(new InMemoryLiveState(clock), clock);
        }
    }

    abstract static class Contract {
        final MutableClock clock = new MutableClock(T0);
        final ReservationStore store = store(clock);

        abstract ReservationStore store(MutableClock clock);

        @Test
        void aReservationShouldBeFoundByUuidByNumberAndCallerAndByKeyAndCaller() {
            // given
            Reservation r = reservation();

            // when
            boolean stored = store.reserve(r);

            // then
            assertThat(stored).isTrue();
            assertThat(store.findByUuid(r.uuid()))
                    .contains(new ReservationStore.Found(r, ReservationStore.Phase.RESERVED));
            assertThat(store.findActive(INBOUND, CALLER)).contains(r);
            assertThat(store.findActiveForCaller(5, CALLER)).contains(r);
            assertThat(store.findActiveForCaller(6, CALLER)).isEmpty();
            assertThat(store.findActive(INBOUND, "+13125550148")).isEmpty();
            assertThat(store.findByUuid("not-a-uuid")).isEmpty();
            assertThat(store.findByUuid(UUID.randomUUID().toString())).isEmpty();
        }

        @Test
        void aSecondOpenReservationForTheSameNumberAndCallerShouldBeRefused() {
            // given
            Reservation first = reservation();
            store.reserve(first);
            Reservation second = reservation(UUID.randomUUID().toString(), INBOUND, CALLER, 6, T0, 30);

            // when
            boolean stored = store.reserve(second);

            // then
            assertThat(stored).isFalse();
            assertThat(store.findByUuid(second.uuid())).isEmpty();
            assertThat(store.findActive(INBOUND, CALLER)).contains(first);
        }

        @Test
        void anExpiredReservationShouldNotBeStored() {
            clock.advance(Duration.ofSeconds(15));
            assertThatThrownBy(() -> store.reserve(reservation())).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aCallShouldClaimTheReservationOnce() {
            // given
            Reservation r = reservation();
            store.reserve(r);

            // when
            Optional<Reservation> first = store.claim(INBOUND, CALLER);
            Optional<Reservation> second = store.claim(INBOUND, CALLER);

            // then
            assertThat(first).contains(r);
            assertThat(second).isEmpty();
            assertThat(store.findActive(INBOUND, CALLER)).isEmpty();
            assertThat(store.findActiveForCaller(5, CALLER)).isEmpty();
            assertThat(store.findByUuid(r.uuid()).orElseThrow().phase()).isEqualTo(ReservationStore.Phase.CLAIMED);
        }

        @Test
        void afterItsTtlAReservationShouldNotBeClaimedAndShouldExpireOnce() {
            // given
            Reservation r = reservation();
            store.reserve(r);
            clock.advance(Duration.ofSeconds(14));
            List<Reservation> early = store.takeExpired(clock.instant(), 100);
            clock.advance(Duration.ofSeconds(1));

            // when
            Optional<Reservation> claim = store.claim(INBOUND, CALLER);
            List<Reservation> expired = store.takeExpired(clock.instant(), 100);
            List<Reservation> again = store.takeExpired(clock.instant(), 100);

            // then
            assertThat(early).isEmpty();
            assertThat(claim).isEmpty();
            assertThat(store.findByUuid(r.uuid()).orElseThrow().phase()).isEqualTo(ReservationStore.Phase.EXPIRED);
            assertThat(expired).containsExactly(r);
            assertThat(again).isEmpty();
            assertThat(store.findActiveForCaller(5, CALLER)).isEmpty();
        }

        @Test
        void aPastTtlReservationShouldReadAsExpiredBeforeTheWorkerRuns() {
            // given
            Reservation r = reservation();
            store.reserve(r);

            // when
            clock.advance(Duration.ofSeconds(15));

            // then
            assertThat(store.findByUuid(r.uuid()).orElseThrow().phase()).isEqualTo(ReservationStore.Phase.EXPIRED);
            assertThat(store.findActive(INBOUND, CALLER)).isEmpty();
            assertThat(store.findActiveForCaller(5, CALLER)).isEmpty();
        }

        @Test
        void claimedReservationsShouldNeverExpire() {
            // given
            Reservation r = reservation();
            store.reserve(r);
            store.claim(INBOUND, CALLER);

            // when
            clock.advance(Duration.ofSeconds(15));

            // then
            assertThat(store.takeExpired(clock.instant(), 100)).isEmpty();
        }

        @Test
        void aNumberShouldBeReservableAgainForTheCallerOnceTheFirstReservationIsClaimedOrExpired() {
            // given
            store.reserve(reservation());
            store.claim(INBOUND, CALLER);
            Reservation afterClaim = reservation();
            boolean storedAfterClaim = store.reserve(afterClaim);
            clock.advance(Duration.ofSeconds(15));

            // when
            Reservation afterExpiry =
                    reservation(UUID.randomUUID().toString(), INBOUND, CALLER, 5, clock.instant(), 15);
            boolean storedAfterExpiry = store.reserve(afterExpiry);

            // then
            assertThat(storedAfterClaim).isTrue();
            assertThat(storedAfterExpiry).isTrue();
            assertThat(store.claim(INBOUND, CALLER)).contains(afterExpiry);
            assertThat(store.takeExpired(clock.instant(), 10)).containsExactly(afterClaim);
        }

        @Test
        void aConfirmationShouldMarkTheCapsHeldOnceAndTheClaimShouldSeeIt() {
            // given
            Reservation r = reservation();
            store.reserve(r);

            // when
            ReservationStore.Confirmation first = store.confirm(r.uuid());
            ReservationStore.Confirmation second = store.confirm(r.uuid());
            Optional<Reservation> claimed = store.claim(INBOUND, CALLER);
            ReservationStore.Confirmation afterClaim = store.confirm(r.uuid());

            // then
            assertThat(first).isEqualTo(new ReservationStore.Confirmation.Confirmed(r.withCapsHeld()));
            assertThat(second).isEqualTo(new ReservationStore.Confirmation.AlreadyConfirmed(r.withCapsHeld()));
            assertThat(claimed).contains(r.withCapsHeld());
            assertThat(afterClaim)
                    .isEqualTo(new ReservationStore.Confirmation.NotOpen(Optional.of(ReservationStore.Phase.CLAIMED)));
            assertThat(store.confirm(UUID.randomUUID().toString()))
                    .isEqualTo(new ReservationStore.Confirmation.NotOpen(Optional.empty()));
        }

        @Test
        void aConfirmedReservationThatExpiresShouldGiveItsCapsBack() {
            // given
            Reservation r = reservation();
            store.reserve(r);
            store.confirm(r.uuid());
            clock.advance(Duration.ofSeconds(15));

            // when
            ReservationStore.Confirmation late = store.confirm(r.uuid());
            List<Reservation> expired = store.takeExpired(clock.instant(), 10);

            // then
            assertThat(late)
                    .isEqualTo(new ReservationStore.Confirmation.NotOpen(Optional.of(ReservationStore.Phase.EXPIRED)));
            assertThat(expired).containsExactly(r.withCapsHeld());
        }

        @Test
        void claimedAndExpiredReservationsShouldLingerBrieflyThenGo() {
            // given
            Reservation r = reservation();
            store.reserve(r);
            store.claim(INBOUND, CALLER);

            // when
            clock.advance(ReservationStore.LINGER);

            // then
            assertThat(store.findByUuid(r.uuid())).isEmpty();
        }

        @Test
        void aNewerReservationOfTheCallerOnTheSameKeyShouldBeTheOneTheShieldFinds() {
            // given: the caller holds two numbers through one key
            Reservation older = reservation();
            Reservation newer = reservation(UUID.randomUUID().toString(), "+18444021147", CALLER, 5, T0, 20);
            store.reserve(older);

            // when
            store.reserve(newer);
            Optional<Reservation> shielded = store.findActiveForCaller(5, CALLER);
            Optional<Reservation> claimedNewer = store.claim("+18444021147", CALLER);

            // then: once the newer one is claimed the key finds none, while the older still holds its number
            assertThat(shielded).contains(newer);
            assertThat(claimedNewer).contains(newer);
            assertThat(store.findActiveForCaller(5, CALLER)).isEmpty();
            assertThat(store.findActive(INBOUND, CALLER)).contains(older);
            assertThat(store.claim(INBOUND, CALLER)).contains(older);
        }

        @Test
        void payoutsShouldComeBackAsTheirExactPlainDecimalsAndTimesInMilliseconds() {
            // given
            Reservation negativeScale = withPayout(new BigDecimal("1E+3"), "+13125550150");
            Reservation wide = withPayout(new BigDecimal("123456789012345678901234.5678"), "+13125550151");
            Reservation none = withPayout(null, "+13125550152");

            // when
            store.reserve(negativeScale);
            store.reserve(wide);
            store.reserve(none);

            // then
            assertThat(store.findByUuid(negativeScale.uuid())
                            .orElseThrow()
                            .reservation()
                            .payout()
                            .orElseThrow())
                    .hasToString("1000");
            assertThat(store.findByUuid(wide.uuid()).orElseThrow().reservation().payout())
                    .contains(new BigDecimal("123456789012345678901234.5678"));
            Reservation found = store.findActive(INBOUND, "+13125550152").orElseThrow();
            assertThat(found.payout()).isEmpty();
            // kept in whole milliseconds
            assertThat(found.createdAt()).isEqualTo(T0.plusMillis(1));
            assertThat(found.expiresAt()).isEqualTo(T0.plusSeconds(15).plusMillis(7));
        }

        @Test
        void numbersNoReservationCanHoldShouldFindNothing() {
            // given
            store.reserve(reservation());

            // then
            assertThat(store.findActive(INBOUND, "+03125550147")).isEmpty();
            assertThat(store.findActive(INBOUND, "13125550147")).isEmpty();
            assertThat(store.findActive("+1844402114x", CALLER)).isEmpty();
            assertThat(store.claim(INBOUND, "+1312555014712345678")).isEmpty();
            assertThat(store.findActiveForCaller(5, "")).isEmpty();
            assertThat(store.findActive(INBOUND, CALLER)).isPresent();
        }

        // --- real threads ------------------------------------------------------------------------------------------

        @Test
        void manyThreadsClaimingOneReservationShouldHaveExactlyOneWinnerEveryRound() throws Exception {
            // given: 100 reservations, each raced for by 32 threads meeting at a barrier
            int rounds = 100;
            List<Reservation> reservations = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Reservation r =
                        reservation(UUID.randomUUID().toString(), INBOUND, "+1312555" + (1000 + round), 5, T0, 60);
                store.reserve(r);
                reservations.add(r);
            }
            AtomicIntegerArray winners = new AtomicIntegerArray(rounds);
            CyclicBarrier barrier = new CyclicBarrier(32);

            // when
            Race.run(32, () -> {
                for (int round = 0; round < rounds; round++) {
                    barrier.await();
                    if (store.claim(INBOUND, reservations.get(round).callerNumber())
                            .isPresent()) {
                        winners.incrementAndGet(round);
                    }
                }
            });

            // then
            for (int round = 0; round < rounds; round++) {
                assertThat(winners.get(round)).as("round " + round).isEqualTo(1);
            }
        }

        @Test
        void claimsRacingTheExpiryWorkerAtTheTtlShouldEndEachReservationExactlyOnce() throws Exception {
            // given: 3,000 reservations expiring together; claimers sweep them while the clock reaches the TTL
            int count = 3_000;
            List<Reservation> reservations = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Reservation r =
                        reservation(UUID.randomUUID().toString(), INBOUND, "+1312" + (5_000_000 + i), 5, T0, 10);
                store.reserve(r);
                reservations.add(r);
            }
            Set<String> claimed = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<String> ended = new ConcurrentLinkedQueue<>();
            CountDownLatch aThirdIn = new CountDownLatch(1);
            CountDownLatch clockMoved = new CountDownLatch(1);

            // when: the clock moves while claims are under way; no claimer gets past two thirds before it has
            Race.run(5, () -> {
                if (Thread.currentThread().getName().equals("racer-0")) {
                    aThirdIn.await();
                    clock.advance(Duration.ofSeconds(10));
                    clockMoved.countDown();
                    for (int i = 0; i < 200; i++) {
                        store.takeExpired(clock.instant(), 50).forEach(r -> ended.add(r.uuid()));
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        if (i == count / 3) {
                            aThirdIn.countDown();
                        }
                        if (i == 2 * count / 3) {
                            clockMoved.await();
                        }
                        store.claim(INBOUND, reservations.get(i).callerNumber()).ifPresent(r -> {
                            ended.add(r.uuid());
                            claimed.add(r.uuid());
                        });
                    }
                }
            });
            store.takeExpired(clock.instant(), count).forEach(r -> ended.add(r.uuid()));

            // then: every reservation was claimed or expired, none both, none twice
            assertThat(ended).hasSize(count).doesNotHaveDuplicates();
            assertThat(claimed).isNotEmpty().hasSizeLessThan(count);
        }

        @Test
        void aConfirmationRacingTheClaimShouldNeverLeaveTheCallUnsureWhetherCapsAreHeld() throws Exception {
            for (int round = 0; round < 300; round++) {
                // given
                Reservation r =
                        reservation(UUID.randomUUID().toString(), INBOUND, "+1312" + (6_000_000 + round), 5, T0, 60);
                store.reserve(r);
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Object> results = new java.util.concurrent.CopyOnWriteArrayList<>();

                // when
                Race.run(2, () -> {
                    barrier.await();
                    results.add(
                            Thread.currentThread().getName().equals("racer-0")
                                    ? store.confirm(r.uuid())
                                    : store.claim(INBOUND, r.callerNumber()));
                });

                // then: the claim sees the caps held exactly when the confirmation succeeded
                boolean confirmed =
                        results.stream().anyMatch(ReservationStore.Confirmation.Confirmed.class::isInstance);
                Optional<?> claim = (Optional<?>) results.stream()
                        .filter(Optional.class::isInstance)
                        .findFirst()
                        .orElseThrow();
                assertThat(claim).isPresent();
                assertThat(((Reservation) claim.get()).capsHeld())
                        .as("round " + round)
                        .isEqualTo(confirmed);
            }
        }
    }
}
