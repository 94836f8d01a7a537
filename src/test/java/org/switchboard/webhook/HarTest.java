package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * The HAR export of a call's fired pixels, field for field: fired-pixels.har was written by the map-built export this
 * typed model replaced (equal as JSON; that export's small objects came out in no fixed key order).
 */
class HarTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");

    private static FiredPixel pixel(
            String method,
            String url,
            Optional<String> requestBody,
            Optional<Integer> status,
            Optional<String> responseBody,
            Optional<String> errorKind,
            Optional<Long> delivery) {
        Map<String, String> requestHeaders = new LinkedHashMap<>();
        requestHeaders.put("Content-Type", "application/json");
        requestHeaders.put("User-Agent", "Switchboard");
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        responseHeaders.put("content-type", List.of("text/plain; charset=utf-8"));
        responseHeaders.put("Set-Cookie", List.of("a=1", "b=2"));
        return new FiredPixel(
                1,
                new AccountId(1),
                Optional.of(9L),
                3,
                "selected ping",
                Trigger.SELECTED,
                false,
                method,
                url,
                requestHeaders,
                requestBody,
                status,
                errorKind.isPresent() ? Map.of() : responseHeaders,
                responseBody,
                AT,
                250,
                errorKind,
                errorKind.map(kind -> "connection refused"),
                List.of(),
                TagSet.fromStored("{}"),
                delivery);
    }

    static final List<FiredPixel> FIRED = List.of(
            pixel(
                    "GET",
                    "https://buyer.example/ping?a=1&b=x%20y&flag",
                    Optional.empty(),
                    Optional.of(200),
                    Optional.of("ok é"),
                    Optional.empty(),
                    Optional.empty()),
            pixel(
                    "POST",
                    "https://buyer.example/hook",
                    Optional.of("{\"caller\": \"+1312\"}"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of("timeout"),
                    Optional.of(44L)),
            pixel(
                    "POST",
                    "https://buyer.example/hook",
                    Optional.of("{}"),
                    Optional.of(500),
                    Optional.of(""),
                    Optional.empty(),
                    Optional.of(44L)),
            pixel(
                    "GET",
                    "not a url ^",
                    Optional.empty(),
                    Optional.of(204),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(45L)));

    static final Map<Long, Delivery> DELIVERIES = Map.of(
            44L,
            new Delivery(
                    44,
                    new AccountId(1),
                    9,
                    3,
                    Trigger.SELECTED,
                    1,
                    "msg_1",
                    Delivery.State.RETRYING,
                    2,
                    0,
                    Optional.of(AT.plusSeconds(60)),
                    Optional.of(500),
                    Optional.empty(),
                    AT,
                    AT,
                    Optional.empty(),
                    Optional.empty()));

    @Test
    void harShouldHoldEveryAttemptWithItsDeliveryInHarFieldOrder() throws Exception {
        // given
        JsonNode expected;
        try (var in = HarTest.class.getResourceAsStream("/har/fired-pixels.har")) {
            expected = Json.MAPPER.readTree(in);
        }

        // when
        JsonNode har = Json.read(Json.writeString(Har.of(FIRED, DELIVERIES)));

        // then
        assertThat(har).isEqualTo(expected);
        assertThat(har.path("log").fieldNames()).toIterable().containsExactly("version", "creator", "pages", "entries");
        assertThat(har.at("/log/entries/1/request").fieldNames())
                .toIterable()
                .containsExactly(
                        "method",
                        "url",
                        "httpVersion",
                        "cookies",
                        "headers",
                        "queryString",
                        "postData",
                        "headersSize",
                        "bodySize");
        assertThat(har.at("/log/entries/0/timings").fieldNames())
                .toIterable()
                .containsExactly("send", "wait", "receive");
    }

    @Test
    void harOfNoPixelsShouldHaveNoPageAndNoEntry() {
        // when
        String har = Json.writeString(Har.of(List.of(), Map.of()));

        // then
        assertThat(har)
                .isEqualTo("{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"Switchboard\",\"version\":\"1\"},"
                        + "\"pages\":[],\"entries\":[]}}");
    }
}
