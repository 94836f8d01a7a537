package org.switchboard.platform.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.live.LiveStateUnavailable;
import org.switchboard.platform.problem.Problem;

/**
 * The one place where failures become responses: {@link Problem}s become their status with the JSON error
 * shape; a database constraint violation that slipped past a service's own checks becomes a 409; anything else is a
 * 500 with a generic body, logged once with a request id. Errors the HTTP layer raises before routing (malformed
 * requests, bodies over the size limit) get the same JSON shape.
 */
public final class HttpErrors {
    private static final Logger LOG = Logger.getLogger(HttpErrors.class.getName());

    /** What Helidon sends in place of a message it does not mark safe to show (it may echo the request). */
    private static final String UNSAFE_MESSAGE = "Bad request, see server log";

    private HttpErrors() {}

    public static void register(HttpRouting.Builder routing) {
        routing.error(Problem.class, HttpErrors::apiError);
        routing.error(LiveStateUnavailable.class, HttpErrors::liveStateUnavailable);
        routing.error(Throwable.class, HttpErrors::unexpected);
    }

    /** Redis (the shared live state) did not answer in time: the request can be sent again, to this node or another. */
    private static void liveStateUnavailable(
            ServerRequest request, ServerResponse response, LiveStateUnavailable error) {
        AccessLog.RequestId id = AccessLog.requestId(request);
        LiveStateUnavailable.warnNow()
                .ifPresent(since -> log(
                        Level.WARNING,
                        "live state unavailable for request " + id.value() + " "
                                + request.prologue().method() + " "
                                + redactPathKeys(request.path().path()) + ": " + error.getMessage() + " (" + since
                                + " more refused since the last such line)",
                        id,
                        null));
        response.header(io.helidon.http.HeaderNames.RETRY_AFTER, "1");
        Http.send(
                response,
                Status.SERVICE_UNAVAILABLE_503,
                body("unavailable", "the shared live state did not answer in time; try again", null, id));
    }

    /** Routes nothing else matched: a JSON 404 rather than the server's plain-text one. */
    public static void notFound(ServerRequest request, ServerResponse response) {
        Http.send(
                HeadRequests.forRequest(request, response),
                Status.NOT_FOUND_404,
                body("not_found", "no such endpoint: " + request.path().path(), null, AccessLog.requestId(request)));
    }

    /** The HTTP status a problem is answered with, wherever it is answered (JSON here, plain text or a page elsewhere). */
    public static int status(Problem problem) {
        return switch (problem) {
            case Problem.Invalid p -> 400;
            case Problem.Unauthorized p -> 401;
            case Problem.Forbidden p -> 403;
            case Problem.NotFound p -> 404;
            case Problem.Conflict p -> 409;
            case Problem.TooLarge p -> 413;
            case Problem.PartnerFailed p -> 502;
        };
    }

    /** The error code word of the JSON error shape. */
    public static String code(Problem problem) {
        return switch (problem) {
            case Problem.Invalid p -> "invalid";
            case Problem.Unauthorized p -> "unauthorized";
            case Problem.Forbidden p -> "forbidden";
            case Problem.NotFound p -> "not_found";
            case Problem.Conflict p -> "conflict";
            case Problem.TooLarge p -> "too_large";
            case Problem.PartnerFailed p -> "bad_gateway";
        };
    }

    private static void apiError(ServerRequest request, ServerResponse response, Problem error) {
        Http.send(
                HeadRequests.forRequest(request, response),
                Status.create(status(error)),
                body(code(error), error.getMessage(), error.field().orElse(null), AccessLog.requestId(request)));
    }

    private static void unexpected(ServerRequest request, ServerResponse given, Throwable error) {
        ServerResponse response = HeadRequests.forRequest(request, given);
        AccessLog.RequestId id = AccessLog.requestId(request);
        String state = sqlState(error);
        if (state.startsWith("22")) {
            Http.send(
                    response,
                    Status.BAD_REQUEST_400,
                    body(
                            "invalid",
                            "a value in the request cannot be stored (bad characters or out of range)",
                            null,
                            id));
            return;
        }
        if (isConstraintViolation(error)) {
            Http.send(
                    response,
                    Status.CONFLICT_409,
                    body("conflict", "the change conflicts with existing data; reload and try again", null, id));
            return;
        }
        String requestId = id.value();
        // the path only (query strings may carry API keys), with keys that travel in the path redacted
        log(
                Level.SEVERE,
                "request " + requestId + " " + request.prologue().method() + " "
                        + redactPathKeys(request.path().path()) + " failed",
                id,
                error);
        Http.send(
                response,
                Status.INTERNAL_SERVER_ERROR_500,
                body("internal", "unexpected error; quote request id " + requestId + " when reporting it", null, id));
    }

    /** A record about one request, carrying its id for the JSON log format. */
    private static void log(Level level, String message, AccessLog.RequestId id, @Nullable Throwable error) {
        LogRecord record = AccessLog.record(level, message, id);
        record.setLoggerName(LOG.getName());
        record.setThrown(error);
        LOG.log(record);
    }

    /** {@code /data_writing/KEY} and {@code /postbacks/KEY} carry a postback key in the path. */
    static String redactPathKeys(String path) {
        return path.replaceFirst("^/(data_writing|postbacks)/[^/]+", "/$1/[redacted]");
    }

    private static String sqlState(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }

    /** A copy of the cause chain with the same types and stacks but no messages. */
    static Throwable withoutMessages(Throwable error) {
        // a Throwable's equals is identity: an exception that names itself as its cause ends the chain
        Throwable next = error.getCause();
        Throwable cause = next == null || next.equals(error) ? null : withoutMessages(next);
        String state = error instanceof SQLException sql && sql.getSQLState() != null
                ? " (SQLState " + sql.getSQLState() + ")"
                : "";
        RuntimeException copy = new RuntimeException(error.getClass().getName() + state, cause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    private static boolean isConstraintViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                String message = String.valueOf(sql.getMessage()).toUpperCase(Locale.ROOT);
                return (state != null && state.startsWith("23")) || message.contains("SQLITE_CONSTRAINT");
            }
        }
        return false;
    }

    /**
     * The error shape; {@code request_id} (the {@code X-Request-Id} the answer carries, which every log line about the
     * request quotes) when the request reached routing.
     */
    static Map<String, Object> body(
            String code, String message, @Nullable String field, AccessLog.@Nullable RequestId id) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("field", field);
        if (id != null) {
            error.put("request_id", id.value());
        }
        return Map.of("error", error);
    }

    /**
     * Errors raised below routing say what was wrong with the request (a missing Host header, a bad method) where
     * Helidon marks the text safe to show; the others get the status alone, since they are not logged either.
     */
    public static io.helidon.webserver.ErrorHandling transportErrors() {
        return io.helidon.webserver.ErrorHandling.builder().includeEntity(true).build();
    }

    /**
     * JSON bodies for the errors raised below routing (bad request line, body too large, ...). The HTTP layer's own
     * message is used to find an unreplaced placeholder of a key URL in a query it refused (raw brackets are not
     * allowed in a URL); a message that may quote the request's URL, and with it a postback key, is never echoed.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler json = (request, eventType, status, headers, message) -> {
            Optional<Problem.Invalid> placeholder =
                    status.code() == 400 ? Placeholders.inInvalidQueryMessage(message) : Optional.empty();
            return placeholder
                    .map(refused -> transport(
                            status,
                            headers,
                            refused.getMessage(),
                            refused.field().orElse(null)))
                    .orElseGet(() -> transport(status, headers, quotesNoUrl(message), null));
        };
        var builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, json);
        }
        return builder.build();
    }

    /** Helidon's words about a refused request, unless they may quote its URL (and a key in its query). */
    private static @Nullable String quotesNoUrl(@Nullable String message) {
        return message == null || message.contains("?") || message.contains("=") || message.contains("/")
                ? null
                : message;
    }

    private static DirectHandler.TransportResponse transport(
            Status status, ServerResponseHeaders headers, @Nullable String message, @Nullable String field) {
        String code = switch (status.code()) {
            case 413 -> "too_large";
            case 400 -> "invalid";
            case 404 -> "not_found";
            default -> status.code() >= 500 ? "internal" : "invalid";
        };
        String text = status.code() >= 500
                ? "unexpected error"
                : (message == null || message.isBlank() || message.startsWith(UNSAFE_MESSAGE))
                        ? status.reasonPhrase()
                        : message;
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(Json.write(body(code, text, field, null)))
                .build();
    }
}
