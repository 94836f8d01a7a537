package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import de.sstoehr.harreader.HarReader;
import de.sstoehr.harreader.HarReaderMode;
import de.sstoehr.harreader.model.Har;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Engine;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/**
 * Post-call webhooks through the durable outbox against a real receiver on loopback: retries with the same
 * {@code webhook-id} (verified by the official Standard Webhooks library), {@code Retry-After}, 410 Gone, redirects as
 * failures, the schedule running out, replay, order across retries, every attempt a pixel and a HAR entry. The server
 * retries after 1 s, three times, so a schedule runs out within seconds.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class WebhookDeliveryIT {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static TestServer server;
    private static Receiver receiver;
    /** Per path marker: how many more requests to fail before answering 200. */
    private static final Map<String, AtomicInteger> MARKER_TO_FAILURES = new java.util.concurrent.ConcurrentHashMap<>();

    private static final AtomicBoolean DOWN_IS_UP = new AtomicBoolean();

    @Parameter
    Engine engine;

    @BeforeParameterizedClassInvocation
    static void startServer(Engine engine) {
        server = TestServer.start(engine, Map.of("SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE", "1s,1s,1s"));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver()
                .on("/ok/", Receiver.respond(200, "text/plain", "ok"))
                .on("/flaky/", exchange -> {
                    String marker = exchange.getRequestURI().getPath().substring("/flaky/".length());
                    int failuresLeft = MARKER_TO_FAILURES
                            .computeIfAbsent(marker, m -> new AtomicInteger(2))
                            .getAndDecrement();
                    Receiver.respond(failuresLeft > 0 ? 500 : 200, "text/plain", failuresLeft > 0 ? "oops" : "ok")
                            .answer(exchange);
                })
                .on("/busy/", exchange -> {
                    String marker = exchange.getRequestURI().getPath().substring("/busy/".length());
                    if (MARKER_TO_FAILURES
                                    .computeIfAbsent(marker, m -> new AtomicInteger(1))
                                    .getAndDecrement()
                            > 0) {
                        exchange.getResponseHeaders().set("Retry-After", "2");
                        Receiver.respond(503, "text/plain", "busy").answer(exchange);
                    } else {
                        Receiver.respond(200, "text/plain", "ok").answer(exchange);
                    }
                })
                .on("/gone/", Receiver.respond(410, "text/plain", "gone"))
                .on("/moved/", exchange -> {
                    exchange.getResponseHeaders().set("Location", receiver.url("/landing/"));
                    Receiver.respond(302, "text/plain", "").answer(exchange);
                })
                .on("/landing/", Receiver.respond(200, "text/plain", "landed"))
                .on(
                        "/down/",
                        exchange -> Receiver.respond(DOWN_IS_UP.get() ? 200 : 503, "text/plain", "")
                                .answer(exchange));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private record Setup(Api api, Calls calls, long campaign, String number, String marker) {
        /** A webhook of the campaign; answers its id and, when signed, its secret. */
        JsonNode webhook(String json) {
            Response created = api.post("/api/v2/campaigns/" + campaign + "/webhooks", json);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.json();
        }

        /** A call the buyer answers, ended after 30 connected seconds; answers its uuid. */
        String call() {
            String uuid = calls.arrive("+13125550" + (100 + NEXT.incrementAndGet() % 800), number)
                    .json()
                    .path("call_uuid")
                    .asText();
            calls.attempt(uuid, 1, "answered");
            calls.hangup(uuid, 40, 30);
            return uuid;
        }

        List<JsonNode> deliveries(long webhookId) {
            List<JsonNode> out = new ArrayList<>();
            api.get("/api/v2/webhook_deliveries?webhook_id=" + webhookId).json().forEach(out::add);
            return out;
        }

        JsonNode onlyDelivery(long webhookId) {
            List<JsonNode> all = deliveries(webhookId);
            assertThat(all).hasSize(1);
            return all.getFirst();
        }

        void awaitState(long webhookId, String state) {
            Await.until(
                    "webhook " + webhookId + "'s delivery " + state,
                    Duration.ofSeconds(20),
                    () -> deliveries(webhookId).stream()
                            .anyMatch(d -> d.path("state").asText().equals(state)));
        }
    }

    private Setup setup() {
        Api api = server.newAccount("WebhookDeliveryIT " + engine);
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Outbox\"}").id();
        String number = "+1866556" + (1000 + engine.ordinal() * 1000 + NEXT.incrementAndGet());
        assertThat(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}")
                        .status())
                .isEqualTo(201);
        assertThat(api.post(
                                "/api/v2/buyers",
                                "{\"name\": \"Closer\", \"destination\": \"+12125550701\", \"campaign_ids\": ["
                                        + campaign + "]}")
                        .status())
                .isEqualTo(201);
        return new Setup(api, new Calls(api), campaign, number, "m" + engine + NEXT.incrementAndGet());
    }

    private static String hook(String trigger, String url, String extra) {
        return "{\"name\": \"" + trigger + "\", \"trigger\": \"" + trigger + "\", \"url\": \"" + url + "\"" + extra
                + "}";
    }

    private static List<Receiver.Received> received(String path) {
        return receiver.received().stream()
                .filter(r -> r.uri().startsWith(path))
                .toList();
    }

    private static String header(Receiver.Received r, String name) {
        return r.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse("");
    }

    @Test
    void receiverFailingTwiceShouldGetTheSameSignedMessageThreeTimesAndAlwaysAfterIt() throws Exception {
        // given: a signed form-body connect webhook whose receiver fails twice, and an always webhook
        Setup s = setup();
        JsonNode connect = s.webhook(hook(
                "connect",
                receiver.url("/flaky/" + s.marker()),
                ", \"method\": \"POST\", \"signed\": true, \"body_format\": \"form\","
                        + " \"body\": \"call=[call_uuid]&caller=[caller_number]\""));
        JsonNode always = s.webhook(hook("always", receiver.url("/ok/" + s.marker()), ""));

        // when
        String uuid = s.call();
        Await.until(
                "the always webhook",
                Duration.ofSeconds(20),
                () -> !received("/ok/" + s.marker()).isEmpty());

        // then: three attempts with one webhook-id, each verified by the Standard Webhooks library on its own
        // timestamp and signature; always only after the connect delivery succeeded
        List<Receiver.Received> attempts = received("/flaky/" + s.marker());
        assertThat(attempts).hasSize(3);
        assertThat(attempts.stream().map(r -> header(r, "webhook-id")).distinct())
                .hasSize(1)
                .allMatch(id -> id.startsWith("msg_"));
        var verifier =
                new com.standardwebhooks.Webhook(connect.path("signing_secret").asText());
        for (Receiver.Received attempt : attempts) {
            assertThat(attempt.body()).startsWith("call=" + uuid + "&caller=%2B1312555");
            verifier.verify(attempt.body(), attempt.headers()); // throws when the signature does not match
        }
        assertThat(received("/ok/" + s.marker()).getFirst().receivedAtMillis())
                .isGreaterThanOrEqualTo(attempts.getLast().receivedAtMillis());
        JsonNode delivery = s.onlyDelivery(connect.path("id").asLong());
        assertThat(delivery.path("state").asText()).isEqualTo("delivered");
        assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.path("webhook_message_id").asText()).isEqualTo(header(attempts.getFirst(), "webhook-id"));
        s.awaitState(always.path("id").asLong(), "delivered");

        // and: every attempt is a fired pixel under the delivery, and a HAR entry
        JsonNode pixels = s.api().get("/api/v2/calls/" + uuid + "/fired_pixels").json();
        List<JsonNode> connectPixels = new ArrayList<>();
        pixels.forEach(p -> {
            if (p.path("trigger").asText().equals("connect")) {
                connectPixels.add(p);
            }
        });
        assertThat(connectPixels).extracting(p -> p.path("status").asInt()).containsExactly(500, 500, 200);
        assertThat(connectPixels)
                .allMatch(p -> p.path("delivery").path("id").asLong()
                        == delivery.path("id").asLong())
                .allMatch(p -> p.path("delivery").path("state").asText().equals("delivered"));
        Response har = s.api().get("/api/v2/calls/" + uuid + "/fired_pixels.har");
        Har parsed = new HarReader().readFromString(har.body(), HarReaderMode.STRICT);
        assertThat(parsed.log().entries()).hasSize(pixels.size());
        assertThat(parsed.log().entries().stream().map(e -> e.comment()))
                .anyMatch(c -> c.contains("attempt 1 of 3, now delivered"))
                .anyMatch(c -> c.contains("attempt 3 of 3, now delivered"));

        // and: the webhook's health counts its attempts
        JsonNode health = s.api()
                .get("/api/v2/webhooks/" + connect.path("id").asLong())
                .json()
                .path("health");
        assertThat(health.path("attempts_24h").asLong()).isEqualTo(3);
        assertThat(health.path("succeeded_24h").asLong()).isEqualTo(1);
        assertThat(health.path("success_rate_24h").asDouble()).isEqualTo(0.3333);
        assertThat(health.has("latency_median_ms")).isTrue();
    }

    @Test
    void answeredWebhookThatFailedShouldBeRetriedAfterTheCallMovedOn() {
        // given: an answered webhook whose receiver fails twice
        Setup s = setup();
        long webhook = s.webhook(hook("answered", receiver.url("/flaky/" + s.marker()), ""))
                .path("id")
                .asLong();

        // when
        s.call();
        s.awaitState(webhook, "delivered");

        // then: its real-time attempt and two retries, all under one delivery
        assertThat(received("/flaky/" + s.marker())).hasSize(3);
        JsonNode delivery = s.onlyDelivery(webhook);
        assertThat(delivery.path("trigger").asText()).isEqualTo("answered");
        assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
        assertThat(s.api()
                        .get("/api/v2/webhook_deliveries/" + delivery.path("id").asLong())
                        .json()
                        .path("attempts"))
                .extracting(p -> p.path("status").asInt())
                .containsExactly(500, 500, 200);
    }

    @Test
    void retryAfterShouldBeHonouredOverTheShorterSchedule() {
        // given: a receiver answering 503 with Retry-After: 2 once (the schedule would wait 1 s)
        Setup s = setup();
        long webhook = s.webhook(hook("non_conversion", receiver.url("/busy/" + s.marker()), ""))
                .path("id")
                .asLong();

        // when
        s.call();
        s.awaitState(webhook, "delivered");

        // then: the second attempt came about 2 s after the first, not 1 s
        List<Receiver.Received> attempts = received("/busy/" + s.marker());
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1).receivedAtMillis() - attempts.get(0).receivedAtMillis())
                .isGreaterThanOrEqualTo(1_900);
    }

    @Test
    void goneShouldDisableTheWebhookUntilItsOwnerEnablesItAgain() {
        // given
        Setup s = setup();
        long webhook = s.webhook(hook("connect", receiver.url("/gone/" + s.marker()), ""))
                .path("id")
                .asLong();
        s.webhook(hook("always", receiver.url("/ok/" + s.marker()), ""));

        // when
        s.call();
        s.awaitState(webhook, "failed");

        // then: one attempt, the webhook disabled with the reason (just after its delivery is stored failed), and the
        // next call queues nothing for it
        assertThat(received("/gone/" + s.marker())).hasSize(1);
        Await.until(
                "the webhook disabled",
                Duration.ofSeconds(10),
                () -> !s.api()
                        .get("/api/v2/webhooks/" + webhook)
                        .json()
                        .path("enabled")
                        .asBoolean());
        JsonNode disabled = s.api().get("/api/v2/webhooks/" + webhook).json();
        assertThat(disabled.path("disabled_reason").asText()).contains("410 Gone");
        s.call();
        Await.until(
                "the second call's always webhook",
                Duration.ofSeconds(20),
                () -> received("/ok/" + s.marker()).size() == 2);
        assertThat(s.deliveries(webhook)).hasSize(1);
        assertThat(received("/gone/" + s.marker())).hasSize(1);
        Response enabled = s.api().patch("/api/v2/webhooks/" + webhook, "{\"enabled\": true}");
        assertThat(enabled.status()).as(enabled.toString()).isEqualTo(200);
        assertThat(enabled.json().path("enabled").asBoolean()).isTrue();
        assertThat(enabled.json().path("disabled_reason").isNull()).isTrue();
    }

    @Test
    void redirectShouldBeAFailureNeverFollowedUntilTheWebhooksOwnScheduleEndsThenReplaySendsItAgain() {
        // given: a signed webhook with its own schedule (one retry) at a receiver answering 302
        Setup s = setup();
        JsonNode created = s.webhook(
                hook("connect", receiver.url("/moved/" + s.marker()), ", \"signed\": true, \"retry_schedule\": [1]"));
        long webhook = created.path("id").asLong();
        assertThat(created.path("retry_schedule")).hasSize(1);

        // when
        s.call();
        s.awaitState(webhook, "failed");

        // then: two attempts, the redirect never followed, the failure saying why
        List<Receiver.Received> attempts = received("/moved/" + s.marker());
        assertThat(attempts).hasSize(2);
        assertThat(received("/landing/")).isEmpty();
        JsonNode failed = s.onlyDelivery(webhook);
        assertThat(failed.path("attempts").asInt()).isEqualTo(2);
        assertThat(failed.path("last_status").asInt()).isEqualTo(302);
        assertThat(failed.path("last_error").asText()).contains("302").contains("not followed");

        // when: the owner replays it
        Response replayed =
                s.api().post("/api/v2/webhook_deliveries/" + failed.path("id").asLong() + "/replay", "{}");

        // then: sent again with the same webhook-id
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(202);
        Await.until(
                "the replayed attempt",
                Duration.ofSeconds(20),
                () -> received("/moved/" + s.marker()).size() >= 3);
        assertThat(header(received("/moved/" + s.marker()).get(2), "webhook-id"))
                .isEqualTo(header(attempts.getFirst(), "webhook-id"));
        s.awaitState(webhook, "failed");
        JsonNode detail = s.api()
                .get("/api/v2/webhook_deliveries/" + failed.path("id").asLong())
                .json();
        assertThat(detail.path("attempts")).hasSize(4);
    }

    @Test
    void replayOfAWebhooksFailedDeliveriesShouldSendThemWithNewIdsWhenAsked() {
        // given: a delivery that failed while the receiver was down
        Setup s = setup();
        Instant before = Instant.now().minusSeconds(5);
        long webhook = s.webhook(hook("always", receiver.url("/down/" + s.marker()), ", \"signed\": true"))
                .path("id")
                .asLong();
        DOWN_IS_UP.set(false);
        s.call();
        s.awaitState(webhook, "failed");
        String oldId = header(received("/down/" + s.marker()).getFirst(), "webhook-id");
        int sentBefore = received("/down/" + s.marker()).size();
        assertThat(sentBefore).isEqualTo(4); // the first attempt and three retries

        // when: it is up again and the owner replays the webhook's failures of the last minutes with new ids
        DOWN_IS_UP.set(true);
        try {
            Response replayed = s.api()
                    .post(
                            "/api/v2/webhooks/" + webhook + "/replay",
                            "{\"from\": \"" + before + "\", \"to\": \""
                                    + Instant.now().plusSeconds(5) + "\", \"new_webhook_id\": true}");

            // then
            assertThat(replayed.status()).as(replayed.toString()).isEqualTo(202);
            assertThat(replayed.json().path("replayed").asInt()).isEqualTo(1);
            s.awaitState(webhook, "delivered");
            List<Receiver.Received> all = received("/down/" + s.marker());
            assertThat(all).hasSize(sentBefore + 1);
            assertThat(header(all.getLast(), "webhook-id")).startsWith("msg_").isNotEqualTo(oldId);
        } finally {
            DOWN_IS_UP.set(false);
        }
    }

    @Test
    void webhookFailingForFiveDaysShouldBeDisabledWithItsReason() {
        // given: a webhook at a receiver that is down, whose first failure is then five days old (the clock moves)
        Setup s = setup();
        long webhook = s.webhook(hook(
                        "always", receiver.url("/down/" + s.marker()), ", \"retry_schedule\": [30, 1, 1, 1, 1, 1]"))
                .path("id")
                .asLong();
        DOWN_IS_UP.set(false);
        s.call();
        s.awaitState(webhook, "retrying"); // the first attempt failed and is recorded
        server.clock().advance(Duration.ofDays(5).plusHours(1));
        try {
            // when: it keeps failing, five times within the last day
            s.awaitState(webhook, "cancelled");

            // then: disabled after the fifth failure of the day, its own delivery cancelled with the reason
            JsonNode disabled = s.api().get("/api/v2/webhooks/" + webhook).json();
            assertThat(disabled.path("enabled").asBoolean()).isFalse();
            assertThat(disabled.path("disabled_reason").asText()).startsWith("every attempt failed for over 120 h");
            assertThat(received("/down/" + s.marker())).hasSize(6);
            assertThat(s.onlyDelivery(webhook).path("last_error").asText()).contains("disabled");
        } finally {
            server.clock().reset();
        }
    }

    @Test
    void retryScheduleShouldBeValidatedNamingTheField() {
        Setup s = setup();
        for (String bad : List.of("[0]", "\"5s\"", "[1.5]", "[86401]", "[" + "1,".repeat(20) + "1]")) {
            Response refused = s.api()
                    .post(
                            "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                            hook("always", receiver.url("/ok/x"), ", \"retry_schedule\": " + bad));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.errorField()).as(bad).isEqualTo("retry_schedule");
        }
        JsonNode ok = s.webhook(hook("always", receiver.url("/ok/x"), ", \"retry_schedule\": [5, 60, 3600]"));
        assertThat(ok.path("retry_schedule").toString()).isEqualTo("[5,60,3600]");
        assertThat(ok.path("enabled").asBoolean()).isTrue();
        Response reset = s.api().patch("/api/v2/webhooks/" + ok.path("id").asLong(), "{\"retry_schedule\": null}");
        assertThat(reset.json().path("retry_schedule").isNull())
                .as(reset.toString())
                .isTrue();
    }
}
