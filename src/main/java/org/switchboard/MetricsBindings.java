package org.switchboard;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import org.switchboard.call.CallRepository;
import org.switchboard.call.CallState;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.metrics.MetricsRoutes;
import org.switchboard.rtb.RtbLog;

/**
 * Meters the composition root binds to parts that keep their own figures (queues, counts in the store), read when
 * scraped; and the management listener that serves {@code /metrics} on a port of its own.
 */
final class MetricsBindings {
    /** How long the open-call counts, one SQL query, are reused: the gauges of one scrape share one query. */
    private static final Duration OPEN_CALLS_FRESH = Duration.ofMillis(500);

    private MetricsBindings() {}

    static void rtbLog(RtbLog log, Metrics metrics) {
        metrics.gauge(
                "switchboard.writer.queued",
                "Rows waiting for a background writer",
                log,
                RtbLog::queued,
                "writer",
                "rtb-log");
        metrics.counted(
                "switchboard.writer.dropped",
                "Rows a background writer dropped because its queue was full",
                log,
                RtbLog::dropped,
                "writer",
                "rtb-log");
        metrics.counted(
                "switchboard.writer.failed",
                "Rows a background writer could not store",
                log,
                RtbLog::failed,
                "writer",
                "rtb-log");
    }

    /**
     * {@code switchboard.calls.live{state}}: calls ringing, dialing and connected, from the store (so every node shows
     * the whole cluster's: take the max over nodes, not the sum).
     */
    static void openCalls(CallRepository calls, Metrics metrics) {
        OpenCalls open = new OpenCalls(calls);
        for (CallState state : CallState.values()) {
            if (state != CallState.ENDED) {
                metrics.gauge(
                        "switchboard.calls.live",
                        "Calls not yet ended, by state (all nodes)",
                        open,
                        o -> o.count(state),
                        "state",
                        state.word());
            }
        }
    }

    /** The counts of one query, reused for a few seconds so one scrape costs one query. */
    private static final class OpenCalls {
        private final CallRepository calls;
        private EnumMap<CallState, Long> counts = new EnumMap<>(CallState.class);
        private Instant readAt = Instant.MIN;

        OpenCalls(CallRepository calls) {
            this.calls = calls;
        }

        synchronized double count(CallState state) {
            Instant now = Instant.now();
            if (readAt.plus(OPEN_CALLS_FRESH).isBefore(now)) {
                counts = calls.countOpenByState();
                readAt = now;
            }
            return counts.getOrDefault(state, 0L);
        }
    }

    /** A listener on {@code bindAddress:port} serving only {@code /metrics}. */
    static WebServer managementServer(InetAddress bindAddress, int port, MetricsRoutes routes) {
        HttpRouting.Builder routing = HttpRouting.builder();
        org.switchboard.platform.http.HttpErrors.register(routing);
        routes.register(routing);
        WebServer server = WebServer.builder()
                .address(bindAddress)
                .port(port)
                .shutdownHook(false)
                .routing(routing)
                .build()
                .start();
        if (!server.isRunning() || server.port() < 0) {
            server.stop();
            throw new IllegalStateException(
                    "cannot listen on management port " + port + " (is another process using the port?)");
        }
        return server;
    }
}
