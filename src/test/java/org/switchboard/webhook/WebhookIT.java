package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import de.sstoehr.harreader.HarReader;
import de.sstoehr.harreader.HarReaderMode;
import de.sstoehr.harreader.model.Har;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.DroppingReceiver;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Webhooks fired by real calls at a real HTTP receiver on loopback. */
class WebhookIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver()
                .on(
                        "/data",
                        Receiver.respond(
                                200,
                                "application/json",
                                "{\"lead_score\": \"high\", \"geo\": \"us-10101\", \"product_interest\": [\"mortgage\", \"insurance\"],"
                                        + " \"nested\": {\"ignored\": true}}"))
                .on("/plain", Receiver.respond(200, "text/plain", "thanks"))
                .on("/json", Receiver.respond(200, "application/json", "{\"disposition\": \"sold\"}"))
                .on(
                        "/echo",
                        exchange -> Receiver.respond(
                                        200,
                                        "application/json",
                                        "{\"echoed\": "
                                                + Json.writeString(
                                                        exchange.getRequestURI().toString())
                                                + ", \"campaign_id\": \"999\", \"nul\": \"a\\u0000b\"}")
                                .answer(exchange))
                .on("/huge", Receiver.respond(200, "application/json", "{\"x\": \"" + "y".repeat(200_000) + "\"}"))
                .on("/hang", exchange -> {
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private record Setup(Api api, Calls calls, long campaign, String number) {
        long webhook(String owner, String json) {
            Response created = api.post(owner + "/webhooks", json);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.id();
        }

        long buyer(String json) {
            Response created = api.post("/api/v2/buyers", json.replace("CAMPAIGN", Long.toString(campaign)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.id();
        }

        String campaignPath() {
            return "/api/v2/campaigns/" + campaign;
        }
    }

    private Setup setup() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Hooks\"}").id();
        String number = "+1866555" + (4000 + engine.ordinal() * 400 + NEXT.getAndIncrement());
        assertThat(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}")
                        .status())
                .isEqualTo(201);
        return new Setup(api, new Calls(api), campaign, number);
    }

    private String hook(String name, String trigger, String path) {
        return "{\"name\": \"" + name + "\", \"trigger\": \"" + trigger + "\", \"url\": \"" + receiver.url(path)
                + "\"}";
    }

    private List<Receiver.Received> receivedWith(String marker) {
        return receiver.received().stream()
                .filter(r -> r.uri().contains(marker))
                .toList();
    }

    @Test
    void webhooksShouldGoWithTheirOwner() {
        // given: webhooks of a campaign, a buyer and an unlocked number, and one of another campaign that stays
        Setup s = setup();
        long buyer = s.buyer("{\"name\": \"Leaving\", \"destination\": \"+12125550891\"}");
        long number = s.api().get("/api/v2/numbers").json().get(0).path("id").asLong();
        long ofCampaign = s.webhook(s.campaignPath(), hook("campaign", "start", "/plain"));
        long ofBuyer = s.webhook("/api/v2/buyers/" + buyer, hook("buyer", "answered", "/plain"));
        assertThat(s.api()
                        .post("/api/v2/numbers/" + number + "/unlock_webhooks", null)
                        .status())
                .isEqualTo(200);
        long ofNumber = s.webhook("/api/v2/numbers/" + number, hook("number", "start", "/plain"));
        long staying =
                s.api().post("/api/v2/campaigns", "{\"name\": \"Staying\"}").id();
        long kept = s.webhook("/api/v2/campaigns/" + staying, hook("kept", "start", "/plain"));

        // when
        assertThat(s.api().delete("/api/v2/numbers/" + number).status()).isEqualTo(204);
        assertThat(s.api().delete(s.campaignPath()).status()).isEqualTo(204);
        assertThat(s.api().delete("/api/v2/buyers/" + buyer).status()).isEqualTo(204);

        // then
        for (long gone : List.of(ofCampaign, ofBuyer, ofNumber)) {
            assertThat(s.api().get("/api/v2/webhooks/" + gone).status())
                    .as("webhook " + gone)
                    .isEqualTo(404);
        }
        assertThat(s.api().get("/api/v2/webhooks/" + kept).status()).isEqualTo(200);
    }

    @Test
    void eachCallShouldFireItsWebhooksAsTheyStoodWhenItArrived() {
        // given: a campaign start webhook, fired by a first call (so whatever is held in memory holds it)
        Setup s = setup();
        String tag = "current" + engine + NEXT.incrementAndGet();
        long numberId = s.api().get("/api/v2/numbers").json().get(0).path("id").asLong();
        long changing = s.webhook(s.campaignPath(), hook("changing", "start", "/plain?m=" + tag + "&w=a"));
        List<String> fired = new ArrayList<>();
        Runnable call = () -> assertThat(s.calls()
                        .arrive("+13105550" + (100 + fired.size()), s.number())
                        .status())
                .isEqualTo(201);
        call.run();
        fired.add("a");

        // when / then: each change shows in the next call's start webhooks
        assertThat(s.api()
                        .put("/api/v2/webhooks/" + changing, hook("changing", "start", "/plain?m=" + tag + "&w=b"))
                        .status())
                .isEqualTo(200);
        call.run();
        fired.add("b");
        assertThat(s.api()
                        .post("/api/v2/numbers/" + numberId + "/unlock_webhooks", null)
                        .status())
                .isEqualTo(200);
        s.webhook("/api/v2/numbers/" + numberId, hook("number's own", "start", "/plain?m=" + tag + "&w=n"));
        call.run();
        fired.addAll(List.of("b", "n")); // the number's copy of the campaign's, and its own
        assertThat(s.api()
                        .post("/api/v2/numbers/" + numberId + "/lock_webhooks", null)
                        .status())
                .isEqualTo(204);
        call.run();
        fired.add("b");
        assertThat(s.api().delete("/api/v2/webhooks/" + changing).status()).isEqualTo(204);
        call.run(); // fires none
        s.webhook(s.campaignPath(), hook("added", "start", "/plain?m=" + tag + "&w=c"));
        call.run();
        fired.add("c");
        List<String> expected = List.copyOf(fired);
        assertThat(Await.until(
                        "the start webhooks of six calls",
                        () -> receivedWith(tag).stream()
                                .map(r -> r.uri().replaceAll(".*w=", ""))
                                .toList(),
                        names -> names.size() >= expected.size()))
                .containsExactlyInAnyOrderElementsOf(expected); // a number's two fire together, in either order
    }

    @Test
    void everyTriggerShouldFireAtItsPointInTheCallInOrder() throws Exception {
        // given: one webhook per trigger, each marking its request with the trigger and the call
        Setup s = setup();
        String tag = "order" + engine + NEXT.incrementAndGet();
        for (String trigger :
                List.of("data_appending", "start", "passthrough", "selected", "answered", "connect", "always")) {
            String path = trigger.equals("data_appending") ? "/data" : "/plain";
            s.webhook(
                    s.campaignPath(),
                    "{\"name\": \"" + trigger + "\", \"trigger\": \"" + trigger + "\", \"url\": \"" + receiver.url(path)
                            + "?t=" + trigger + "&m=" + tag + "&score=[lead_score]&call=[call_uuid]\"}");
        }
        s.webhook(
                s.campaignPath(),
                "{\"name\": \"timer\", \"trigger\": \"timer\", \"timer_seconds\": 1, \"url\": \""
                        + receiver.url("/plain") + "?t=timer&m=" + tag + "\"}");
        // only a buyer that needs the data-appending tag can take the call
        s.buyer("{\"name\": \"Scored\", \"destination\": \"+12125550801\", \"tag_filters\": [\"lead_score:high\"],"
                + " \"campaign_ids\": [CAMPAIGN]}");
        s.buyer(
                "{\"name\": \"Backup\", \"destination\": \"+12125550802\", \"priority\": 2, \"campaign_ids\": [CAMPAIGN]}");

        // when
        Response arrived = s.calls().arrive("+13105550147", s.number());
        String uuid = arrived.json().path("call_uuid").asText();
        s.calls().attempt(uuid, 1, "no_answer");
        s.calls().attempt(uuid, 2, "answered");
        Await.until(
                "the timer webhook",
                () -> receivedWith(tag).stream().anyMatch(r -> r.uri().contains("t=timer")));
        s.calls().hangup(uuid, 30, 20);
        Await.until(
                "the always webhook",
                () -> receivedWith(tag).stream().anyMatch(r -> r.uri().contains("t=always")));

        // then: firing order
        List<String> order = receivedWith(tag).stream()
                .map(r -> r.uri().replaceAll(".*t=([a-z_]+).*", "$1"))
                .toList();
        assertThat(order.getFirst()).isEqualTo("data_appending");
        assertThat(order.subList(1, 3)).containsExactlyInAnyOrder("start", "passthrough");
        assertThat(order.subList(3, order.size()))
                .containsExactly("selected", "selected", "answered", "timer", "connect", "always");
        // start and passthrough saw the data-appending tag; routing used it
        assertThat(receivedWith(tag).get(1).uri()).contains("score=high");
        assertThat(arrived.json().path("instruction").path("destination").asText())
                .isEqualTo("+12125550801");
        // response tags: arrays give several values, nested objects are ignored, a geo zip moves the caller
        JsonNode tags = s.calls().detail(uuid).path("tags");
        assertThat(tags.path("product_interest").toString()).isEqualTo("[\"mortgage\",\"insurance\"]");
        assertThat(tags.has("nested")).isFalse();
        assertThat(tags.path("geo").toString()).isEqualTo("[\"us-10101\",\"us-ny\",\"us\"]");
        assertThat(tags.path("caller_state").toString()).isEqualTo("[\"NY\"]");
        // every request is a fired pixel of the call (the last is recorded just after its receiver answered)
        Await.until(
                "nine fired pixels",
                () -> s.api()
                                .get("/api/v2/calls/" + uuid + "/fired_pixels")
                                .json()
                                .size()
                        == 9);
        Response pixels = s.api().get("/api/v2/calls/" + uuid + "/fired_pixels");
        assertThat(pixels.json().size()).isEqualTo(9);
        assertThat(s.calls().detail(uuid).path("fired_pixel_count").asLong()).isEqualTo(9);
        assertThat(pixels.json().get(0).path("trigger").asText()).isEqualTo("data_appending");
        assertThat(pixels.json()
                        .get(0)
                        .path("tags_applied")
                        .path("lead_score")
                        .get(0)
                        .asText())
                .isEqualTo("high");
    }

    @Test
    void matchesAndBuyerWebhooksShouldLimitWhichCallsFire() {
        // given
        Setup s = setup();
        String tag = "match" + engine + NEXT.incrementAndGet();
        long taker = s.buyer("{\"name\": \"Taker\", \"destination\": \"+12125550811\", \"campaign_ids\": [CAMPAIGN]}");
        long other = s.buyer("{\"name\": \"Other\", \"destination\": \"+12125550812\", \"paused\": true,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        s.webhook("/api/v2/buyers/" + taker, hook("taker answered", "answered", "/plain?m=" + tag + "&w=taker"));
        s.webhook("/api/v2/buyers/" + other, hook("other answered", "answered", "/plain?m=" + tag + "&w=other"));
        s.webhook(
                s.campaignPath(),
                "{\"name\": \"CA only\", \"trigger\": \"answered\", \"matches\": [\"geo:us-ca\"]," + " \"url\": \""
                        + receiver.url("/plain?m=" + tag + "&w=ca") + "\"}");
        s.webhook(
                s.campaignPath(),
                "{\"name\": \"NY only\", \"trigger\": \"answered\", \"matches\": [\"geo:us-ny\"]," + " \"url\": \""
                        + receiver.url("/plain?m=" + tag + "&w=ny") + "\"}");
        // fired after the call, once its answered webhooks are done: the event to wait for before counting them
        s.webhook(s.campaignPath(), hook("after the call", "always", "/plain?m=" + tag + "&w=always"));

        // when: a Los Angeles caller is answered by the taker, and the call ends
        String uuid = s.calls()
                .arrive("+13105550148", s.number())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(uuid, 1, "answered");
        s.calls().hangup(uuid, 30, 20);
        List<String> fired = Await.until(
                "the always webhook after the answered ones",
                () -> receivedWith(tag).stream()
                        .map(r -> r.uri().replaceAll(".*w=", ""))
                        .toList(),
                names -> names.contains("always"));

        // then: the answered webhooks of the taker and of the matching campaign webhook, and no others
        assertThat(fired).containsExactlyInAnyOrder("taker", "ca", "always");
        assertThat(fired.getLast()).isEqualTo("always");
    }

    @Test
    void tokensShouldBeEscapedForTheirPlaceAndSecretsKeptOutOfTheRecord() throws Exception {
        // given: a caller whose earlier data holds characters that need escaping
        Setup s = setup();
        String tag = "tokens" + engine + NEXT.incrementAndGet();
        s.buyer("{\"name\": \"B\", \"destination\": \"sip:agent@pbx.example.com\", \"campaign_ids\": [CAMPAIGN]}");
        s.api().patch("/api/v2/campaigns/" + s.campaign(), "{\"tags\": {\"first_name\": \"Jo \\\"JJ\\\" & Co\"}}");
        s.webhook(s.campaignPath(), """
                {"name": "CRM", "trigger": "selected", "method": "POST",
                 "url": "%s?m=%s&caller=[caller_number]&key=[call_key]&name=[first_name]&zip=[caller_zip]",
                 "headers": {"Authorization": "Bearer secret-token", "X-Call": "[call_uuid]"},
                 "body_format": "json",
                 "body": "{\\"caller\\": \\"[caller_number]\\", \\"name\\": \\"[first_name]\\", \\"key\\": \\"[call_key]\\", \\"list\\": [1, \\"[handler_id]\\"]}"}""".formatted(receiver.url("/json"), tag));

        // when
        Response arrived = s.calls().arrive("+12125550149", s.number());
        String uuid = arrived.json().path("call_uuid").asText();
        String key = arrived.json()
                .path("instruction")
                .path("sip_headers")
                .path("X-PH-RetreaverKey")
                .asText();

        // then: the receiver got URL-encoded and JSON-escaped values, and the call key
        Receiver.Received got = receivedWith(tag).getFirst();
        assertThat(got.uri())
                .contains("caller=%2B12125550149")
                .contains("name=Jo%20%22JJ%22%20%26%20Co")
                .contains("key=" + key)
                .endsWith("zip=");
        JsonNode body = Json.read(got.body());
        assertThat(body.path("name").asText()).isEqualTo("Jo \"JJ\" & Co");
        assertThat(body.path("key").asText()).isEqualTo(key);
        assertThat(body.path("list").get(0).asInt()).isEqualTo(1);
        assertThat(got.headers().get("X-call")).containsExactly(uuid);
        // the record keeps neither the call key nor the bearer token, and lists the empty token
        JsonNode pixel =
                s.api().get("/api/v2/calls/" + uuid + "/fired_pixels").json().get(0);
        assertThat(pixel.toString()).doesNotContain(key).doesNotContain("secret-token");
        assertThat(pixel.path("request_headers").path("Authorization").asText()).isEqualTo("[redacted]");
        assertThat(pixel.path("missing_tokens").toString()).isEqualTo("[\"caller_zip\"]");
        assertThat(pixel.path("tags_applied").path("disposition").get(0).asText())
                .isEqualTo("sold");
    }

    @Test
    void echoedSecretsNulCharactersAndSystemTagsShouldNotReachTheRecordOrTheCall() {
        // given: a receiver that echoes the request (with the call key) and tries to change the campaign tag
        Setup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"sip:agent@pbx.example.com\", \"campaign_ids\": [CAMPAIGN]}");
        s.webhook(s.campaignPath(), hook("echo", "selected", "/echo?key=[call_key]"));

        // when
        Response arrived = s.calls().arrive("+12125550160", s.number());
        String uuid = arrived.json().path("call_uuid").asText();
        String key = arrived.json()
                .path("instruction")
                .path("sip_headers")
                .path("X-PH-RetreaverKey")
                .asText();

        // then
        JsonNode pixel =
                s.api().get("/api/v2/calls/" + uuid + "/fired_pixels").json().get(0);
        assertThat(pixel.path("status").asInt()).isEqualTo(200);
        assertThat(pixel.toString()).doesNotContain(key);
        JsonNode tags = s.calls().detail(uuid).path("tags");
        assertThat(tags.toString()).doesNotContain(key);
        assertThat(tags.path("echoed").get(0).asText()).contains("[redacted]");
        assertThat(tags.path("campaign_id").toString()).isEqualTo("[\"" + s.campaign() + "\"]");
        assertThat(s.api().get("/api/v2/calls/" + uuid + "/fired_pixels.har").body())
                .doesNotContain(key);
    }

    @Test
    void aReceiverThatNeverAnswersShouldNotHoldTheCallPastFiveSeconds() {
        // given
        Setup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550821\", \"campaign_ids\": [CAMPAIGN]}");
        s.webhook(s.campaignPath(), hook("stuck", "start", "/hang"));

        // when
        long started = System.nanoTime();
        Response arrived = s.calls().arrive("+13105550150", s.number());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        // then
        assertThat(arrived.json().path("instruction").path("action").asText()).isEqualTo("dial");
        assertThat(tookMillis).isBetween(4_500L, 8_000L);
        JsonNode pixel = s.api()
                .get("/api/v2/calls/" + arrived.json().path("call_uuid").asText() + "/fired_pixels")
                .json()
                .get(0);
        assertThat(pixel.path("error").asText()).isEqualTo("timeout");
    }

    @Test
    void oversizedRefusedAndForbiddenTargetsShouldBeRecordedAndApplyNothing() throws Exception {
        // given
        Setup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550831\", \"campaign_ids\": [CAMPAIGN]}");
        int closed = ProcessStore.freePort(); // nothing listens there once it is found
        s.webhook(s.campaignPath(), hook("huge", "selected", "/huge"));
        s.webhook(
                s.campaignPath(),
                "{\"name\": \"refused\", \"trigger\": \"selected\", \"url\": \"http://127.0.0.1:" + closed + "/x\"}");
        s.webhook(
                s.campaignPath(),
                "{\"name\": \"metadata\", \"trigger\": \"selected\","
                        + " \"url\": \"http://169.254.169.254/latest/meta-data/iam/\"}");
        s.webhook(
                s.campaignPath(), "{\"name\": \"private\", \"trigger\": \"selected\", \"url\": \"http://10.0.0.1/\"}");

        // when
        String uuid = s.calls()
                .arrive("+13105550151", s.number())
                .json()
                .path("call_uuid")
                .asText();

        // then
        Map<String, String> nameToError = new java.util.HashMap<>();
        s.api()
                .get("/api/v2/calls/" + uuid + "/fired_pixels")
                .json()
                .forEach(p -> nameToError.put(
                        p.path("webhook_name").asText(), p.path("error").asText()));
        assertThat(nameToError)
                .containsEntry("huge", "too_large")
                .containsEntry("refused", "connection_refused")
                .containsEntry("metadata", "blocked_address")
                .containsEntry("private", "blocked_address");
        assertThat(s.calls().detail(uuid).path("tags").has("x")).isFalse();
        assertThat(s.api().get("/api/v2/fired_pixels?status=error").json().size())
                .isEqualTo(4);
        assertThat(s.api().get("/api/v2/fired_pixels?status=ok").json().size()).isZero();
    }

    @Test
    void harExportShouldBeReadByAStandardHarParser() throws Exception {
        // given
        Setup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550841\", \"campaign_ids\": [CAMPAIGN]}");
        s.webhook(s.campaignPath(), hook("ok", "selected", "/json?a=1&b=two"));
        s.webhook(
                s.campaignPath(),
                "{\"name\": \"post\", \"trigger\": \"selected\", \"method\": \"POST\", \"url\": \""
                        + receiver.url("/plain")
                        + "\", \"body_format\": \"form\", \"body\": \"caller=[caller_number]&n=1\"}");
        s.webhook(
                s.campaignPath(), "{\"name\": \"blocked\", \"trigger\": \"selected\", \"url\": \"http://10.0.0.2/\"}");
        String uuid = s.calls()
                .arrive("+13105550152", s.number())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response har = s.api().get("/api/v2/calls/" + uuid + "/fired_pixels.har");

        // then
        assertThat(har.status()).isEqualTo(200);
        assertThat(har.header("Content-Disposition")).contains(".har");
        Har parsed = new HarReader().readFromString(har.body(), HarReaderMode.STRICT);
        assertThat(parsed.log().version()).isEqualTo("1.2");
        assertThat(parsed.log().entries()).hasSize(3);
        assertThat(parsed.log().entries().stream().map(e -> e.request().method()))
                .containsExactlyInAnyOrder("GET", "POST", "GET");
    }

    @Test
    void testFireShouldSendASampleCallAndShowTheExchange() {
        Setup s = setup();
        long buyer = s.buyer("{\"name\": \"B\", \"destination\": \"+12125550851\", \"campaign_ids\": [CAMPAIGN]}");
        s.api().post("/api/v2/publishers", "{\"name\": \"P\", \"cid\": \"pub-7\"}");
        long webhook = s.webhook(
                s.campaignPath(),
                hook("selected ping", "selected", "/json?handler=[handler_id]&src=[source_id]&plan=[plan]"));
        Response fired = s.api()
                .post(
                        "/api/v2/webhooks/" + webhook + "/test_fire",
                        "{\"buyer_id\": " + buyer + ", \"publisher_id\": \"pub-7\", \"tags\": {\"plan\": \"gold\"}}");
        assertThat(fired.status()).isEqualTo(200);
        assertThat(fired.json().path("test_fire").asBoolean()).isTrue();
        assertThat(fired.json().path("status").asInt()).isEqualTo(200);
        assertThat(fired.json().path("url").asText())
                .contains("handler=" + buyer)
                .contains("src=pub-7")
                .contains("plan=gold");
        assertThat(fired.json().path("response_body").asText()).isEqualTo("{\"disposition\": \"sold\"}");
        assertThat(s.api()
                        .get("/api/v2/fired_pixels?webhook_id=" + webhook)
                        .json()
                        .size())
                .isEqualTo(1);
    }

    @Test
    void receiversThatDropIdleConnectionsSilentlyShouldLoseNoPixel() {
        for (DroppingReceiver.Drop drop :
                List.of(DroppingReceiver.Drop.AFTER_ANSWER, DroppingReceiver.Drop.ON_SECOND_REQUEST)) {
            // given: a receiver that closes keep-alive connections without saying Connection: close
            Setup s = setup();
            try (DroppingReceiver dropping = new DroppingReceiver(drop, "{\"disposition\": \"sold\"}")) {
                long webhook = s.webhook(
                        s.campaignPath(),
                        "{\"name\": \"crm\", \"trigger\": \"selected\", \"method\": \"POST\", \"url\": \""
                                + dropping.url("/lead?c=[caller_number]")
                                + "\", \"body_format\": \"json\", \"body\": \"{\\\"c\\\": \\\"[caller_number]\\\"}\"}");

                // when: 20 webhooks one after another, each finding the previous one's connection dropped
                List<Response> fired = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    fired.add(s.api().post("/api/v2/webhooks/" + webhook + "/test_fire", "{}"));
                }

                // then: every one reached the receiver and is recorded with its answer
                for (Response response : fired) {
                    assertThat(response.json().path("status").asInt())
                            .as(drop + ": " + response.json().path("error_detail"))
                            .isEqualTo(200);
                    assertThat(response.json().path("response_body").asText()).isEqualTo("{\"disposition\": \"sold\"}");
                }
                JsonNode pixels = s.api()
                        .get("/api/v2/fired_pixels?webhook_id=" + webhook)
                        .json();
                assertThat(pixels.size()).isEqualTo(20);
                pixels.forEach(p -> assertThat(p.path("status").asInt()).isEqualTo(200));
                assertThat(dropping.answered()).as(drop.toString()).isEqualTo(20);
            }
        }
    }

    @Test
    void signedWebhooksShouldCarryStandardWebhooksSignatures() throws Exception {
        // given
        Setup s = setup();
        String tag = "signed" + engine + NEXT.incrementAndGet();
        Response created = s.api()
                .post(
                        s.campaignPath() + "/webhooks",
                        "{\"name\": \"signed\", \"trigger\": \"selected\","
                                + " \"signed\": true, \"method\": \"POST\", \"body_format\": \"json\", \"body\": \"{\\\"c\\\": \\\"[caller_number]\\\"}\","
                                + " \"url\": \"" + receiver.url("/plain?m=" + tag) + "\"}");
        String secret = created.json().path("signing_secret").asText();

        // when
        s.api().post("/api/v2/webhooks/" + created.id() + "/test_fire", "{}");

        // then: the receiver can check the signature with the secret shown once at creation
        assertThat(secret).startsWith("whsec_");
        Receiver.Received got = receivedWith(tag).getFirst();
        String id = got.headers().get("Webhook-id").getFirst();
        String timestamp = got.headers().get("Webhook-timestamp").getFirst();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                java.util.Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        String expected = "v1,"
                + java.util.Base64.getEncoder()
                        .encodeToString(mac.doFinal((id + "." + timestamp + "." + got.body())
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(got.headers().get("Webhook-signature")).containsExactly(expected);
        JsonNode shown = s.api().get("/api/v2/webhooks/" + created.id()).json();
        assertThat(shown.path("signed").asBoolean()).isTrue();
        assertThat(shown.has("signing_secret")).isFalse();
        String stored = server.wiring()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT signing_secret FROM webhooks WHERE id = :id")
                        .bind("id", created.id())
                        .mapTo(String.class)
                        .one());
        assertThat(stored).startsWith("v1:").doesNotContain(secret.substring(6));
    }

    @Test
    void definitionsShouldBeCheckedAndOwnedAsDocumented() {
        Setup s = setup();
        Response badToken = s.api()
                .post(
                        s.campaignPath() + "/webhooks",
                        "{\"name\": \"x\", \"trigger\": \"start\", \"url\": \"https://x.example.com/?a=[Caller Number]\"}");
        assertThat(badToken.status()).isEqualTo(400);
        assertThat(badToken.errorField()).isEqualTo("url");
        assertThat(badToken.json().path("error").path("message").asText()).contains("position 26");
        assertThat(s.api()
                        .post(
                                s.campaignPath() + "/webhooks",
                                "{\"name\": \"x\", \"trigger\": \"timer\", \"url\": \"https://x.example.com/\"}")
                        .errorField())
                .isEqualTo("timer_seconds");
        assertThat(s.api()
                        .post(
                                s.campaignPath() + "/webhooks",
                                "{\"name\": \"x\", \"trigger\": \"sometimes\", \"url\": \"https://x.example.com/\"}")
                        .errorField())
                .isEqualTo("trigger");
        assertThat(s.api()
                        .post(
                                s.campaignPath() + "/webhooks",
                                "{\"name\": \"x\", \"trigger\": \"start\", \"method\": \"POST\","
                                        + " \"body_format\": \"json\", \"body\": \"{not json\", \"url\": \"https://x.example.com/\"}")
                        .errorField())
                .isEqualTo("body");
        long campaignHook = s.webhook(s.campaignPath(), hook("campaign", "start", "/plain"));

        // numbers use their campaign's webhooks until unlocked, then a copy of their own
        long number = s.api().get("/api/v2/numbers").json().get(0).path("id").asLong();
        assertThat(s.api()
                        .post("/api/v2/numbers/" + number + "/webhooks", hook("n", "start", "/plain"))
                        .status())
                .isEqualTo(409);
        Response unlocked = s.api().post("/api/v2/numbers/" + number + "/unlock_webhooks", null);
        assertThat(unlocked.json().size()).isEqualTo(1);
        assertThat(unlocked.json().get(0).path("id").asLong()).isNotEqualTo(campaignHook);
        assertThat(s.api()
                        .get("/api/v2/numbers/" + number)
                        .json()
                        .path("webhooks_unlocked")
                        .asBoolean())
                .isTrue();
        assertThat(s.api()
                        .post("/api/v2/numbers/" + number + "/lock_webhooks", null)
                        .status())
                .isEqualTo(204);
        assertThat(s.api().get("/api/v2/numbers/" + number + "/webhooks").status())
                .isEqualTo(409);

        // company defaults are copied into new campaigns that want them
        s.api().post("/api/v2/webhooks", hook("default", "always", "/plain"));
        long withDefaults =
                s.api().post("/api/v2/campaigns", "{\"name\": \"New\"}").id();
        long without = s.api()
                .post("/api/v2/campaigns", "{\"name\": \"Bare\", \"use_company_default_webhooks\": false}")
                .id();
        assertThat(s.api()
                        .get("/api/v2/campaigns/" + withDefaults + "/webhooks")
                        .json()
                        .size())
                .isEqualTo(1);
        assertThat(s.api()
                        .get("/api/v2/campaigns/" + without + "/webhooks")
                        .json()
                        .size())
                .isZero();
        assertThat(newAccount().get("/api/v2/webhooks/" + campaignHook).status())
                .isEqualTo(404);
    }
}
