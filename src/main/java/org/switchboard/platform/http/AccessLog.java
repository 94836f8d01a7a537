package org.switchboard.platform.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponseBase;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One INFO line per request on the {@code org.switchboard.access} logger: method, route template (or the path, with
 * keys that travel in it redacted, when no route matched), status, duration and request id. The query string is never
 * logged, so {@code key}, {@code api_key} and {@code call_key} cannot appear; neither can a body. The request id is
 * made here, answered in {@code X-Request-Id} and quoted by {@link HttpErrors} in a 500's message.
 *
 * <p>Cost: a random id and a clock read before the request; the line is built and logged once the answer has left,
 * so it adds one log call to the request's thread and nothing to the client's wait. The id is bound to the request's
 * thread, not put in Helidon's request context, unless an error handler will need it.
 */
public final class AccessLog {
    /** The access log's logger: set it to WARNING to turn the lines off. */
    public static final Logger LOG = Logger.getLogger("org.switchboard.access");

    public static final HeaderName REQUEST_ID_HEADER = HeaderNames.create("X-Request-Id");

    private AccessLog() {}

    /** A request's id, kept in the request's context so every line about the request can quote it. */
    public record RequestId(String value) {}

    /**
     * The id of the request the current thread is handling, bound while its handlers run, so a log line written
     * anywhere below them can quote it (the log formatters read it). A scoped value: cheap to bind on a virtual thread
     * and gone when the handler returns, unlike a thread-local a pooled carrier could leak.
     */
    private static final ScopedValue<RequestId> CURRENT = ScopedValue.newInstance();

    /** The id of the request this record is about: its own, or that of the request being handled on this thread. */
    public static Optional<String> requestIdOf(LogRecord record) {
        if (record instanceof RequestRecord about) {
            return Optional.of(about.requestId());
        }
        return CURRENT.isBound() ? Optional.of(CURRENT.get().value()) : Optional.empty();
    }

    /** Logs every request and records it in {@code metrics} (one timer record, after the answer has left). */
    public static void register(HttpRouting.Builder routing, HttpMetrics metrics) {
        routing.addFilter((chain, req, res) -> filter(req, res, metrics, chain::proceed));
    }

    /**
     * As {@link #register(HttpRouting.Builder, HttpMetrics)}, with {@code draining}'s gate inside the same filter:
     * each filter Helidon runs costs a request a step of its filter chain and another error-handling frame, and the
     * gate's refusals are logged and counted like any answer.
     */
    public static void register(HttpRouting.Builder routing, HttpMetrics metrics, Draining draining) {
        routing.addFilter((chain, req, res) -> filter(req, res, metrics, () -> draining.admit(chain, req, res)));
    }

    /**
     * The id of a request the access log saw, or a new one for a request it did not (a test's bare routing). Inside
     * the filter it is the bound {@link #CURRENT}: the routes, {@link Draining}'s gate and the error handlers of what
     * a route threw (Helidon runs those at the end of the filter chain). The error handlers of a failure that left the
     * filter itself run after it has returned; they find the id in the request's context, where the filter puts it
     * only then.
     */
    static RequestId requestId(ServerRequest request) {
        if (CURRENT.isBound()) {
            return CURRENT.get();
        }
        return request.context().get(RequestId.class).orElseGet(AccessLog::newId);
    }

    private static RequestId newId() {
        // not a secret, only unique: the thread's generator is uncontended, where UUID.randomUUID() is not
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new RequestId(new UUID(random.nextLong(), random.nextLong()).toString());
    }

    private static void filter(RoutingRequest req, RoutingResponse res, HttpMetrics metrics, Runnable proceed) {
        long start = System.nanoTime();
        RequestId id = newId();
        // headers set before the handler runs survive an error handler's reset only if added at send time
        res.beforeSend(() -> res.header(REQUEST_ID_HEADER, id.value()));
        Runnable log = () -> {
            long nanos = System.nanoTime() - start;
            String method = req.prologue().method().text();
            Optional<String> route = req.matchingPattern();
            int status = res.status().code();
            metrics.record(method, route, status, nanos);
            if (LOG.isLoggable(Level.INFO)) {
                LOG.log(line(method, route, req.path().path(), status, nanos / 1_000_000, id));
            }
        };
        if (res instanceof ServerResponseBase<?> sent) {
            sent.whenSent(log);
        } else {
            res.beforeSend(log);
        }
        boolean proceeded = false;
        try {
            ScopedValue.where(CURRENT, id).run(proceed);
            proceeded = true;
        } finally {
            if (!proceeded) {
                // the error handlers of this failure run after this filter, outside the scope: they find the id in
                // the request's context. Only then: a request's context is made on first use, and making it (a
                // thread-local look-up, a registry, an id string) cost about a tenth of a GET /health.
                req.context().register(id);
            }
        }
    }

    /** The record of one request; a catch-all route (the JSON 404) matches with an empty pattern. */
    public static LogRecord line(
            String method, Optional<String> route, String path, int status, long millis, RequestId id) {
        return record(
                Level.INFO,
                method + " "
                        + route.filter(pattern -> !pattern.isEmpty()).orElseGet(() -> HttpErrors.redactPathKeys(path))
                        + " " + status + " " + millis + " ms request_id=" + id.value(),
                id);
    }

    /** A record about one request, on this logger unless the caller names another. */
    static RequestRecord record(Level level, String message, RequestId id) {
        RequestRecord record = new RequestRecord(level, message, id.value());
        record.setLoggerName(LOG.getName());
        return record;
    }

    /**
     * A log record that knows the id of the request it is about, for formatters that show it as a field. (Not a
     * parameter: a message with parameters is run through MessageFormat, and a path may hold braces.)
     */
    public static final class RequestRecord extends LogRecord {
        private static final long serialVersionUID = 1L;
        private final String requestId;

        RequestRecord(Level level, String message, String requestId) {
            super(level, message);
            this.requestId = requestId;
        }

        public String requestId() {
            return requestId;
        }
    }
}
