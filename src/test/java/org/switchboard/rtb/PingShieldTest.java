package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.rtb.PingShield.Verdict;
import org.switchboard.testing.MutableClock;
import org.switchboard.testing.Race;

class PingShieldTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final String INBOUND = "+18444021146";
    private static final String CALLER = "+13125550147";
    private static final long KEY = 5;

    /** The shield on the in-memory reservation table and on reservations kept as live-state keys (as in Redis). */
    @Nested
    class InMemoryTable extends Cases {
        @Override
        ReservationStore store(InMemoryLiveState live, MutableClock clock) {
            return new ReservationStore(live, clock);
        }
    }

    @Nested
    class LiveStateKeys extends Cases {
        @Override
        ReservationStore store(InMemoryLiveState live, MutableClock clock) {
            return ReservationStore.onKeys(live, clock);
        }
    }

    abstract static class Cases {
        final MutableClock clock = new MutableClock(T0);
        final InMemoryLiveState live = new InMemoryLiveState(clock);
        final ReservationStore reservations = store(live, clock);

        abstract ReservationStore store(InMemoryLiveState live, MutableClock clock);

        final PingShield shield = new PingShield(live, reservations, clock);

        private Verdict ping(String caller, PingShield.Settings settings) {
            return shield.check(KEY, Optional.of(caller), UUID.randomUUID().toString(), settings);
        }

        private Verdict ping(String caller) {
            return ping(caller, PingShield.Settings.NONE);
        }

        private static String caller(int i) {
            return "+1312" + (5_000_000 + i);
        }

        private static PingShield.Settings settings(String json) {
            return PingShield.Settings.of(Json.read(json));
        }

        @Test
        void settingsShouldBeReadFromTheKeysOptions() {
            // when
            PingShield.Settings settings = settings("""
                    {"ttl_seconds": 15, "timeout_seconds": 7, "ping_shield_outbound_count_limit": 10,
                     "ping_shield_outbound_ms_limit": 1000, "claim_percent_threshold": 5}""");

            // then
            assertThat(settings.outboundCountLimit()).hasValue(10);
            assertThat(settings.outboundMillisLimit()).hasValue(1000);
            assertThat(settings.claimPercentThreshold()).hasValue(5);
            assertThat(settings.blockedInboundPercent()).isEmpty();
            assertThat(settings.processingLimit()).isEqualTo(Duration.ofSeconds(12));
            assertThat(settings("{}")).isEqualTo(PingShield.Settings.NONE);
        }

        @Test
        void aCallerHoldingAReservationOnTheKeyShouldGetItBackWithoutPingingBuyers() {
            // given
            Reservation held =
                    ReservationStoreTest.reservation(UUID.randomUUID().toString(), INBOUND, CALLER, KEY, T0, 15);
            reservations.reserve(held);

            // when
            Verdict verdict = ping(CALLER);
            Verdict otherKey =
                    shield.check(KEY + 1, Optional.of(CALLER), UUID.randomUUID().toString(), PingShield.Settings.NONE);

            // then
            assertThat(verdict).isEqualTo(new Verdict.AlreadyReserved(held));
            assertThat(verdict.status()).contains(RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_RESERVED);
            assertThat(otherKey).isInstanceOf(Verdict.Proceed.class);
            assertThat(shield.claimCounts(KEY).currentPings()).isZero();
        }

        @Test
        void aClaimedOrExpiredReservationShouldNotShieldTheNextPing() {
            // given
            reservations.reserve(
                    ReservationStoreTest.reservation(UUID.randomUUID().toString(), INBOUND, CALLER, KEY, T0, 15));
            reservations.claim(INBOUND, CALLER);
            String other = caller(1);
            reservations.reserve(
                    ReservationStoreTest.reservation(UUID.randomUUID().toString(), INBOUND, other, KEY, T0, 15));
            clock.advance(Duration.ofSeconds(15));

            // then
            assertThat(ping(CALLER)).isInstanceOf(Verdict.Proceed.class);
            assertThat(ping(other)).isInstanceOf(Verdict.Proceed.class);
        }

        @Test
        void aRepeatPingWhileTheFirstIsProcessingShouldBeToldSo() {
            // given
            Verdict first = ping(CALLER);

            // when
            Verdict repeat = ping(CALLER);
            Verdict otherCaller = ping(caller(1));
            ((Verdict.Proceed) first).ticket().close();
            Verdict afterwards = ping(CALLER);

            // then
            assertThat(first).isInstanceOf(Verdict.Proceed.class);
            assertThat(repeat).isEqualTo(new Verdict.AlreadyProcessing());
            assertThat(repeat.status()).contains(RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_PROCESSING);
            assertThat(otherCaller).isInstanceOf(Verdict.Proceed.class);
            assertThat(afterwards).isInstanceOf(Verdict.Proceed.class);
        }

        @Test
        void aPingThatReservedAndLetGoShouldShieldTheRepeat() {
            // given
            Verdict first = ping(CALLER);
            Reservation made =
                    ReservationStoreTest.reservation(UUID.randomUUID().toString(), INBOUND, CALLER, KEY, T0, 15);
            reservations.reserve(made);
            ((Verdict.Proceed) first).ticket().close();

            // when
            Verdict repeat = ping(CALLER);

            // then
            assertThat(repeat).isEqualTo(new Verdict.AlreadyReserved(made));
        }

        @Test
        void aMarkerLeftByADeadPingShouldLapseAfterTheKeysTimeoutAndAStaleTicketMustNotReleaseTheNextOne() {
            // given: a ping that never finished
            PingShield.Settings settings = settings("{\"timeout_seconds\": 5}");
            Verdict dead = ping(CALLER, settings);
            clock.advance(Duration.ofSeconds(10));

            // when
            Verdict next = ping(CALLER, settings);
            ((Verdict.Proceed) dead).ticket().close();
            Verdict whileNextRuns = ping(CALLER, settings);

            // then
            assertThat(next).isInstanceOf(Verdict.Proceed.class);
            assertThat(whileNextRuns).isEqualTo(new Verdict.AlreadyProcessing());
        }

        @Test
        void pingsWithoutACallerNumberShouldSkipTheCallerChecks() {
            // when
            Verdict first =
                    shield.check(KEY, Optional.empty(), UUID.randomUUID().toString(), PingShield.Settings.NONE);
            Verdict second =
                    shield.check(KEY, Optional.empty(), UUID.randomUUID().toString(), PingShield.Settings.NONE);

            // then
            assertThat(first).isInstanceOf(Verdict.Proceed.class);
            assertThat(second).isInstanceOf(Verdict.Proceed.class);
            ((Verdict.Proceed) first).ticket().close();
        }

        @Test
        void atMostNPingsPerWindowOfMMillisecondsShouldGoOnToBuyers() {
            // given
            PingShield.Settings settings =
                    settings("{\"ping_shield_outbound_count_limit\": 3, \"ping_shield_outbound_ms_limit\": 1000}");

            // when
            List<Verdict> window = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                window.add(ping(caller(i), settings));
            }
            clock.advance(Duration.ofMillis(999));
            Verdict lateInWindow = ping(caller(10), settings);
            clock.advance(Duration.ofMillis(1));
            Verdict nextWindow = ping(caller(11), settings);

            // then
            assertThat(window.subList(0, 3)).allMatch(Verdict.Proceed.class::isInstance);
            assertThat(window.subList(3, 5)).containsOnly(new Verdict.OutboundLimited());
            assertThat(window.get(4).status()).contains(RtbStatus.PING_SHIELD_POSTBACK_KEY_OUTBOUND_LIMITED);
            assertThat(lateInWindow).isEqualTo(new Verdict.OutboundLimited());
            assertThat(nextWindow).isInstanceOf(Verdict.Proceed.class);
            assertThat(shield.claimCounts(KEY).currentPings())
                    .as("limited pings are not counted")
                    .isEqualTo(4);
        }

        @Test
        void aLimitedPingShouldLetGoOfItsProcessingMarker() {
            // given
            PingShield.Settings settings =
                    settings("{\"ping_shield_outbound_count_limit\": 0, \"ping_shield_outbound_ms_limit\": 1000}");

            // when
            Verdict first = ping(CALLER, settings);
            Verdict second = ping(CALLER, settings);

            // then: the second is limited again, not "already processing"
            assertThat(first).isEqualTo(new Verdict.OutboundLimited());
            assertThat(second).isEqualTo(new Verdict.OutboundLimited());
        }

        @Test
        void aCountWithoutItsPeriodShouldNotLimit() {
            // given
            PingShield.Settings settings = settings("{\"ping_shield_outbound_count_limit\": 0}");

            // then
            assertThat(ping(CALLER, settings)).isInstanceOf(Verdict.Proceed.class);
        }

        @Test
        void belowTheClaimThresholdTheBlockedPercentOfPingsShouldBeBlockedDeterministically() {
            // given: 100 pings went on to buyers this hour and none was claimed
            PingShield.Settings settings =
                    settings("{\"claim_percent_threshold\": 10, \"blocked_inbound_percent\": 50}");
            for (int i = 0; i < 100; i++) {
                assertThat(ping(caller(i), settings)).isInstanceOf(Verdict.Proceed.class);
            }

            // when
            List<Verdict> next = new ArrayList<>();
            for (int i = 100; i < 110; i++) {
                next.add(ping(caller(i), settings));
            }

            // then: every second one is blocked, and only the ones let through count as pings
            for (int i = 0; i < 10; i++) {
                assertThat(next.get(i))
                        .as("limited ping " + (i + 1))
                        .isInstanceOf(i % 2 == 1 ? Verdict.ClaimBasedLimited.class : Verdict.Proceed.class);
            }
            assertThat(next.get(1).status()).contains(RtbStatus.PING_SHIELD_POSTBACK_KEY_CLAIM_BASED_LIMITED);
            assertThat(shield.claimCounts(KEY).currentPings()).isEqualTo(105);
        }

        @Test
        void claimsShouldLiftTheClaimBasedLimit() {
            // given
            PingShield.Settings settings = settings("{\"claim_percent_threshold\": 10}");
            for (int i = 0; i < 100; i++) {
                ping(caller(i), settings);
            }
            Verdict blocked = ping(caller(100), settings);

            // when
            for (int i = 0; i < 10; i++) {
                shield.recordClaim(KEY);
            }
            Verdict allowed = ping(caller(101), settings);

            // then: without blocked_inbound_percent every limited ping is blocked
            assertThat(blocked).isEqualTo(new Verdict.ClaimBasedLimited());
            assertThat(allowed).isInstanceOf(Verdict.Proceed.class);
            assertThat(shield.claimCounts(KEY)).isEqualTo(new PingShieldPolicy.ClaimCounts(0, 0, 101, 10));
        }

        @Test
        void theClaimRatioShouldRollOverTheHour() {
            // given: a bad hour
            PingShield.Settings settings = settings("{\"claim_percent_threshold\": 10}");
            for (int i = 0; i < 100; i++) {
                ping(caller(i), settings);
            }

            // when
            clock.advance(Duration.ofMinutes(59));
            Verdict stillInHour = ping(caller(200), settings);
            clock.advance(Duration.ofMinutes(31)); // the previous hour now weighs a half: 50 pings, below the sample
            Verdict halfAnHourLater = ping(caller(201), settings);

            // then
            assertThat(stillInHour).isEqualTo(new Verdict.ClaimBasedLimited());
            assertThat(halfAnHourLater).isInstanceOf(Verdict.Proceed.class);
            assertThat(settings.claimPercentThreshold()).isEqualTo(OptionalLong.of(10));
        }

        @Test
        void fiftyThreadsPingingForOneCallerShouldLetExactlyOneThrough() throws Exception {
            // given
            CyclicBarrier barrier = new CyclicBarrier(50);
            ConcurrentLinkedQueue<Verdict> verdicts = new ConcurrentLinkedQueue<>();

            // when
            Race.run(50, () -> {
                barrier.await();
                verdicts.add(ping(CALLER));
            });

            // then
            assertThat(verdicts.stream().filter(Verdict.Proceed.class::isInstance))
                    .hasSize(1);
            assertThat(verdicts.stream().filter(Verdict.AlreadyProcessing.class::isInstance))
                    .hasSize(49);
        }
    }
}
