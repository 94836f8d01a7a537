package org.switchboard.platform.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;

/** Small request and response helpers shared by every route. */
public final class Http {
    private static final String JSON = "application/json";

    private Http() {}

    /** The named query parameter as {@link #param} reads it. */
    public static Optional<String> query(ServerRequest request, String name) {
        return present(name, request.query().first(name).asOptional());
    }

    /** The page a list request asks for: {@code page} from 1, {@code per_page} 1..200 (default 25); else a 400. */
    public static PageRequest pageRequest(ServerRequest request) {
        int page = intQuery(request, "page", 1, 1, 1_000_000);
        int perPage = intQuery(request, "per_page", PageRequest.DEFAULT_PER_PAGE, 1, PageRequest.MAX_PER_PAGE);
        return new PageRequest(page, perPage);
    }

    /** A whole-number query parameter within {@code min..max}, or {@code fallback} when absent. */
    public static int intQuery(ServerRequest request, String name, int fallback, int min, int max) {
        Optional<String> raw = query(request, name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw new Problem.Invalid(name, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new Problem.Invalid(name, "must be a whole number");
        }
    }

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String INSTANT_OR_DATE =
            "an ISO-8601 instant such as 2026-11-22T00:00:00Z or a date such as 2026-11-22 (that whole day in UTC)";

    /** Whether {@code raw} is a plain date, {@code YYYY-MM-DD}. */
    public static boolean isDate(String raw) {
        return DATE.matcher(raw).matches();
    }

    /** The start of a range: an ISO-8601 instant, or a date as the start of that day in UTC; else a 400. */
    public static Instant parseFrom(String name, String raw) {
        return parseBound(name, raw, ZoneOffset.UTC, false, INSTANT_OR_DATE);
    }

    /**
     * The exclusive end of a range: an ISO-8601 instant, or a date as the last day of the range, whole (the start of
     * the next day in UTC), as people write date ranges; else a 400.
     */
    public static Instant parseTo(String name, String raw) {
        return parseBound(name, raw, ZoneOffset.UTC, true, INSTANT_OR_DATE);
    }

    /**
     * An instant, or a date: the start of that day in {@code zone}, or when it ends a range ({@code end}) the start
     * of the next day; else a 400 naming {@code name} saying it must be {@code what}.
     */
    public static Instant parseBound(String name, String raw, ZoneId zone, boolean end, String what) {
        try {
            if (isDate(raw)) {
                LocalDate day = LocalDate.parse(raw);
                return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
            }
            return Instant.parse(raw);
        } catch (DateTimeException e) {
            throw new Problem.Invalid(name, "must be " + what);
        }
    }

    public static Optional<Long> idQuery(ServerRequest request, String name) {
        return query(request, name).map(raw -> parseId(name, raw));
    }

    /** The numeric id in a path parameter; anything else cannot name an object, so it is a 404. */
    public static long pathId(ServerRequest request, String name, String what) {
        String raw = request.path().pathParameters().get(name);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to not found
        }
        throw new Problem.NotFound("no " + what + " with id " + raw);
    }

    /** {@code raw} as a positive whole-number id, or a 400 naming the parameter {@code name}. */
    public static long parseId(String name, String raw) {
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new Problem.Invalid(name, "must be a positive whole-number id");
    }

    /** The whole request body; the listener's size limit already applies, this only turns the overflow into JSON. */
    public static byte[] body(ServerRequest request) {
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = request.content().inputStream()) {
            // a body of announced length is read into an array of that length (readAllBytes starts every body with
            // an 8 KiB buffer, most of the allocation of a ping)
            long announced = request.headers().contentLength().orElse(-1);
            if (announced < 0 || announced > Integer.MAX_VALUE) {
                return in.readAllBytes();
            }
            byte[] body = in.readNBytes((int) announced);
            if (body.length < announced) {
                throw new IOException("the body is shorter than announced");
            }
            return body;
        } catch (IOException | RuntimeException e) {
            // the client closed the connection or sent less than it announced
            throw new Problem.Invalid(null, "the request body ended before its announced length");
        }
    }

    /** The query parameters, each with its last value, in the order given, within {@link ParamLimits}. */
    public static Map<String, String> queryParams(ServerRequest request) {
        return ParamLimits.check(queryParamsAsGiven(request));
    }

    private static Map<String, String> queryParamsAsGiven(ServerRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : request.query().names()) {
            List<String> values = request.query().all(name);
            if (!values.isEmpty()) {
                params.put(name, values.getLast());
            }
        }
        return params;
    }

    /**
     * The named parameter of {@link #params}, stripped; empty when it is missing or blank; a 400 naming it when it is
     * still a placeholder of a key URL ({@code [caller_number]}, {@code CALL_UUID}, see {@link Placeholders}).
     */
    public static Optional<String> param(Map<String, String> params, String name) {
        return present(name, Optional.ofNullable(params.get(name)));
    }

    private static Optional<String> present(String name, Optional<String> raw) {
        Optional<String> value = raw.map(String::strip).filter(v -> !v.isEmpty());
        value.flatMap(v -> Placeholders.refusal(name, v)).ifPresent(refused -> {
            throw refused;
        });
        return value;
    }

    /**
     * The parameters of a request however they came, as integrations send all three: the query string, then a form
     * or JSON object body over it (the body wins; a name given twice keeps its last value). A JSON {@code null} is
     * absent; a JSON array or object value is a 400, and so are parameters beyond {@link ParamLimits}.
     */
    public static Map<String, String> params(ServerRequest request) {
        Map<String, String> params = queryParamsAsGiven(request);
        byte[] body = body(request);
        if (body.length == 0) {
            return ParamLimits.check(params);
        }
        String type =
                request.headers().value(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            for (var field : Json.readObject(body).properties()) {
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue;
                }
                if (!value.isValueNode()) {
                    throw new Problem.Invalid(field.getKey(), "must be a string or a number");
                }
                params.put(field.getKey(), value.asText());
            }
        } else {
            // the form's names sorted, each with its last value, as Form.parse gives them, without a list per name
            Map<String, String> form = new TreeMap<>();
            Form.forEachPair(body, form::put);
            params.putAll(form);
        }
        return ParamLimits.check(params);
    }

    /** The body as a JSON object, or a 400 saying why it is not one. */
    public static ObjectNode jsonObject(ServerRequest request) {
        return Json.readObject(body(request));
    }

    /**
     * The wire form of a saved object with the {@code warnings} about it (valid, but probably not what was meant) as a
     * {@code warnings} array of sentences; unchanged when there are none.
     */
    public static Object withWarnings(Object wire, List<String> warnings) {
        if (warnings.isEmpty()) {
            return wire;
        }
        if (wire instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>(map);
            out.put("warnings", warnings);
            return out;
        }
        // unwrapped rather than copied into a tree, which would read exact decimals back as doubles (70 -> 70.0)
        return new Warned(wire, warnings);
    }

    /** A record's fields followed by {@code warnings}. */
    record Warned(@JsonUnwrapped Object saved, List<String> warnings) {}

    public static void send(ServerResponse response, Status status, Object body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        response.send(Json.write(body));
    }

    /** Sends JSON already written ({@link JsonText}, or {@link Json#write}). */
    public static void sendJson(ServerResponse response, Status status, byte[] json) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        response.send(json);
    }

    public static void ok(ServerResponse response, Object body) {
        send(response, Status.OK_200, body);
    }

    public static void created(ServerResponse response, String location, Object body) {
        response.header(HeaderNames.LOCATION, location);
        send(response, Status.CREATED_201, body);
    }

    public static void noContent(ServerResponse response) {
        response.status(Status.NO_CONTENT_204);
        response.send();
    }

    /**
     * Sends one page as a JSON array with {@code X-Total-Count} and an RFC 8288 {@code Link} header (first, prev,
     * next, last) whose URLs repeat the request's other query parameters, except the API key.
     */
    public static void page(ServerRequest request, ServerResponse response, PageRequest asked, Page<?> page) {
        long lastPage = Math.max(1, (page.total() + asked.perPage() - 1) / asked.perPage());
        List<String> links = new ArrayList<>();
        links.add(link(request, 1, asked.perPage(), "first"));
        if (asked.page() > 1) {
            links.add(link(request, Math.min(asked.page() - 1, lastPage), asked.perPage(), "prev"));
        }
        if (asked.page() < lastPage) {
            links.add(link(request, asked.page() + 1, asked.perPage(), "next"));
        }
        links.add(link(request, lastPage, asked.perPage(), "last"));
        response.header(HeaderNames.LINK, String.join(", ", links));
        response.header("X-Total-Count", Long.toString(page.total()));
        ok(response, page.items());
    }

    private static String link(ServerRequest request, long page, int perPage, String rel) {
        StringBuilder url = new StringBuilder(request.path().rawPath()).append('?');
        for (String name : request.query().names()) {
            if (name.equals("page") || name.equals("per_page") || name.equals("api_key")) {
                continue;
            }
            for (String value : request.query().all(name)) {
                url.append(encode(name)).append('=').append(encode(value)).append('&');
            }
        }
        url.append("page=").append(page).append("&per_page=").append(perPage);
        return "<" + url + ">; rel=\"" + rel + "\"";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
