package org.switchboard.rtb;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.switchboard.platform.metrics.Metrics;

/**
 * The RTB engine's meters, resolved once: pings and confirmations by answered status (a word of {@link RtbStatus}, or
 * {@code rejected} for a refused request), their latency, and the reservations made, claimed and expired on this node.
 * Reservations live is reserved − claimed − expired: summed over the nodes it is the cluster's count, since a
 * reservation made on one node may be claimed on another.
 */
final class RtbMetrics {
    private final Map<String, Timer> pingByWord = new HashMap<>();
    private final Map<String, Timer> confirmationByWord = new HashMap<>();
    private final Counter reserved;
    private final Counter claimed;
    private final Counter expired;

    RtbMetrics(Metrics metrics) {
        for (RtbStatus status : RtbStatus.values()) {
            pingByWord.put(
                    status.word(),
                    metrics.timer(
                            "switchboard.rtb.pings",
                            "RTB pings answered, by status, with their latency",
                            "status",
                            status.word()));
            confirmationByWord.put(
                    status.word(),
                    metrics.timer(
                            "switchboard.rtb.confirmations",
                            "RTB confirmations (status=confirmed) answered, by status",
                            "status",
                            status.word()));
        }
        this.reserved = metrics.counter("switchboard.rtb.reservations", "RTB reservations made on this node");
        this.claimed = metrics.counter("switchboard.rtb.reservations.claimed", "RTB reservations claimed by a call");
        this.expired =
                metrics.counter("switchboard.rtb.reservations.expired", "RTB reservations whose TTL passed unclaimed");
        metrics.gauge(
                "switchboard.rtb.reservations.live",
                "RTB reservations made and neither claimed nor expired (sum over the nodes)",
                this,
                m -> m.reserved.count() - m.claimed.count() - m.expired.count());
    }

    void ping(String statusWord, long nanos) {
        record(pingByWord, statusWord, nanos);
    }

    void confirmation(String statusWord, long nanos) {
        record(confirmationByWord, statusWord, nanos);
    }

    private static void record(Map<String, Timer> byWord, String word, long nanos) {
        Timer timer = byWord.get(word);
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void reserved() {
        reserved.increment();
    }

    void claimed() {
        claimed.increment();
    }

    void expired() {
        expired.increment();
    }
}
