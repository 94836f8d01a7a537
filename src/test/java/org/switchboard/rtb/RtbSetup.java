package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Engine;
import org.switchboard.testing.Response;

/** An RTB-enabled account with a campaign, a publisher (cid PUB-...) and its tracking number, and RTB helpers. */
public record RtbSetup(Api api, Calls calls, long campaign, long publisher, String publisherCid, String number) {
    private static final AtomicInteger NEXT = new AtomicInteger();

    long buyer(String json) {
        Response created = api.post("/api/v2/buyers", json.replace("CAMPAIGN", Long.toString(campaign)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.id();
    }

    /** The buyer's passthrough webhook: every ping asks {@code url} for the buyer's bid. */
    void bidsThrough(long buyer, String url) {
        Response created = api.post(
                "/api/v2/buyers/" + buyer + "/webhooks",
                "{\"name\": \"Bid\", \"trigger\": \"passthrough\", \"url\": \"" + url + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    void criterion(String json) {
        Response created = api.post("/api/v2/campaigns/" + campaign + "/conversion_criteria", json);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    String key(String options) {
        Response created = api.post(
                "/api/v2/campaigns/" + campaign + "/postback_keys",
                "{\"type\": \"real_time_bidding\", \"name\": \"Pub RTB\", \"options\": " + options + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().path("key").asText();
    }

    Response ping(String key, String query) {
        return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/rtbs.json?key=" + key + "&" + query))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    Response pingJson(String key, String json) {
        return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/rtbs.json?key=" + key))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** A ping's parameters naming this set-up's publisher and {@code caller}. */
    public String pingQuery(String caller) {
        return "publisher_id=" + publisherCid + "&caller_number=" + caller.replace("+", "%2B");
    }

    /** The owner's view of a ping in the RTB log. */
    JsonNode logged(String uuid) {
        return api.get("/api/v2/rtb_pings/" + uuid).json();
    }

    /** The id of the campaign's first postback key. */
    long firstKeyId() {
        return api.get("/api/v2/campaigns/" + campaign + "/postback_keys")
                .json()
                .get(0)
                .path("id")
                .asLong();
    }

    /** Runs {@code n} requests at the same instant (released together) and returns their answers in order. */
    static List<Response> concurrently(int n, IntFunction<Response> task) throws Exception {
        List<Response> out = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.apply(index);
                }));
            }
            go.countDown();
            for (Future<Response> f : futures) {
                out.add(f.get());
            }
        }
        return out;
    }

    /**
     * A buyer with room for one call at a time and a call connected to it (so that room is taken), and an RTB key that
     * takes caps at reservation; returns the key.
     */
    String oneLineTakenByACall(String destination) {
        buyer("{\"name\": \"One line\", \"destination\": \"" + destination + "\", \"concurrency_cap\": 1,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = key("{\"add_to_caps_on_status_reserved\": true, \"ttl_seconds\": 10}");
        // the call dials the buyer (so it holds the buyer's one line) and is answered (so it keeps it)
        Response arrived = calls.arrive(caller(), number);
        assertThat(arrived.json().path("instruction").path("action").asText())
                .as(arrived.toString())
                .isEqualTo("dial");
        String call = arrived.json().path("call_uuid").asText();
        Response answered = calls.attempt(call, 1, "answered");
        assertThat(answered.json().path("instruction").path("action").asText())
                .as(answered.toString())
                .isEqualTo("connect");
        return key;
    }

    /** The same set-up, sent to another node of the deployment. */
    RtbSetup at(String otherBase) {
        Api other = api.at(otherBase);
        return new RtbSetup(other, new Calls(other), campaign, publisher, publisherCid, number);
    }

    /** A new account's RTB set-up: the feature on, a campaign, a publisher and its tracking number. */
    public static RtbSetup create(Api api, Engine engine) {
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"RTB\"}").id();
        String cid = "PUB-" + NEXT.incrementAndGet();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"Lead gen\", \"cid\": \"" + cid + "\"}")
                .id();
        String number = trackingNumber(engine);
        Response created = api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new RtbSetup(api, new Calls(api), campaign, publisher, cid, number);
    }

    /** A tracking number not used before in this run on this engine's store. */
    public static String trackingNumber(Engine engine) {
        return "+1866553" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
    }

    /** A caller number not used before in this run. */
    public static String caller() {
        return "+1312556" + String.format("%04d", NEXT.incrementAndGet() % 10_000);
    }
}
