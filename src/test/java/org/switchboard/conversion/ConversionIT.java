package org.switchboard.conversion;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * Conversions end to end: duration and postback criteria, payout modifiers, postback timeouts with late postbacks,
 * the order of post-call webhooks, concurrent postbacks counted once, every FAILED answer, and a restart mid-wait.
 */
class ConversionIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Receiver receiver = new Receiver().on("/", Receiver.respond(200, "text/plain", "ok"));

    @AfterEach
    void stop() {
        receiver.close();
        server.clock().reset();
    }

    /** A campaign with one buyer (and a Conversion key on it) and a tracking number. */
    private record Setup(Api api, Calls calls, long campaign, long buyer, String number, String key) {
        void criterion(String json) {
            Response created = api.post("/api/v2/campaigns/" + campaign + "/conversion_criteria", json);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }

        /** A call from {@code caller} that the buyer answers and that ends after {@code connected} seconds. */
        String call(String caller, int connected) {
            String uuid = calls.arrive(caller, number).json().path("call_uuid").asText();
            calls.attempt(uuid, 1, "answered");
            calls.hangup(uuid, connected + 10, connected);
            return uuid;
        }

        Response postback(String query) {
            return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/postbacks/" + key + "?" + query))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
        }

        JsonNode conversion(String uuid) {
            return calls.detail(uuid).path("call").path("conversion");
        }
    }

    private Setup setup() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Money\"}").id();
        String number = "+1866554" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
        api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}");
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Closer\", \"destination\": \"+12125550701\", \"campaign_ids\": [" + campaign
                                + "]}")
                .id();
        String key = api.post(
                        "/api/v2/buyers/" + buyer + "/postback_keys",
                        "{\"type\": \"conversion\", \"name\": \"Closer conversions\"}")
                .json()
                .path("key")
                .asText();
        return new Setup(api, new Calls(api), campaign, buyer, number, key);
    }

    private String postbackCriterion(Setup s, String payout) {
        return "{\"name\": \"Sale\", \"matches\": [\"system_buyer_id:" + s.buyer() + "\"],"
                + " \"trigger\": {\"type\": \"postback\"}, \"revenue\": {\"type\": \"posted\"}, \"payout\": " + payout
                + "}";
    }

    private void webhooks(Setup s, String marker, String... triggers) {
        for (String trigger : triggers) {
            Response created = s.api()
                    .post(
                            "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                            "{\"name\": \"" + trigger + "\", \"trigger\": \"" + trigger + "\", \"url\": \""
                                    + receiver.url("/" + marker + "/" + trigger + "?payout=[payout]&revenue=[revenue]")
                                    + "\"}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
    }

    private List<String> fired(String marker) {
        return receiver.received().stream()
                .filter(r -> r.uri().startsWith("/" + marker + "/"))
                .map(r -> r.uri().substring(marker.length() + 2))
                .toList();
    }

    /** The webhook deliveries queued for the call (the post-call ones are queued in the request that decides it). */
    private static JsonNode deliveries(Setup s, String uuid) {
        return s.api().get("/api/v2/webhook_deliveries?call_uuid=" + uuid).json();
    }

    /**
     * The positive event a test that shows "nothing fired" waits for: a call of another campaign, without a criterion,
     * ends, and its always webhook (queued as it ended, after whatever the test did before) reaches the receiver.
     * Webhooks queued earlier are claimed no later, so had the test's call queued one, it would have been sent by now.
     */
    private void awaitALaterCallsWebhook(String marker) {
        Setup later = setup();
        webhooks(later, marker, "always");
        later.call("+13125550899", 30);
        Await.until("the later call's always webhook", () -> fired(marker), fired -> fired.size() == 1);
    }

    @Test
    void durationCriterionShouldConvertCallsThatReachItsSeconds() {
        // given
        Setup s = setup();
        s.criterion("{\"name\": \"Ninety seconds\", \"trigger\": {\"type\": \"duration\", \"seconds\": 90},"
                + " \"revenue\": {\"type\": \"static\", \"amount\": \"35.00\"}, \"payout\": {\"type\": \"percent\","
                + " \"percent\": 70}}");

        // when
        String longCall = s.call("+13125550801", 95);
        String shortCall = s.call("+13125550802", 89);

        // then
        JsonNode converted = s.conversion(longCall);
        assertThat(converted.path("state").asText()).isEqualTo("converted");
        assertThat(converted.path("revenue").decimalValue()).isEqualByComparingTo("35");
        assertThat(converted.path("payout").decimalValue()).isEqualByComparingTo("24.5");
        assertThat(converted.path("profit").decimalValue()).isEqualByComparingTo("10.5");
        JsonNode detail = s.calls().detail(longCall).path("call");
        assertThat(java.time.Instant.parse(converted.path("converted_at").asText()))
                .isEqualTo(java.time.Instant.parse(detail.path("connected_at").asText())
                        .plusSeconds(90));
        JsonNode notConverted = s.conversion(shortCall);
        assertThat(notConverted.path("state").asText()).isEqualTo("not_converted");
        assertThat(notConverted.path("reason").asText())
                .isEqualTo("connected 89 s of the 90 s criterion Ninety seconds requires");
        assertThat(notConverted.path("revenue").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void postbackShouldConvertWithThePayoutModifier() {
        // given: three campaigns' worth of modifiers, one call each
        for (String[] c : new String[][] {{"*0.8", "8.00"}, {"*0+50", "50.00"}, {"", "10.00"}}) {
            Setup s = setup();
            s.criterion(postbackCriterion(s, "{\"type\": \"modifier\", \"modifier\": \"" + c[0] + "\"}"));
            String uuid = s.call("+13125550803", 200);

            // when
            Response posted = s.postback("call_uuid=" + uuid + "&value=10");

            // then
            assertThat(posted.status()).as(posted.toString()).isEqualTo(200);
            assertThat(posted.header("Content-Type")).startsWith("text/plain");
            assertThat(posted.body()).isEqualTo("SUCCESS " + uuid + " 10.00");
            JsonNode conversion = s.conversion(uuid);
            assertThat(conversion.path("state").asText()).isEqualTo("converted");
            assertThat(conversion.path("revenue").decimalValue()).isEqualByComparingTo("10");
            assertThat(conversion.path("payout").decimalValue())
                    .as("modifier '" + c[0] + "'")
                    .isEqualByComparingTo(c[1]);
            assertThat(conversion.path("posted_value").decimalValue()).isEqualByComparingTo("10");
        }
    }

    @Test
    void postCallWebhooksShouldWaitForThePostbackThenFireInOrder() {
        // given
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"modifier\", \"modifier\": \"*0.8\"}"));
        webhooks(s, "order", "always", "postback", "non_conversion", "conversion", "connect");
        String uuid = s.call("+13125550804", 120);

        // when: the call is over but its postback criterion is pending; a later call's webhook has arrived
        awaitALaterCallsWebhook("order-later");
        List<String> beforePostback = fired("order");
        JsonNode queuedBeforePostback = deliveries(s, uuid);
        Response posted = s.postback("caller_number=%2B13125550804&value=125");
        Await.until("four post-call webhooks", () -> fired("order"), fired -> fired.size() == 4);

        // then: nothing before the postback; then connect, conversion, postback, always, carrying the money
        assertThat(beforePostback).isEmpty();
        assertThat(queuedBeforePostback)
                .as("deliveries queued before the postback")
                .isEmpty();
        assertThat(s.conversion(uuid).path("state").asText()).isEqualTo("converted");
        assertThat(posted.body()).isEqualTo("SUCCESS " + uuid + " 125.00");
        assertThat(fired("order"))
                .containsExactly(
                        "connect?payout=100.00&revenue=125.00",
                        "conversion?payout=100.00&revenue=125.00",
                        "postback?payout=100.00&revenue=125.00",
                        "always?payout=100.00&revenue=125.00");
        List<Long> times = receiver.received().stream()
                .filter(r -> r.uri().startsWith("/order/"))
                .map(Receiver.Received::receivedAtMillis)
                .toList();
        assertThat(times).isSorted();
    }

    @Test
    void timeoutShouldDecideNonConversionAndALatePostbackShouldStillConvert() throws Exception {
        // given
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"static\", \"amount\": 7}"));
        webhooks(s, "late", "connect", "conversion", "non_conversion", "postback", "always");
        String uuid = s.call("+13125550805", 60);
        assertThat(s.conversion(uuid).path("state").asText()).isEqualTo("pending");
        assertThat(s.conversion(uuid).path("waiting_until").asText()).isNotEmpty();

        // when: the default 600 s timeout passes
        server.clock().advance(Duration.ofSeconds(601));
        Await.until(
                "three webhooks before the late postback", () -> fired("late").size() == 3);

        // then
        assertThat(s.conversion(uuid).path("state").asText()).isEqualTo("not_converted");
        assertThat(fired("late"))
                .containsExactly(
                        "connect?payout=&revenue=", "non_conversion?payout=&revenue=", "always?payout=&revenue=");

        // when: the buyer's postback arrives after the timeout
        Response late = s.postback("call_uuid=" + uuid + "&value=40");
        Await.until("five webhooks after the late postback", () -> fired("late").size() == 5);

        // then: the call converts and the conversion webhooks fire
        assertThat(late.body()).isEqualTo("SUCCESS " + uuid + " 40.00");
        assertThat(s.conversion(uuid).path("state").asText()).isEqualTo("converted");
        assertThat(s.conversion(uuid).path("payout").decimalValue()).isEqualByComparingTo("7");
        assertThat(fired("late").subList(3, 5))
                .containsExactly("conversion?payout=7.00&revenue=40.00", "postback?payout=7.00&revenue=40.00");
    }

    @Test
    void tagDataPostedBackShouldNotEndTheWait() {
        // given
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"static\", \"amount\": 7}"));
        webhooks(s, "data", "non_conversion", "always");
        String uuid = s.call("+13125550806", 60);
        String writer = s.api()
                .post(
                        "/api/v2/postback_keys",
                        "{\"type\": \"call_data_writing\", \"name\": \"CRM\", \"options\": {\"start_seconds\": 3600}}")
                .json()
                .path("key")
                .asText();

        // when: tag data is posted back, and then a later call's webhook arrives
        Response written = s.api().get("/data_writing?key=" + writer + "&call_uuid=" + uuid + "&disposition=callback");
        awaitALaterCallsWebhook("data-later");

        // then: the call still waits for its postback, and none of its post-call webhooks was queued or sent
        assertThat(written.json().path("status").asText()).isEqualTo("completed call found, tags applied");
        assertThat(s.conversion(uuid).path("state").asText()).isEqualTo("pending");
        assertThat(deliveries(s, uuid)).isEmpty();
        assertThat(fired("data")).isEmpty();
    }

    @Test
    void theSamePostbackSentFiveTimesAtOnceShouldCountOnce() throws Exception {
        // given
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"modifier\", \"modifier\": \"*0.5\"}"));
        webhooks(s, "five", "conversion");
        String uuid = s.call("+13125550807", 60);

        // when: five threads post the same conversion together
        List<Response> answers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return s.postback("call_uuid=" + uuid + "&value=60");
                }));
            }
            go.countDown();
            for (Future<Response> f : futures) {
                answers.add(f.get());
            }
        }
        Await.until("the conversion webhook", () -> fired("five"), fired -> !fired.isEmpty());
        awaitALaterCallsWebhook("five-later");

        // then: all answered SUCCESS, the revenue counted once, the conversion webhook queued and fired once
        assertThat(answers).extracting(Response::body).allMatch(("SUCCESS " + uuid + " 60.00")::equals);
        assertThat(s.conversion(uuid).path("revenue").decimalValue()).isEqualByComparingTo("60");
        assertThat(s.conversion(uuid).path("payout").decimalValue()).isEqualByComparingTo("30");
        assertThat(deliveries(s, uuid)).hasSize(1);
        assertThat(fired("five")).hasSize(1);
        assertThat(s.api()
                        .get("/api/v2/postback_logs?endpoint=conversion")
                        .json()
                        .size())
                .isEqualTo(5);
    }

    @Test
    void everyFailureShouldAnswerFailedWithItsReason() {
        // given
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"static\", \"amount\": 5}")
                .replace("\"trigger\"", "\"duplicate_window_seconds\": 3600, \"trigger\""));
        String uuid = s.call("+13125550808", 60);
        long other = s.api()
                .post(
                        "/api/v2/buyers",
                        "{\"name\": \"Other\", \"destination\": \"+12125550702\", \"paused\": true,"
                                + " \"campaign_ids\": [" + s.campaign() + "]}")
                .id();
        String othersKey = s.api()
                .post("/api/v2/buyers/" + other + "/postback_keys", "{\"type\": \"conversion\", \"name\": \"O\"}")
                .json()
                .path("key")
                .asText();
        String writer = s.api()
                .post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"W\"}")
                .json()
                .path("key")
                .asText();
        Setup durationOnly = setup();
        durationOnly.criterion("{\"name\": \"Timer\", \"trigger\": {\"type\": \"duration\", \"seconds\": 30},"
                + " \"revenue\": {\"type\": \"static\", \"amount\": 20}}");
        String timed = durationOnly.call("+13125550809", 60);

        // when / then
        assertFailed(s.postback("value=10"), 400, "FAILED caller_number or call_uuid is required");
        assertFailed(s.postback("call_uuid=" + uuid + "&value=ten"), 400, "FAILED value is not an amount: ten");
        assertFailed(s.postback("call_uuid=" + uuid + "&value=-3"), 400, "FAILED value is not an amount: -3");
        assertFailed(
                s.postback("call_uuid=00000000-0000-0000-0000-000000000000&value=10"),
                404,
                "FAILED no call 00000000-0000-0000-0000-000000000000");
        // another account's call is no call to this key
        assertFailed(durationOnly.postback("call_uuid=" + uuid + "&value=10"), 404, "FAILED no call " + uuid);
        assertFailed(
                s.postback("caller_number=%2B13125559999&value=10"),
                404,
                "FAILED no call from +13125559999 handled by this key's buyer");
        assertFailed(
                s.postback("caller_number=%2B13125550808&connected_duration=500&value=10"),
                404,
                "FAILED no call from +13125550808 handled by this key's buyer with that connected_duration and"
                        + " start_time");
        assertFailed(
                withKey(s, othersKey, "call_uuid=" + uuid + "&value=10"),
                403,
                "FAILED call " + uuid + " was not handled by this key's buyer");
        assertFailed(
                withKey(s, writer, "call_uuid=" + uuid),
                403,
                "FAILED this key is a call data writing key, not a conversion key");
        assertFailed(withKey(s, "not-a-key", "call_uuid=" + uuid), 401, "FAILED key is not a valid postback key");
        assertFailed(
                durationOnly.postback("call_uuid=" + timed + "&value=10"),
                409,
                "FAILED call " + timed
                        + " is judged by criterion Timer, which converts on duration, not on a postback");
        assertThat(s.postback("call_uuid=" + uuid + "&value=10").body()).isEqualTo("SUCCESS " + uuid + " 10.00");
        assertThat(s.postback("call_uuid=" + uuid).body()).isEqualTo("SUCCESS " + uuid + " 10.00");
        assertFailed(
                s.postback("call_uuid=" + uuid + "&value=12"),
                409,
                "FAILED call " + uuid + " already converted with 10.00; a conversion counts once");
        String again = s.call("+13125550808", 60);
        assertFailed(
                s.postback("call_uuid=" + again + "&value=10"),
                409,
                "FAILED duplicate: the caller already converted for this buyer within 3600 s");
        // refusals decided by what the reads found are logged once each, like the others (on SQLite those reads run
        // inside the request's transaction)
        List<String> logged = new ArrayList<>();
        s.api()
                .get("/api/v2/postback_logs?endpoint=conversion&per_page=100")
                .json()
                .forEach(entry -> logged.add(entry.path("result").asText()));
        assertThat(logged)
                .containsOnlyOnce(
                        "404 no call 00000000-0000-0000-0000-000000000000",
                        "404 no call from +13125559999 handled by this key's buyer",
                        "403 call " + uuid + " was not handled by this key's buyer");
        long keyId = s.api()
                .get("/api/v2/buyers/" + s.buyer() + "/postback_keys")
                .json()
                .get(0)
                .path("id")
                .asLong();
        s.api().patch("/api/v2/postback_keys/" + keyId, "{\"paused\": true}");
        assertFailed(s.postback("call_uuid=" + uuid + "&value=10"), 403, "FAILED this key is paused");
        s.api().delete("/api/v2/postback_keys/" + keyId);
        assertFailed(s.postback("call_uuid=" + uuid + "&value=10"), 401, "FAILED key is not a valid postback key");
    }

    @Test
    void aPostbackDuringTheCallShouldLeaveTheBuyersDurationCriterionToTheWholeCall() {
        // given: the campaign converts on the buyer's postback; the buyer's own criterion on 60 connected seconds
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"modifier\", \"modifier\": \"*0.8\"}"));
        Response own = s.api()
                .post(
                        "/api/v2/buyers/" + s.buyer() + "/conversion_criteria",
                        "{\"name\": \"Qualified\", \"trigger\": {\"type\": \"duration\", \"seconds\": 60},"
                                + " \"revenue\": {\"type\": \"static\", \"amount\": 30}, \"payout\": {\"type\":"
                                + " \"static\", \"amount\": 0}}");
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        String uuid = s.calls()
                .arrive("+13125550811", s.number())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(uuid, 1, "answered");

        // when: the buyer posts back while the call is live, and the call then lasts 90 connected seconds
        Response posted = s.postback("call_uuid=" + uuid + "&value=10");
        s.calls().hangup(uuid, 100, 90);

        // then: the campaign's conversion stands, and the buyer's criterion judged the whole call
        assertThat(posted.body()).isEqualTo("SUCCESS " + uuid + " 10.00");
        JsonNode conversion = s.conversion(uuid);
        assertThat(conversion.path("state").asText()).isEqualTo("converted");
        assertThat(conversion.path("payout").decimalValue()).isEqualByComparingTo("8");
        assertThat(conversion.path("buyer_converted").asBoolean())
                .as(conversion.toString())
                .isTrue();
        assertThat(conversion.path("buyer_revenue").decimalValue()).isEqualByComparingTo("30");
    }

    @Test
    void buyerGroupKeyShouldConvertCallsOfTheGroupsBuyers() {
        // given
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"modifier\", \"modifier\": \"/2-1\"}"));
        long group = s.api()
                .post("/api/v2/buyer_groups", "{\"name\": \"G\", \"buyer_ids\": [" + s.buyer() + "]}")
                .id();
        String groupKey = s.api()
                .post("/api/v2/buyer_groups/" + group + "/postback_keys", "{\"type\": \"conversion\", \"name\": \"G\"}")
                .json()
                .path("key")
                .asText();
        String uuid = s.call("+13125550810", 60);

        // when
        Response posted = withKey(s, groupKey, "caller_number=3125550810&value=30");

        // then
        assertThat(posted.body()).isEqualTo("SUCCESS " + uuid + " 30.00");
        assertThat(s.conversion(uuid).path("payout").decimalValue()).isEqualByComparingTo("14");
    }

    @Test
    void aPendingTimeoutShouldSurviveARestart() throws Exception {
        // given: a call waiting for its postback
        Setup s = setup();
        s.criterion(postbackCriterion(s, "{\"type\": \"static\", \"amount\": 7}"));
        webhooks(s, "restart", "non_conversion");
        String uuid = s.call("+13125550811", 60);

        // when: the server restarts mid-wait, then the timeout passes
        server.restart();
        server.clock().advance(Duration.ofSeconds(601));
        Await.until("the webhook after the restart", () -> fired("restart").size() == 1);

        // then
        assertThat(s.conversion(uuid).path("state").asText()).isEqualTo("not_converted");
        assertThat(s.conversion(uuid).path("reason").asText()).startsWith("no postback from the buyer by ");
        assertThat(fired("restart")).hasSize(1);
    }

    private static Response withKey(Setup s, String key, String query) {
        return Api.send(HttpRequest.newBuilder(URI.create(s.api().base() + "/postbacks/" + key + "?" + query))
                .GET()
                .build());
    }

    private static void assertFailed(Response response, int status, String body) {
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.status()).as(body).isEqualTo(status);
    }
}
