package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Postback keys through the admin API, and Call Data Writing onto live, ended and future calls. */
class DataWritingIT extends ServerIT {
    private static int nextNumber = 100;

    /** An account with a campaign, two publishers and a tracking number for each, and a buyer that takes calls. */
    private record Setup(Api api, Calls calls, long publisherA, long publisherB, String numberA, String numberB) {
        String key(String owner, String options) {
            Response created = api.post(
                    "/api/v2/" + owner + "/postback_keys",
                    "{\"type\": \"call_data_writing\", \"name\": \"Landing page\", \"options\": " + options + "}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.json().path("key").asText();
        }

        Response write(String query) {
            return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/data_writing?" + query))
                    .timeout(Duration.ofSeconds(20))
                    .GET()
                    .build());
        }

        JsonNode tags(String uuid) {
            return calls.detail(uuid).path("tags");
        }
    }

    private Setup setup() {
        Api api = newAccount();
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": \"Data writing\"}").id();
        long a = api.post("/api/v2/publishers", "{\"name\": \"Pub A\"}").id();
        long b = api.post("/api/v2/publishers", "{\"name\": \"Pub B\"}").id();
        String numberA = number(api, campaign, a);
        String numberB = number(api, campaign, b);
        Response buyer = api.post(
                "/api/v2/buyers",
                "{\"name\": \"Buyer\", \"destination\": \"+12125550101\", \"campaign_ids\": [" + campaign + "]}");
        assertThat(buyer.status()).as(buyer.toString()).isEqualTo(201);
        return new Setup(api, new Calls(api), a, b, numberA, numberB);
    }

    private String number(Api api, long campaign, long publisher) {
        String number = "+1866557" + String.format("%04d", nextNumber++ + (engine.ordinal() * 5000));
        Response created = api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return number;
    }

    @Test
    void keysShouldBeIssuedOnlyWhereTheirTypeIsAllowedAndShowTheirUrl() {
        // given
        Setup s = setup();

        // when
        Response created = s.api()
                .post(
                        "/api/v2/publishers/" + s.publisherA() + "/postback_keys",
                        "{\"type\": \"call_data_writing\", \"name\": \"Form\", \"options\": {\"tag_prefix\": \"pub_a__\"}}");
        Response wrongType = s.api()
                .post(
                        "/api/v2/publishers/" + s.publisherA() + "/postback_keys",
                        "{\"type\": \"conversion\", \"name\": \"Nope\"}");
        Response unknownOwner = s.api()
                .post(
                        "/api/v2/publishers/999999/postback_keys",
                        "{\"type\": \"call_data_writing\", \"name\": \"Nope\"}");
        Response badWindow = s.api()
                .post(
                        "/api/v2/publishers/" + s.publisherA() + "/postback_keys",
                        "{\"type\": \"call_data_writing\", \"name\": \"Nope\", \"options\": {\"start_seconds\": 5}}");
        Response listed = s.api().get("/api/v2/publishers/" + s.publisherA() + "/postback_keys");

        // then
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode key = created.json();
        assertThat(key.path("type").asText()).isEqualTo("call_data_writing");
        assertThat(key.path("owner_type").asText()).isEqualTo("publisher");
        assertThat(key.path("owner_id").asLong()).isEqualTo(s.publisherA());
        assertThat(key.path("key").asText()).matches("[0-9a-f-]{36}");
        assertThat(key.path("url").asText())
                .endsWith("/data_writing?key=" + key.path("key").asText() + "&caller_number=[caller_number]");
        assertThat(key.path("options").path("tag_prefix").asText()).isEqualTo("pub_a__");
        assertThat(key.path("options").path("start_seconds").asInt()).isZero();
        assertThat(key.path("options").path("end_seconds").asInt()).isEqualTo(3600);
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorField()).isEqualTo("type");
        assertThat(unknownOwner.status()).isEqualTo(404);
        assertThat(badWindow.status()).isEqualTo(400);
        assertThat(badWindow.errorField()).isEqualTo("options.start_seconds");
        assertThat(listed.json().size()).isEqualTo(1);
        assertThat(s.api()
                        .get("/api/v2/postback_keys/" + key.path("id").asLong())
                        .json()
                        .path("key")
                        .asText())
                .isEqualTo(key.path("key").asText());
    }

    @Test
    void tagsShouldGoOntoTheCallersLiveCallWithTheKeysPrefix() {
        // given
        Setup s = setup();
        String key = s.key("publishers/" + s.publisherA(), "{\"tag_prefix\": \"pub_a__\"}");
        String uuid = s.calls()
                .arrive("+13125550147", s.numberA())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response written = s.write("key=" + key + "&caller_number=(312)%20555-0147&first_name=Ada&zip=60601");

        // then
        assertThat(written.status()).as(written.toString()).isEqualTo(200);
        assertThat(written.json().path("status").asText()).isEqualTo("in-progress call found, tags may be ignored");
        assertThat(written.json().path("caller_number").asText()).isEqualTo("+13125550147");
        assertThat(written.json().path("tag_values").path("pub_a__first_name").asText())
                .isEqualTo("Ada");
        assertThat(s.tags(uuid).path("pub_a__first_name").get(0).asText()).isEqualTo("Ada");
        assertThat(s.tags(uuid).path("pub_a__zip").get(0).asText()).isEqualTo("60601");
        // one entry, naming the call, although on SQLite the request finds the call in one transaction and writes
        // to it in a second, under the call's lock
        JsonNode log =
                s.api().get("/api/v2/postback_logs?endpoint=data_writing").json();
        assertThat(log.size()).as(log.toString()).isEqualTo(1);
        assertThat(log.get(0).path("result").asText()).isEqualTo("in-progress call found, tags may be ignored");
        assertThat(log.get(0).path("call_uuid").asText()).isEqualTo(uuid);
    }

    @Test
    void anEndedCallShouldTakeTagsOnlyWithinTheKeysWindow() {
        // given: one key that looks back an hour, one that does not include past calls
        Setup s = setup();
        String lookingBack = s.key("publishers/" + s.publisherA(), "{\"start_seconds\": 3600}");
        String noPast = s.key("publishers/" + s.publisherA(), "{}");
        String uuid = s.calls()
                .arrive("+13125550148", s.numberA())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(uuid, 1, "answered");
        s.calls().hangup(uuid, 60, 50);

        // when
        Response applied = s.write("key=" + lookingBack + "&call_uuid=" + uuid + "&sale=yes");
        Response stored = s.write("key=" + noPast + "&caller_number=%2B13125550148&plan=gold");

        // then
        assertThat(applied.json().path("status").asText()).isEqualTo("completed call found, tags applied");
        assertThat(applied.json().path("caller_number").asText()).isEqualTo("+13125550148");
        assertThat(s.tags(uuid).path("sale").get(0).asText()).isEqualTo("yes");
        assertThat(stored.json().path("status").asText()).isEqualTo("call not found, tags stored");
        assertThat(s.tags(uuid).has("plan")).isFalse();
    }

    @Test
    void callersWritingAtOnceShouldEachFindTheirOwnLatestCall() throws Exception {
        // given: callers with a live call, with two (the second the latest), with none, and with one through another
        // publisher's number, which this key does not see; their writes arrive together, so batches read many callers
        Setup s = setup();
        String key = s.key("publishers/" + s.publisherA(), "{}");
        Map<String, String> latestCall = new LinkedHashMap<>();
        List<String> callers = new ArrayList<>();
        Function<String, String> callToA = caller ->
                s.calls().arrive(caller, s.numberA()).json().path("call_uuid").asText();
        for (int i = 0; i < 40; i++) {
            String caller = String.format("+1312555%04d", 2000 + i);
            callers.add(caller);
            if (i < 16) {
                latestCall.put(caller, callToA.apply(caller));
            } else if (i < 20) {
                callToA.apply(caller);
                latestCall.put(caller, callToA.apply(caller));
            } else if (i < 24) {
                s.calls().arrive(caller, s.numberB());
            }
        }

        // when
        Map<String, Response> written = new LinkedHashMap<>();
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<Response>> sent = new LinkedHashMap<>();
            for (String caller : callers) {
                sent.put(
                        caller,
                        requests.submit(() -> s.write("key=" + key + "&caller_number=" + caller.replace("+", "%2B")
                                + "&written_for=" + caller.substring(1))));
            }
            for (var entry : sent.entrySet()) {
                written.put(entry.getKey(), entry.getValue().get());
            }
        }

        // then
        for (String caller : callers) {
            Response answer = written.get(caller);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            String uuid = latestCall.get(caller);
            if (uuid == null) {
                assertThat(answer.json().path("status").asText()).as(caller).isEqualTo("call not found, tags stored");
            } else {
                assertThat(answer.json().path("status").asText())
                        .as(caller)
                        .isEqualTo("in-progress call found, tags may be ignored");
                assertThat(s.tags(uuid).path("written_for").get(0).asText()).isEqualTo(caller.substring(1));
            }
        }
    }

    @Test
    void storedTagsShouldGoOnTheCallersNextCallFromThatPublisherOnly() {
        // given
        Setup s = setup();
        String keyOfB = s.key("publishers/" + s.publisherB(), "{}");
        Response stored = s.write("key=" + keyOfB + "&caller_number=%2B13125550149&lead_id=42");

        // when: the caller first calls publisher A's number, then publisher B's
        String callToA = s.calls()
                .arrive("+13125550149", s.numberA())
                .json()
                .path("call_uuid")
                .asText();
        String callToB = s.calls()
                .arrive("+13125550149", s.numberB())
                .json()
                .path("call_uuid")
                .asText();

        // then
        assertThat(stored.json().path("status").asText()).isEqualTo("call not found, tags stored");
        assertThat(s.tags(callToA).has("lead_id")).isFalse();
        assertThat(s.tags(callToB).path("lead_id").get(0).asText()).isEqualTo("42");
        // taken once: a later call does not get them again
        String again = s.calls()
                .arrive("+13125550149", s.numberB())
                .json()
                .path("call_uuid")
                .asText();
        assertThat(s.tags(again).has("lead_id")).isFalse();
    }

    @Test
    void aPublishersKeyShouldNotWriteOntoAnotherPublishersCall() {
        // given
        Setup s = setup();
        String keyOfB = s.key("publishers/" + s.publisherB(), "{}");
        String callToA = s.calls()
                .arrive("+13125550150", s.numberA())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response byUuid = s.write("key=" + keyOfB + "&call_uuid=" + callToA + "&x=1");
        Response byCaller = s.write("key=" + keyOfB + "&caller_number=%2B13125550150&x=1");

        // then
        assertThat(byUuid.status()).isEqualTo(404);
        assertThat(byCaller.json().path("status").asText()).isEqualTo("call not found, tags stored");
        assertThat(s.tags(callToA).has("x")).isFalse();
    }

    @Test
    void badRequestsShouldGetClearErrorsAndBeLoggedWithoutTheKey() {
        // given
        Setup s = setup();
        String key = s.key("publishers/" + s.publisherA(), "{}");
        Response conversion = s.api()
                .post(
                        "/api/v2/buyer_groups/"
                                + s.api()
                                        .post("/api/v2/buyer_groups", "{\"name\": \"G\"}")
                                        .id() + "/postback_keys",
                        "{\"type\": \"conversion\", \"name\": \"Conv\"}");
        assertThat(conversion.status()).as(conversion.toString()).isEqualTo(201);

        // when
        Response noKey = s.write("caller_number=%2B13125550151");
        Response unknownKey = s.write("key=00000000-0000-4000-8000-000000000000&caller_number=%2B13125550151");
        Response wrongType = s.write("key=" + conversion.json().path("key").asText() + "&caller_number=%2B13125550151");
        Response noCaller = s.write("key=" + key + "&a=b");
        Response badCaller = s.write("key=" + key + "&caller_number=hello");
        Response badTag = s.write("key=" + key + "&caller_number=%2B13125550151&bad%20key!=1");
        Response posted = Api.send(HttpRequest.newBuilder(URI.create(s.api().base() + "/data_writing"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"key\": \"" + key + "\", \"caller_number\": \"+13125550151\", \"score\": 7}"))
                .build());
        s.api()
                .patch(
                        "/api/v2/postback_keys/"
                                + s.api()
                                        .get("/api/v2/publishers/" + s.publisherA() + "/postback_keys")
                                        .json()
                                        .get(0)
                                        .path("id")
                                        .asLong(),
                        "{\"paused\": true}");
        Response paused = s.write("key=" + key + "&caller_number=%2B13125550151");

        // then
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(unknownKey.status()).isEqualTo(401);
        assertThat(wrongType.status()).isEqualTo(403);
        assertThat(noCaller.status()).isEqualTo(400);
        assertThat(noCaller.errorField()).isEqualTo("caller_number");
        assertThat(badCaller.status()).isEqualTo(400);
        assertThat(badTag.status()).isEqualTo(400);
        assertThat(posted.status()).as(posted.toString()).isEqualTo(200);
        assertThat(posted.json().path("tag_values").path("score").asText()).isEqualTo("7");
        assertThat(paused.status()).isEqualTo(403);
        JsonNode log =
                s.api().get("/api/v2/postback_logs?endpoint=data_writing").json();
        assertThat(log.size()).isEqualTo(4);
        assertThat(log.toString()).doesNotContain(key);
        assertThat(log.get(0).path("key_name").asText()).isEqualTo("Landing page");
        assertThat(log.get(0).path("result").asText()).isEqualTo("call not found, tags stored");
        assertThat(log.get(0).path("params").path("score").asText()).isEqualTo("7");
        assertThat(log.get(3).path("result").asText()).startsWith("400");
    }

    @Test
    void aDeletedKeyShouldStopWorkingAtOnce() {
        // given
        Setup s = setup();
        Response created =
                s.api().post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"Company\"}");
        String key = created.json().path("key").asText();
        Response before = s.write("key=" + key + "&caller_number=%2B13125550152&a=1");

        // when
        Response deleted = s.api().delete("/api/v2/postback_keys/" + created.id());
        Response after = s.write("key=" + key + "&caller_number=%2B13125550152&a=1");

        // then
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().has("owner_id")).isFalse();
        assertThat(before.status()).isEqualTo(200);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(after.status()).isEqualTo(401);
    }

    @Test
    void theKeyShouldAlsoWorkInThePathWithAFormBody() {
        // given
        Setup s = setup();
        String key = s.key("publishers/" + s.publisherA(), "{\"tag_prefix\": \"lp_\"}");
        String uuid = s.calls()
                .arrive("+13125550153", s.numberA())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response posted = Api.send(HttpRequest.newBuilder(URI.create(s.api().base() + "/data_writing/" + key))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("caller_number=%2B13125550153&email=ada%40example.com"))
                .build());

        // then
        assertThat(posted.status()).as(posted.toString()).isEqualTo(200);
        assertThat(posted.json().path("status").asText()).isEqualTo("in-progress call found, tags may be ignored");
        assertThat(s.tags(uuid).path("lp_email").get(0).asText()).isEqualTo("ada@example.com");
    }

    @Test
    void aKeyShouldNeitherSeeNorBeIssuedOnAnotherAccountsObjects() {
        // given
        Setup mine = setup();
        Setup theirs = setup();
        String companyKey = mine.api()
                .post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"Company\"}")
                .json()
                .path("key")
                .asText();
        String theirCall = theirs.calls()
                .arrive("+13125550154", theirs.numberA())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response byUuid = mine.write("key=" + companyKey + "&call_uuid=" + theirCall + "&x=1");
        Response onTheirPublisher = mine.api()
                .post(
                        "/api/v2/publishers/" + theirs.publisherA() + "/postback_keys",
                        "{\"type\": \"call_data_writing\", \"name\": \"Sneaky\"}");
        Response theirKeys = mine.api().get("/api/v2/publishers/" + theirs.publisherA() + "/postback_keys");

        // then
        assertThat(byUuid.status()).isEqualTo(404);
        assertThat(theirs.tags(theirCall).has("x")).isFalse();
        assertThat(onTheirPublisher.status()).isEqualTo(404);
        assertThat(theirKeys.status()).isEqualTo(404);
    }

    @Test
    void theHolderOfACallsKeyShouldWriteOntoThatCallOnly() {
        // given: a buyer on SIP, which is handed the call's UUID and key in SIP headers
        Api api = newAccount();
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": \"Call keys\"}").id();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"P\"}").id();
        String number = number(api, campaign, publisher);
        api.post(
                "/api/v2/buyers",
                "{\"name\": \"SIP\", \"destination\": \"sip:agent@pbx.example.com\", \"campaign_ids\": [" + campaign
                        + "]}");
        Calls calls = new Calls(api);
        JsonNode first = calls.arrive("+13125550155", number).json();
        JsonNode second = calls.arrive("+13125550156", number).json();
        String uuid = first.path("call_uuid").asText();
        String callKey = first.path("instruction")
                .path("sip_headers")
                .path("X-PH-RetreaverKey")
                .asText();
        Setup s = new Setup(api, calls, publisher, publisher, number, number);

        // when
        Response live = s.write("call_uuid=" + uuid + "&call_key=" + callKey + "&disposition=sold&system_buyer_id=999");
        calls.attempt(uuid, 1, "answered");
        calls.hangup(uuid, 90, 80);
        Response ended = s.write("call_uuid=" + uuid + "&call_key=" + callKey + "&notes=callback");
        Response otherCall =
                s.write("call_uuid=" + second.path("call_uuid").asText() + "&call_key=" + callKey + "&x=1");
        Response wrongKey = s.write("call_uuid=" + uuid + "&call_key=" + callKey + "x&x=1");

        // then
        assertThat(callKey).hasSizeGreaterThan(20);
        assertThat(live.status()).as(live.toString()).isEqualTo(200);
        assertThat(live.json().path("status").asText()).isEqualTo("in-progress call found, tags may be ignored");
        assertThat(ended.json().path("status").asText()).isEqualTo("completed call found, tags applied");
        assertThat(s.tags(uuid).path("disposition").get(0).asText()).isEqualTo("sold");
        assertThat(live.json().path("tag_values").has("system_buyer_id")).isFalse();
        assertThat(s.tags(uuid).path("system_buyer_id").toString()).doesNotContain("999");
        assertThat(s.tags(uuid).path("notes").get(0).asText()).isEqualTo("callback");
        assertThat(otherCall.status()).isEqualTo(401);
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(s.tags(second.path("call_uuid").asText()).has("x")).isFalse();
        JsonNode log = api.get("/api/v2/postback_logs").json();
        assertThat(log.get(0).path("key_name").asText()).isEqualTo("call key");
        assertThat(log.toString()).doesNotContain(callKey);
    }

    @Test
    void aPostbackShouldNotChangeTheCallsSystemTags() {
        // given: a company key without a prefix, and a live call through publisher A
        Setup s = setup();
        String key = s.api()
                .post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"Company\"}")
                .json()
                .path("key")
                .asText();
        String uuid = s.calls()
                .arrive("+13125550157", s.numberA())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response written = s.write("key=" + key + "&caller_number=%2B13125550157&publisher_id=" + s.publisherB()
                + "&Campaign_ID=999999&caller_country=ca&lead=ok");

        // then
        assertThat(written.status()).as(written.toString()).isEqualTo(200);
        assertThat(written.json().path("tag_values").toString()).isEqualTo("{\"lead\":\"ok\"}");
        JsonNode tags = s.tags(uuid);
        assertThat(tags.path("publisher_id").toString()).isEqualTo("[\"" + s.publisherA() + "\"]");
        assertThat(tags.path("campaign_id").toString()).doesNotContain("999999");
        assertThat(tags.path("caller_country").toString()).doesNotContain("ca");
        assertThat(tags.path("lead").get(0).asText()).isEqualTo("ok");
    }
}
