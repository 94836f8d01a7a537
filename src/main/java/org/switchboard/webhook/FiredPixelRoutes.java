package org.switchboard.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;

/**
 * Fired pixels: {@code GET /api/v2/fired_pixels} (filters {@code webhook_id}, {@code status} as an HTTP status,
 * {@code ok} or {@code error}, {@code from}, {@code to}), {@code GET /api/v2/fired_pixels/{id}}, and a call's own at
 * {@code GET /api/v2/calls/{uuid}/fired_pixels} and, as a HAR 1.2 file for the partner's support, {@code
 * /api/v2/calls/{uuid}/fired_pixels.har}.
 */
public final class FiredPixelRoutes {
    private final FiredPixelRepository pixels;
    private final DeliveryRepository deliveries;
    private final CallRepository calls;
    private final Function<ServerRequest, AccountId> auth;

    public FiredPixelRoutes(
            FiredPixelRepository pixels,
            DeliveryRepository deliveries,
            CallRepository calls,
            Function<ServerRequest, AccountId> auth) {
        this.pixels = pixels;
        this.deliveries = deliveries;
        this.calls = calls;
        this.auth = auth;
    }

    record PixelOut(
            long id,
            @Nullable String callUuid,
            long webhookId,
            String webhookName,
            String trigger,
            boolean testFire,
            String method,
            String url,
            Map<String, String> requestHeaders,
            @Nullable String requestBody,
            @Nullable Integer status,
            Map<String, List<String>> responseHeaders,
            @Nullable String responseBody,
            String startedAt,
            long elapsedMs,
            @Nullable String error,
            @Nullable String errorDetail,
            List<String> missingTokens,
            Map<String, List<String>> tagsApplied,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            DeliveryOut delivery) {
        static PixelOut of(FiredPixel p) {
            return of(p, null, Optional.empty());
        }

        /** With the delivery the pixel was an attempt of, if any: its state now. */
        static PixelOut of(FiredPixel p, @Nullable String callUuid, Optional<Delivery> delivery) {
            return new PixelOut(
                    p.id(),
                    callUuid,
                    p.webhookId(),
                    p.webhookName(),
                    p.trigger().word(),
                    p.testFire(),
                    p.method(),
                    p.url(),
                    p.requestHeaders(),
                    p.requestBody().orElse(null),
                    p.status().orElse(null),
                    p.responseHeaders(),
                    p.responseBody().orElse(null),
                    p.startedAt().toString(),
                    p.elapsedMillis(),
                    p.errorKind().orElse(null),
                    p.errorDetail().orElse(null),
                    p.missingTokens(),
                    p.tagsApplied().asMap(),
                    delivery.map(DeliveryOut::of).orElse(null));
        }
    }

    /** A delivery as its pixels show it, and as the delivery API answers it. */
    record DeliveryOut(
            long id,
            long webhookId,
            String trigger,
            String webhookMessageId,
            String state,
            int attempts,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String nextAttemptAt,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Integer lastStatus,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String lastError,

            String createdAt,
            String updatedAt) {
        static DeliveryOut of(Delivery d) {
            return new DeliveryOut(
                    d.id(),
                    d.webhookId(),
                    d.trigger().word(),
                    d.messageId(),
                    d.state().word(),
                    d.attempts(),
                    d.nextAttemptAt()
                            .filter(at -> d.state() == Delivery.State.RETRYING)
                            .map(Object::toString)
                            .orElse(null),
                    d.lastStatus().orElse(null),
                    d.lastError().orElse(null),
                    d.createdAt().toString(),
                    d.updatedAt().toString());
        }
    }

    /** Each pixel with its delivery (when it was an attempt of one), read in one query. */
    private List<PixelOut> withDeliveries(AccountId account, List<FiredPixel> fired, @Nullable String callUuid) {
        Map<Long, Delivery> idToDelivery = deliveries.byIds(
                account,
                fired.stream().flatMap(p -> p.deliveryId().stream()).collect(java.util.stream.Collectors.toSet()));
        return fired.stream()
                .map(p -> PixelOut.of(p, callUuid, p.deliveryId().map(idToDelivery::get)))
                .toList();
    }

    public void register(HttpRules rules) {
        rules.get("/api/v2/fired_pixels", (req, res) -> {
            AccountId account = auth.apply(req);
            PageRequest page = Http.pageRequest(req);
            Optional<String> status = Http.query(req, "status");
            status.ifPresent(value -> {
                if (!value.equals("ok") && !value.equals("error") && !value.matches("[1-5]\\d\\d")) {
                    throw new Problem.Invalid("status", "must be an HTTP status, ok or error");
                }
            });
            var filter = new FiredPixelRepository.Filter(
                    Http.idQuery(req, "webhook_id"),
                    status,
                    Http.query(req, "from").map(raw -> Http.parseFrom("from", raw)),
                    Http.query(req, "to").map(raw -> Http.parseTo("to", raw)));
            var found = pixels.list(account, filter, page);
            Http.page(
                    req,
                    res,
                    page,
                    new org.switchboard.platform.paging.Page<>(
                            withDeliveries(account, found.items(), null), found.total()));
        });
        rules.get("/api/v2/fired_pixels/{id}", (req, res) -> {
            AccountId account = auth.apply(req);
            long id = Http.pathId(req, "id", "fired pixel");
            FiredPixel pixel =
                    pixels.find(account, id).orElseThrow(() -> new Problem.NotFound("no fired pixel with id " + id));
            Http.ok(res, withDeliveries(account, List.of(pixel), null).getFirst());
        });
        rules.get("/api/v2/calls/{uuid}/fired_pixels", (req, res) -> {
            AccountId account = auth.apply(req);
            Call call = call(req, account);
            Http.ok(res, withDeliveries(account, pixels.forCall(account, call.id()), call.uuid()));
        });
        rules.get("/api/v2/calls/{uuid}/fired_pixels.har", (req, res) -> {
            AccountId account = auth.apply(req);
            Call call = call(req, account);
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"call-" + call.uuid() + ".har\"");
            List<FiredPixel> fired = pixels.forCall(account, call.id());
            Map<Long, Delivery> idToDelivery = deliveries.byIds(
                    account,
                    fired.stream().flatMap(p -> p.deliveryId().stream()).collect(java.util.stream.Collectors.toSet()));
            Http.ok(res, har(fired, idToDelivery));
        });
    }

    private Call call(ServerRequest req, AccountId account) {
        String uuid = req.path().pathParameters().get("uuid");
        return calls.find(account, uuid).orElseThrow(() -> new Problem.NotFound("no call with uuid " + uuid));
    }

    /**
     * The fired pixels as a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/), every attempt of a delivery
     * an entry of its own; an attempt's comment names its delivery, its number and the delivery's state.
     */
    static Map<String, Object> har(List<FiredPixel> fired, Map<Long, Delivery> idToDelivery) {
        List<Map<String, Object>> entries = new ArrayList<>();
        Map<Long, Integer> deliveryToAttempts = new java.util.HashMap<>();
        for (FiredPixel p : fired) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("method", p.method());
            request.put("url", p.url());
            request.put("httpVersion", "HTTP/1.1");
            request.put("cookies", List.of());
            request.put("headers", nameValues(p.requestHeaders()));
            request.put("queryString", queryString(p.url()));
            p.requestBody()
                    .ifPresent(body -> request.put(
                            "postData",
                            Map.of(
                                    "mimeType",
                                    p.requestHeaders().getOrDefault("Content-Type", "text/plain"),
                                    "text",
                                    body)));
            request.put("headersSize", -1);
            request.put(
                    "bodySize",
                    p.requestBody()
                            .map(b -> b.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                            .orElse(0));
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("status", p.status().orElse(0));
            response.put(
                    "statusText", p.errorKind().map(kind -> "error: " + kind).orElse(""));
            response.put("httpVersion", "HTTP/1.1");
            response.put("cookies", List.of());
            List<Map<String, String>> responseHeaders = new ArrayList<>();
            p.responseHeaders()
                    .forEach((name, values) ->
                            values.forEach(v -> responseHeaders.add(Map.of("name", name, "value", v))));
            response.put("headers", responseHeaders);
            String body = p.responseBody().orElse("");
            String mime = p.responseHeaders().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("Content-Type")
                            && !e.getValue().isEmpty())
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse("application/octet-stream");
            response.put(
                    "content",
                    Map.of(
                            "size",
                            body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                            "mimeType",
                            mime,
                            "text",
                            body));
            response.put("redirectURL", "");
            response.put("headersSize", -1);
            response.put(
                    "bodySize",
                    p.responseBody().isPresent() ? body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : -1);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("pageref", "call");
            entry.put("startedDateTime", p.startedAt().toString());
            entry.put("time", p.elapsedMillis());
            entry.put("request", request);
            entry.put("response", response);
            entry.put("cache", Map.of());
            entry.put("timings", Map.of("send", 0, "wait", p.elapsedMillis(), "receive", 0));
            String attempt = p.deliveryId()
                    .map(id -> deliveryNote(id, deliveryToAttempts.merge(id, 1, Integer::sum), idToDelivery.get(id)))
                    .orElse("");
            entry.put(
                    "comment",
                    p.webhookName() + " (" + p.trigger().word() + ")" + attempt
                            + p.errorDetail().map(d -> ": " + d).orElse(""));
            entries.add(entry);
        }
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("version", "1.2");
        log.put("creator", Map.of("name", "Switchboard", "version", "1"));
        log.put(
                "pages",
                fired.isEmpty()
                        ? List.of()
                        : List.of(Map.of(
                                "startedDateTime",
                                fired.getFirst().startedAt().toString(),
                                "id",
                                "call",
                                "title",
                                "Fired pixels",
                                "pageTimings",
                                Map.of())));
        log.put("entries", entries);
        return Map.of("log", log);
    }

    private static String deliveryNote(long id, int attempt, @Nullable Delivery delivery) {
        if (delivery == null) {
            return ", delivery " + id + " attempt " + attempt;
        }
        return ", delivery " + id + " attempt " + attempt + " of " + delivery.attempts() + ", now "
                + delivery.state().word()
                + delivery.nextAttemptAt()
                        .filter(at -> delivery.state() == Delivery.State.RETRYING)
                        .map(at -> " (next attempt at " + at + ")")
                        .orElse("");
    }

    private static List<Map<String, String>> nameValues(Map<String, String> headers) {
        List<Map<String, String>> out = new ArrayList<>();
        headers.forEach((name, value) -> out.add(Map.of("name", name, "value", value)));
        return out;
    }

    private static List<Map<String, String>> queryString(String url) {
        List<Map<String, String>> out = new ArrayList<>();
        try {
            String query = URI.create(url).getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    out.add(Map.of(
                            "name",
                            java.net.URLDecoder.decode(
                                    eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                            "value",
                            eq < 0
                                    ? ""
                                    : java.net.URLDecoder.decode(
                                            pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        } catch (IllegalArgumentException e) {
            // an unparsable URL keeps an empty query list
        }
        return out;
    }
}
