package org.switchboard.platform.http;

import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.switchboard.platform.metrics.Metrics;

/**
 * {@code switchboard.http.server.requests}: one timer per route template, method and status. The route is the
 * template ({@code /api/v2/calls/{uuid}}), never the path, and a request no route matched is {@code unmatched}, so the
 * series stay bounded. Recording is one timer record: the timer is found through a map keyed by the route's own
 * pattern string (its hash cached) and two arrays, without building a tag list per request.
 */
public final class HttpMetrics {
    private static final String NAME = "switchboard.http.server.requests";
    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    private static final String OTHER = "OTHER";
    private static final int LOWEST_STATUS = 100;
    private static final int STATUSES = 500;

    private final Metrics metrics;
    /** route → method index → status - 100 → timer, each made on first use. */
    private final ConcurrentHashMap<String, AtomicReferenceArray<AtomicReferenceArray<Timer>>> routeToTimers =
            new ConcurrentHashMap<>();

    public HttpMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Records one answered request. */
    public void record(String method, Optional<String> route, int status, long nanos) {
        String pattern = route.orElse("");
        timer(method, pattern.isEmpty() ? "unmatched" : pattern, status).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String method, String route, int status) {
        var byMethod = routeToTimers.get(route);
        if (byMethod == null) {
            byMethod = routeToTimers.computeIfAbsent(route, r -> new AtomicReferenceArray<>(METHODS.length + 1));
        }
        int m = methodIndex(method);
        var byStatus = byMethod.get(m);
        if (byStatus == null) {
            byMethod.compareAndSet(m, null, new AtomicReferenceArray<>(STATUSES));
            byStatus = byMethod.get(m);
        }
        int s = Math.clamp(status - LOWEST_STATUS, 0, STATUSES - 1);
        Timer timer = byStatus.get(s);
        if (timer == null) {
            // the registry answers the same timer to every thread that races here
            timer = metrics.timer(
                    NAME,
                    "HTTP requests answered, by route template, method and status",
                    "route",
                    route,
                    "method",
                    m < METHODS.length ? METHODS[m] : OTHER,
                    "status",
                    Integer.toString(s + LOWEST_STATUS));
            byStatus.set(s, timer);
        }
        return timer;
    }

    private static int methodIndex(String method) {
        for (int i = 0; i < METHODS.length; i++) {
            if (METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length;
    }
}
