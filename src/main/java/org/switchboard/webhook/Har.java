package org.switchboard.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A call's fired pixels as a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/), every attempt of a
 * delivery an entry of its own; an attempt's comment names its delivery, its number and the delivery's state. HAR
 * names its fields in camelCase, so each record here overrides the API's snake_case; fields are written in the order
 * declared.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
record Har(Log log) {
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Log(String version, Creator creator, List<Page> pages, List<Entry> entries) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Creator(String name, String version) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Page(String startedDateTime, String id, String title, Map<String, Object> pageTimings) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Entry(
            String pageref,
            String startedDateTime,
            long time,
            Request request,
            Response response,
            Map<String, Object> cache,
            Timings timings,
            String comment) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Request(
            String method,
            String url,
            String httpVersion,
            List<NameValue> cookies,
            List<NameValue> headers,
            List<NameValue> queryString,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            PostData postData,

            int headersSize,
            int bodySize) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record PostData(String mimeType, String text) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Response(
            int status,
            String statusText,
            String httpVersion,
            List<NameValue> cookies,
            List<NameValue> headers,
            Content content,
            String redirectURL,
            int headersSize,
            int bodySize) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Content(int size, String mimeType, String text) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record Timings(long send, @JsonProperty("wait") long waiting, long receive) {}

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    record NameValue(String name, String value) {}

    private static final String HTTP_1_1 = "HTTP/1.1";

    /** The HAR of {@code fired} (in order), with the deliveries their attempts belong to. */
    static Har of(List<FiredPixel> fired, Map<Long, Delivery> idToDelivery) {
        List<Entry> entries = new ArrayList<>();
        Map<Long, Integer> deliveryToAttempts = new HashMap<>();
        for (FiredPixel p : fired) {
            String attempt = p.deliveryId()
                    .map(id -> deliveryNote(id, deliveryToAttempts.merge(id, 1, Integer::sum), idToDelivery.get(id)))
                    .orElse("");
            entries.add(new Entry(
                    "call",
                    p.startedAt().toString(),
                    p.elapsedMillis(),
                    request(p),
                    response(p),
                    Map.of(),
                    new Timings(0, p.elapsedMillis(), 0),
                    p.webhookName() + " (" + p.trigger().word() + ")" + attempt
                            + p.errorDetail().map(d -> ": " + d).orElse("")));
        }
        List<Page> pages = fired.isEmpty()
                ? List.of()
                : List.of(new Page(fired.getFirst().startedAt().toString(), "call", "Fired pixels", Map.of()));
        return new Har(new Log("1.2", new Creator("Switchboard", "1"), pages, entries));
    }

    private static Request request(FiredPixel p) {
        return new Request(
                p.method(),
                p.url(),
                HTTP_1_1,
                List.of(),
                p.requestHeaders().entrySet().stream()
                        .map(e -> new NameValue(e.getKey(), e.getValue()))
                        .toList(),
                queryString(p.url()),
                p.requestBody()
                        .map(body -> new PostData(p.requestHeaders().getOrDefault("Content-Type", "text/plain"), body))
                        .orElse(null),
                -1,
                p.requestBody().map(Har::utf8Length).orElse(0));
    }

    private static Response response(FiredPixel p) {
        List<NameValue> headers = new ArrayList<>();
        p.responseHeaders().forEach((name, values) -> values.forEach(v -> headers.add(new NameValue(name, v))));
        String body = p.responseBody().orElse("");
        String mime = p.responseHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Content-Type")
                        && !e.getValue().isEmpty())
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse("application/octet-stream");
        return new Response(
                p.status().orElse(0),
                p.errorKind().map(kind -> "error: " + kind).orElse(""),
                HTTP_1_1,
                List.of(),
                headers,
                new Content(utf8Length(body), mime, body),
                "",
                -1,
                p.responseBody().isPresent() ? utf8Length(body) : -1);
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
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

    private static List<NameValue> queryString(String url) {
        List<NameValue> out = new ArrayList<>();
        try {
            String query = URI.create(url).getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    out.add(new NameValue(
                            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
                }
            }
        } catch (IllegalArgumentException e) {
            // an unparsable URL keeps an empty query list
        }
        return out;
    }
}
