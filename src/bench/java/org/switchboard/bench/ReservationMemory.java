package org.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.rtb.Reservation;
import org.switchboard.rtb.ReservationStore;

/**
 * Heap held by live reservations in the in-memory store: GC, heap used, reserve N (default 1,000,000: distinct callers
 * over 200 inbound numbers and 50 keys, TTL one hour so none expires during the run), GC, heap used again. The
 * baseline in the same run: the same N UUIDs and compact lines in a plain {@link HashMap}, the least any store keyed by
 * UUID must hold.
 *
 * <p>{@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=org.switchboard.bench.ReservationMemory
 * -Dbench.args=1000000}
 */
public final class ReservationMemory {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private ReservationMemory() {}

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();

        long before = settledHeap();
        InMemoryLiveState live = new InMemoryLiveState(clock);
        ReservationStore store = new ReservationStore(live, clock);
        for (int i = 0; i < count; i++) {
            if (!store.reserve(reservation(i, now))) {
                throw new IllegalStateException("reservation " + i + " was refused");
            }
        }
        long after = settledHeap();
        long storeBytes = after - before;
        // keep the store reachable until measured
        Reservation first = reservation(0, now);
        if (store.findActive(first.inboundNumber(), first.callerNumber()).isEmpty()) {
            throw new IllegalStateException("the first reservation is gone");
        }
        store = null;
        live = null;

        long baselineBefore = settledHeap();
        Map<String, String> baseline = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Reservation r = reservation(i, now);
            baseline.put(r.uuid(), "R1|11|" + r.keyId() + "||" + r.buyerId() + "|" + r.callerNumber() + "|"
                    + r.inboundNumber() + "|12.5|90|0|" + now.toEpochMilli() + "|3600000");
        }
        long baselineBytes = settledHeap() - baselineBefore;
        if (baseline.size() != count) {
            throw new IllegalStateException("baseline lost entries");
        }

        System.out.printf("reservations held: %,d%n", count);
        System.out.printf(
                "in-memory store:   %,d bytes of heap, %,d bytes per reservation%n", storeBytes, storeBytes / count);
        System.out.printf(
                "baseline HashMap<uuid, compact line>: %,d bytes, %,d bytes per reservation (ratio %.2f)%n",
                baselineBytes, baselineBytes / count, (double) storeBytes / baselineBytes);
        System.out.printf("max heap: %,d MiB%n", Runtime.getRuntime().maxMemory() / (1 << 20));
    }

    private static Reservation reservation(int i, Instant now) {
        return new Reservation(
                new UUID(0x5ca1ab1e00004000L | i, 0x8000000000000000L | (long) i * 7919).toString(),
                new AccountId(1),
                11,
                1 + i % 50,
                Optional.empty(),
                100 + i % 40,
                "+1" + (2_000_000_000L + i),
                "+184440" + (20_000 + i % 200),
                Optional.of(new BigDecimal("12.5")),
                OptionalInt.of(90),
                i % 2 == 0,
                false,
                false,
                now,
                now.plusSeconds(3_600));
    }

    /** Heap in use after the collector has had a few chances to clear what is unreachable. */
    private static long settledHeap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
