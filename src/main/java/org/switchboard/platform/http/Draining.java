package org.switchboard.platform.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Graceful shutdown's first step: counts the requests in flight, and once {@link #drain} is called refuses new ones
 * with a 503 ({@code unavailable}, {@code Retry-After: 1}, {@code Connection: close}) so a client or load balancer
 * sends them to another node, while the ones already running finish.
 *
 * <p>Cost: one increment and one decrement of a {@link LongAdder} (striped, so concurrent requests do not contend)
 * and one volatile read per request.
 */
public final class Draining {
    private final LongAdder inFlight = new LongAdder();
    private volatile boolean draining;

    /**
     * Lets the request through the chain unless the server is draining; run inside the access log's filter (see
     * {@link AccessLog}), so a refusal has a request id, an access line and a metric like any answer.
     */
    void admit(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        // counted before the check: drain() sets the flag before it reads the count, so every request either is
        // counted in time to be waited for or sees the flag and is refused
        inFlight.increment();
        try {
            if (draining) {
                res.header(HeaderNames.CONNECTION, "close");
                res.header(HeaderNames.RETRY_AFTER, "1");
                Http.send(
                        res,
                        Status.SERVICE_UNAVAILABLE_503,
                        HttpErrors.body(
                                "unavailable",
                                "the server is shutting down; send the request again",
                                null,
                                AccessLog.requestId(req)));
                return;
            }
            chain.proceed();
        } finally {
            inFlight.decrement();
        }
    }

    /**
     * Refuses new requests from now on and waits until the ones in flight have finished, for at most {@code grace}.
     *
     * @return how many were still running when the grace ran out (0 when all finished)
     */
    public long drain(Duration grace) {
        draining = true;
        long until = System.nanoTime() + grace.toNanos();
        long running;
        while ((running = inFlight.sum()) > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return inFlight.sum();
            }
        }
        return running;
    }
}
