package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.rtb.RtbSetup;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerProcess;

/**
 * SIGTERM with requests in flight, on a real server process: call arrivals and RTB pings held up by slow webhooks,
 * and conversion postbacks. Every request is answered, or refused with a 503 the client can retry; none gets an
 * empty reply; and after a restart on the same store, everything that was answered is there: the calls, the pings in
 * the RTB log, the conversions.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ShutdownIT {
    private static final String API_KEY = "shutdown-it-first-account-api-key-0123456789";
    private static final Duration HOLD = Duration.ofSeconds(3);

    @Parameter
    Engine engine;

    private final Receiver slow = new Receiver().on("/slow", exchange -> {
        try {
            Thread.sleep(HOLD);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Receiver.respond(200, "application/json", "{}").answer(exchange);
    });

    @AfterEach
    void stop() {
        slow.close();
    }

    /** What became of one request: its answer, or the transport failure that left it without one. */
    private record Sent(String kind, String id, Response answer, String failure) {}

    @Test
    void sigtermShouldAnswerOrRefuseEveryRequestInFlightAndLoseNothingAnswered() throws Exception {
        try (ProcessStore store =
                ProcessStore.create(engine, API_KEY, Map.of("SWITCHBOARD_SHUTDOWN_GRACE_SECONDS", "20"))) {
            // given: calls waiting for their buyer's conversion postback, then slow call-start and bid webhooks
            ServerProcess first = store.start("ShutdownIT-" + engine + "-1");
            Api api = Api.forKey(store.base(), API_KEY);
            RtbSetup s = RtbSetup.create(api, engine);
            long buyer = api.post(
                            "/api/v2/buyers",
                            "{\"name\": \"Closer\", \"destination\": \"+12125550931\", \"campaign_ids\": ["
                                    + s.campaign() + "]}")
                    .id();
            assertThat(api.post(
                                    "/api/v2/campaigns/" + s.campaign() + "/conversion_criteria",
                                    "{\"name\": \"Sale\", \"matches\": [\"system_buyer_id:" + buyer + "\"],"
                                            + " \"trigger\": {\"type\": \"postback\"},"
                                            + " \"revenue\": {\"type\": \"posted\"},"
                                            + " \"payout\": {\"type\": \"static\", \"amount\": \"5.00\"}}")
                            .status())
                    .isEqualTo(201);
            String conversionKey = key(api, "/api/v2/buyers/" + buyer + "/postback_keys", "conversion");
            String rtbKey = key(api, "/api/v2/campaigns/" + s.campaign() + "/postback_keys", "real_time_bidding");
            List<String> pending = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String uuid = s.calls()
                        .arrive(RtbSetup.caller(), s.number())
                        .json()
                        .path("call_uuid")
                        .asText();
                s.calls().attempt(uuid, 1, "answered");
                s.calls().hangup(uuid, 100, 95);
                pending.add(uuid);
            }
            webhook(api, "/api/v2/campaigns/" + s.campaign() + "/webhooks", "start");
            webhook(api, "/api/v2/buyers/" + buyer + "/webhooks", "passthrough");

            // when: 20 arrivals, 20 pings and 10 postbacks at once, and SIGTERM once the slow ones are under way
            List<java.util.concurrent.Callable<Sent>> requests = new ArrayList<>();
            try (HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()) {
                for (int i = 0; i < 20; i++) {
                    String caller = RtbSetup.caller();
                    requests.add(() -> send(
                            http,
                            "arrival",
                            caller,
                            HttpRequest.newBuilder(URI.create(store.base() + "/api/v2/call_control/calls"))
                                    .header("Authorization", "Bearer " + API_KEY)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"carrier_call_id\": \""
                                            + java.util.UUID.randomUUID() + "\", \"from\": \"" + caller
                                            + "\", \"to\": \"" + s.number() + "\"}"))));
                    String pinged = RtbSetup.caller();
                    requests.add(() -> send(
                            http,
                            "ping",
                            pinged,
                            HttpRequest.newBuilder(URI.create(
                                            store.base() + "/rtbs.json?key=" + rtbKey + "&" + s.pingQuery(pinged)))
                                    .POST(HttpRequest.BodyPublishers.noBody())));
                }
                for (int i = 0; i < pending.size(); i++) {
                    String uuid = pending.get(i);
                    String value = (100 + i) + ".25";
                    requests.add(() -> send(
                            http,
                            "postback",
                            uuid + " " + value,
                            HttpRequest.newBuilder(URI.create(store.base() + "/postbacks/" + conversionKey
                                            + "?call_uuid=" + uuid + "&value=" + value))
                                    .POST(HttpRequest.BodyPublishers.noBody())));
                }
                List<Sent> sent = new ArrayList<>();
                int underWay;
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Sent>> futures = new ArrayList<>();
                    for (var request : requests) {
                        futures.add(pool.submit(request));
                    }
                    Await.until("slow webhooks under way", () -> slow.received().size() >= 20);
                    underWay = slow.received().size();
                    first.terminate();
                    for (Future<Sent> future : futures) {
                        sent.add(future.get());
                    }
                }
                int exit = first.awaitExit(Duration.ofSeconds(40));

                // then: no empty reply, no 500; what was under way was answered; the rest refused with a 503
                assertThat(sent)
                        .as("requests without an answer (exit %d)", exit)
                        .allSatisfy(r -> assertThat(r.failure())
                                .as(r.kind() + " " + r.id())
                                .isNull());
                assertThat(sent)
                        .allSatisfy(r -> assertThat(r.answer().status())
                                .as(r.kind() + " " + r.answer())
                                .isIn(200, 201, 503));
                sent.stream()
                        .filter(r -> r.answer().status() == 503)
                        .forEach(r -> assertThat(r.answer().errorCode()).isEqualTo("unavailable"));
                long answeredSlow = sent.stream()
                        .filter(r -> !r.kind().equals("postback") && r.answer().status() < 300)
                        .count();
                assertThat(answeredSlow).isGreaterThanOrEqualTo(underWay);

                // and after a restart everything answered is there
                store.start("ShutdownIT-" + engine + "-2");
                for (Sent r : sent) {
                    if (r.answer().status() >= 300) {
                        continue;
                    }
                    switch (r.kind()) {
                        case "arrival" -> {
                            String uuid = r.answer().json().path("call_uuid").asText();
                            JsonNode call =
                                    api.get("/api/v2/calls/" + uuid).json().path("call");
                            assertThat(call.path("caller_number").asText()).isEqualTo(r.id());
                            assertThat(call.path("status").asText()).isNotEqualTo("ringing");
                        }
                        case "ping" -> {
                            String uuid = r.answer().json().path("uuid").asText();
                            Response logged = api.get("/api/v2/rtb_pings/" + uuid);
                            assertThat(logged.status()).as(logged.toString()).isEqualTo(200);
                            assertThat(logged.json().path("status").asText())
                                    .isEqualTo(r.answer().json().path("status").asText());
                        }
                        default -> {
                            String[] uuidAndValue = r.id().split(" ");
                            assertThat(r.answer().body()).startsWith("SUCCESS");
                            JsonNode conversion = api.get("/api/v2/calls/" + uuidAndValue[0])
                                    .json()
                                    .path("call")
                                    .path("conversion");
                            assertThat(conversion.path("state").asText()).isEqualTo("converted");
                            assertThat(conversion.path("revenue").decimalValue())
                                    .isEqualByComparingTo(uuidAndValue[1]);
                        }
                    }
                }
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nwhat the servers logged:\n" + store.problems(), e);
            }
        }
    }

    private static Sent send(HttpClient http, String kind, String id, HttpRequest.Builder request) {
        try {
            HttpResponse<String> answer =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Sent(kind, id, new Response(answer.statusCode(), answer.headers(), answer.body()), null);
        } catch (IOException e) {
            return new Sent(kind, id, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sent(kind, id, null, e.toString());
        }
    }

    private static String key(Api api, String path, String type) {
        Response created = api.post(path, "{\"type\": \"" + type + "\", \"name\": \"" + type + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().path("key").asText();
    }

    private void webhook(Api api, String path, String trigger) {
        Response created = api.post(
                path,
                "{\"name\": \"Slow " + trigger + "\", \"trigger\": \"" + trigger + "\", \"url\": \"" + slow.url("/slow")
                        + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }
}
