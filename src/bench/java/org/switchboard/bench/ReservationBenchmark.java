package org.switchboard.bench;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.rtb.Reservation;
import org.switchboard.rtb.ReservationStore;

/**
 * One reservation made and claimed on the in-memory live state (what a reserved ping and its call cost the store:
 * since issue 15 the in-memory reservation table, one object indexed by UUID and by caller, scheduled for expiry, then
 * claimed under its caller's lock), against the floor of any map-based store measured in the same run: one
 * {@link ConcurrentHashMap} put and remove of the same strings.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReservationBenchmark {
    private static final int RING = 1 << 16;

    private ReservationStore store;
    private Reservation[] reservations;
    private ConcurrentHashMap<String, String> map;
    private String[] keys;
    private String[] values;
    private int next;

    @Setup
    public void setUp() {
        Clock clock = Clock.systemUTC();
        store = new ReservationStore(new InMemoryLiveState(clock), clock);
        map = new ConcurrentHashMap<>();
        reservations = new Reservation[RING];
        keys = new String[RING];
        values = new String[RING];
        Instant now = clock.instant();
        for (int i = 0; i < RING; i++) {
            String caller = "+1312" + (5_000_000 + i);
            reservations[i] = new Reservation(
                    UUID.randomUUID().toString(),
                    new AccountId(1),
                    11,
                    17,
                    Optional.of(13L),
                    19 + i % 50,
                    caller,
                    "+1844402" + (1000 + i % 100),
                    Optional.of(new BigDecimal("12.50")),
                    OptionalInt.of(90),
                    false,
                    false,
                    false,
                    now,
                    now.plusSeconds(3_600));
            keys[i] = "rtb:r:" + reservations[i].uuid();
            values[i] = "R1|11|17|13|" + (19 + i % 50) + "|" + caller + "|+18444021146|12.50|90|0|1779999999999|15000";
        }
    }

    @Benchmark
    public Optional<Reservation> reserveAndClaim() {
        Reservation r = reservations[next++ & (RING - 1)];
        store.reserve(r);
        return store.claim(r.inboundNumber(), r.callerNumber());
    }

    @Benchmark
    public String baselineMapPutRemove() {
        int i = next++ & (RING - 1);
        map.put(keys[i], values[i]);
        return map.remove(keys[i]);
    }
}
