package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/**
 * Webhooks held by receivers that do not answer, on a pool small enough to fill (4 connections, 2 per host): other
 * hosts' webhooks go on, and a webhook that finds no free connection fails at its own timeout saying why. The pool
 * does not depend on the store, so one engine is enough.
 */
class WebhookConnectionLimitIT {
    private static final String ANSWER = "{\"disposition\": \"sold\"}";
    private static TestServer server;
    private static Receiver healthy;
    private static ExecutorService threads;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Engine.SQLITE,
                Map.of(
                        "SWITCHBOARD_WEBHOOK_MAX_CONNECTIONS", "4",
                        "SWITCHBOARD_WEBHOOK_MAX_CONNECTIONS_PER_HOST", "2"));
        healthy = new Receiver().on("/ok", Receiver.respond(200, "application/json", ANSWER));
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() {
        threads.close();
        healthy.close();
        server.close();
    }

    /** A receiver that holds every request until released, then answers. */
    private record Hanging(Receiver receiver, CountDownLatch release) implements AutoCloseable {
        static Hanging start() {
            CountDownLatch release = new CountDownLatch(1);
            Receiver receiver = new Receiver().on("/hang", exchange -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Receiver.respond(200, "application/json", ANSWER).answer(exchange);
            });
            return new Hanging(receiver, release);
        }

        @Override
        public void close() {
            release.countDown();
            receiver.close();
        }
    }

    private static long webhook(Api api, String url, int timeoutMillis) {
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Pool\"}").id();
        Response created = api.post(
                "/api/v2/campaigns/" + campaign + "/webhooks",
                "{\"name\": \"hook\", \"trigger\": \"selected\", \"timeout_ms\": " + timeoutMillis + ", \"url\": \""
                        + url + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.id();
    }

    private static Response testFire(Api api, long webhook) {
        return api.post("/api/v2/webhooks/" + webhook + "/test_fire", "{}");
    }

    /** Fires {@code webhook} {@code times} times at once, and waits until the receiver holds all of them. */
    private static List<CompletableFuture<Response>> hold(Api api, long webhook, Hanging hanging, int times) {
        int before = hanging.receiver().received().size();
        List<CompletableFuture<Response>> held = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            held.add(CompletableFuture.supplyAsync(() -> testFire(api, webhook), threads));
        }
        Await.until(
                times + " requests held by the receiver",
                () -> hanging.receiver().received().size() >= before + times);
        return held;
    }

    @Test
    void aHostWithAllItsConnectionsBusyShouldNotDelayAnotherHost() {
        // given: a receiver holding its host's two connections, and a third webhook to it waiting for one
        Api api = server.newAccount("Pool one host");
        try (Hanging hanging = Hanging.start()) {
            long slow = webhook(api, hanging.receiver().url("/hang"), 20_000);
            List<CompletableFuture<Response>> held = hold(api, slow, hanging, 2);
            CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> testFire(api, slow), threads);
            long fast = webhook(api, healthy.url("/ok"), 2_000);

            // when
            Response fired = testFire(api, fast);

            // then: the healthy host answered while the slow one still holds its webhooks
            assertThat(fired.json().path("status").asInt())
                    .as(fired.json().path("error_detail").asText())
                    .isEqualTo(200);
            assertThat(fired.json().path("response_body").asText()).isEqualTo(ANSWER);
            assertThat(held).noneMatch(CompletableFuture::isDone);
            assertThat(waiting).isNotDone();

            // and the slow ones get their answers once the receiver gives them
            hanging.release().countDown();
            for (CompletableFuture<Response> response : held) {
                assertThat(response.join().json().path("status").asInt()).isEqualTo(200);
            }
            assertThat(waiting.join().json().path("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void aWebhookWaitingForAConnectionShouldFailAtItsOwnTimeoutSayingWhy() {
        // given: two hanging receivers holding all four connections of the pool
        Api api = server.newAccount("Pool full");
        try (Hanging first = Hanging.start();
                Hanging second = Hanging.start()) {
            long toFirst = webhook(api, first.receiver().url("/hang"), 20_000);
            long toSecond = webhook(api, second.receiver().url("/hang"), 20_000);
            List<CompletableFuture<Response>> held = new ArrayList<>(hold(api, toFirst, first, 2));
            held.addAll(hold(api, toSecond, second, 2));
            long sameHost = webhook(api, first.receiver().url("/hang?late=1"), 300);
            long otherHost = webhook(api, healthy.url("/ok"), 300);

            // when: a webhook to the busy host, and one to a host the full pool has no connection for
            Response toBusyHost = testFire(api, sameHost);
            Response toOtherHost = testFire(api, otherHost);

            // then: each failed at its own timeout, before any connection was freed, and the record says why
            JsonNode busy = toBusyHost.json();
            assertThat(busy.path("error").asText()).isEqualTo("timeout");
            assertThat(busy.path("error_detail").asText())
                    .isEqualTo("no free connection to 127.0.0.1:"
                            + first.receiver().url("").split(":")[2]
                            + " within 300 ms: all 2 connections to that host are busy with slower webhooks"
                            + " (SWITCHBOARD_WEBHOOK_MAX_CONNECTIONS_PER_HOST)");
            JsonNode full = toOtherHost.json();
            assertThat(full.path("error").asText()).isEqualTo("timeout");
            assertThat(full.path("error_detail").asText())
                    .isEqualTo("no free connection to 127.0.0.1:"
                            + healthy.url("").split(":")[2]
                            + " within 300 ms: all 4 connections of the pool are busy"
                            + " (SWITCHBOARD_WEBHOOK_MAX_CONNECTIONS)");
            assertThat(held).noneMatch(CompletableFuture::isDone);
            assertThat(first.receiver().received()).noneMatch(r -> r.uri().contains("late=1"));
            JsonNode pixels = api.get("/api/v2/fired_pixels?status=error").json();
            assertThat(pixels.size()).isEqualTo(2);
            pixels.forEach(p -> assertThat(p.path("error_detail").asText()).startsWith("no free connection to"));
        }
    }
}
