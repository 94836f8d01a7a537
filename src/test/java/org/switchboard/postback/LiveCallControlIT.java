package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * Call rejection and call transfer with a buyer group's keys, on carrier-neutral calls whose control URL is a real
 * loopback receiver standing in for the SIP stack.
 */
class LiveCallControlIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Receiver sipStack = new Receiver().on("/control", Receiver.respond(204, "text/plain", ""));

    @AfterEach
    void closeReceiverAndResetClock() {
        sipStack.close();
        server.clock().reset();
    }

    /** A campaign with buyers A and B in one group (A first) and C outside it (last), and a tracking number. */
    private record Setup(Api api, Calls calls, String number, long a, long b, long c, long group) {
        String key(String type, String options) {
            Response created = api.post(
                    "/api/v2/buyer_groups/" + group + "/postback_keys",
                    "{\"type\": \"" + type + "\", \"name\": \"" + type + "\", \"options\": " + options + "}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.json().path("key").asText();
        }

        /** Live call control switched on, and a transfer key on a one-entry directory (Billing, +12125550610). */
        String transferKey() {
            api.patch("/api/v2/account", "{\"features\": {\"live_call_control\": true}}");
            long directory = api.post(
                            "/api/v2/directories",
                            "{\"name\": \"Desk\", \"entries\": [{\"name\": \"Billing\", \"destination\":"
                                    + " \"(212) 555-0610\"}]}")
                    .id();
            return key("call_transfer", "{\"directory_id\": " + directory + "}");
        }

        Response get(String pathAndQuery) {
            return Api.send(HttpRequest.newBuilder(URI.create(api.base() + pathAndQuery))
                    .timeout(Duration.ofSeconds(20))
                    .GET()
                    .build());
        }
    }

    private Setup setup() {
        Api api = newAccount();
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": \"Live control\"}").id();
        String number = trackingNumber();
        assertThat(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}")
                        .status())
                .isEqualTo(201);
        long a = buyer(api, campaign, "A", "+12125550601", 1);
        long b = buyer(api, campaign, "B", "+12125550602", 2);
        long c = buyer(api, campaign, "C", "+12125550603", 3);
        long group = api.post("/api/v2/buyer_groups", "{\"name\": \"Team\", \"buyer_ids\": [" + a + ", " + b + "]}")
                .id();
        return new Setup(api, new Calls(api), number, a, b, c, group);
    }

    private String trackingNumber() {
        return "+1866556" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
    }

    private static long buyer(Api api, long campaign, String name, String destination, int priority) {
        return api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"" + name + "\", \"destination\": \"" + destination + "\", \"priority\": "
                                + priority + ", \"campaign_ids\": [" + campaign + "]}")
                .id();
    }

    /** A call from {@code caller} that buyer A answers; its control URL is the stand-in SIP stack. */
    private String connectedCall(Setup s, String caller) {
        Response arrived = s.api()
                .post(
                        "/api/v2/call_control/calls",
                        "{\"carrier_call_id\": \"" + UUID.randomUUID() + "\", \"from\": \"" + caller + "\", \"to\": \""
                                + s.number() + "\", \"control_url\": \"" + sipStack.url("/control") + "\"}");
        String uuid = arrived.json().path("call_uuid").asText();
        assertThat(arrived.json().path("instruction").path("buyer_id").asLong()).isEqualTo(s.a());
        assertThat(s.calls().attempt(uuid, 1, "answered").status()).isEqualTo(200);
        return uuid;
    }

    private List<JsonNode> controlInstructions() {
        return sipStack.received().stream().map(r -> Json.read(r.body())).toList();
    }

    @Test
    void rejectionWithinNinetySecondsShouldSendTheCallToTheGroupsNextBuyer() {
        // given
        Setup s = setup();
        String key = s.key("call_rejection", "{}");
        String uuid = connectedCall(s, "+13125550701");

        // when
        Response rejected =
                s.get("/handler_groups/" + s.group() + "/call_control/reject?key=" + key + "&caller_number=3125550701");

        // then: the documented plain-text answer
        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.header("Content-Type")).startsWith("text/plain");
        assertThat(rejected.body()).isEqualTo("SUCCESS call " + uuid + " rejected");
        // the SIP stack is told to dial buyer B (the group's other buyer, before C)
        List<JsonNode> told = controlInstructions();
        assertThat(told).hasSize(1);
        assertThat(told.getFirst().path("call_uuid").asText()).isEqualTo(uuid);
        assertThat(told.getFirst().path("instruction").path("action").asText()).isEqualTo("dial");
        assertThat(told.getFirst().path("instruction").path("buyer_id").asLong())
                .isEqualTo(s.b());
        assertThat(told.getFirst().path("instruction").path("attempt").asInt()).isEqualTo(2);
        JsonNode detail = s.calls().detail(uuid);
        assertThat(detail.path("call").path("status").asText()).isEqualTo("dialing");
        assertThat(detail.path("attempts").get(0).path("outcome").asText()).isEqualTo("rejected");
        assertThat(s.calls().reasonFor(uuid, s.a())).contains("rejected");
        // a poller sees the same instruction
        assertThat(s.api()
                        .get("/api/v2/call_control/calls/" + uuid)
                        .json()
                        .path("instruction")
                        .path("buyer_id")
                        .asLong())
                .isEqualTo(s.b());

        // and when B answers the call is B's
        s.calls().attempt(uuid, 2, "answered");
        assertThat(s.calls().detail(uuid).path("call").path("buyer_id").asLong())
                .isEqualTo(s.b());
    }

    @Test
    void rejectionShouldFailAfterNinetySecondsAndWhenNoBuyerIsLeft() {
        // given
        Setup s = setup();
        String key = s.key("call_rejection", "{}");
        String late = connectedCall(s, "+13125550702");

        // when: 91 seconds after the answer
        server.clock().advance(Duration.ofSeconds(91));
        Response tooLate =
                s.get("/handler_groups/" + s.group() + "/call_control/reject?key=" + key + "&call_uuid=" + late);
        server.clock().reset();

        // and: B and C already tried, A answered and rejects
        String uuid = connectedCall(s, "+13125550703");
        s.get("/handler_groups/" + s.group() + "/call_control/reject?key=" + key + "&call_uuid=" + uuid);
        s.calls().attempt(uuid, 2, "no_answer");
        s.calls().attempt(uuid, 3, "answered");
        Response notInGroup =
                s.get("/handler_groups/" + s.group() + "/call_control/reject?key=" + key + "&call_uuid=" + uuid);

        // then
        assertThat(tooLate.status()).isEqualTo(409);
        assertThat(tooLate.body()).startsWith("FAILED rejected: the buyer answered more than 90 seconds ago");
        assertThat(s.calls().detail(late).path("call").path("status").asText()).isEqualTo("connected");
        assertThat(notInGroup.status()).isEqualTo(409);
        assertThat(notInGroup.body())
                .isEqualTo("FAILED rejected: the call is not connected to a buyer of this buyer group");
        assertThat(s.calls().detail(uuid).path("call").path("buyer_id").asLong())
                .isEqualTo(s.c());
    }

    @Test
    void aControlUrlStoredWithABadPortShouldMakeTheRejectionSayTheSipStackWasNotToldNotA500() {
        // given: a connected call whose control URL was stored before URLs were checked for their port
        Setup s = setup();
        String key = s.key("call_rejection", "{}");
        String uuid = connectedCall(s, "+13125550704");
        server.wiring()
                .database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate("UPDATE calls SET control_url = :url WHERE uuid = :uuid")
                        .bind("url", "http://127.0.0.1:99999/")
                        .bind("uuid", uuid)
                        .execute());

        // when
        Response rejected =
                s.get("/handler_groups/" + s.group() + "/call_control/reject?key=" + key + "&call_uuid=" + uuid);

        // then
        assertThat(rejected.status()).as(rejected.toString()).isNotEqualTo(500);
        assertThat(rejected.body()).contains("control URL");
    }

    @Test
    void rejectionKeysShouldBeRefusedWhenPausedDeletedMisusedOrElsewhere() {
        // given
        Setup s = setup();
        Setup other = setup();
        String key = s.key("call_rejection", "{}");
        String reading = s.key("call_data_reading", "{\"readable_tags\": [\"ad\"]}");
        String othersKey = other.key("call_rejection", "{}");
        String uuid = connectedCall(s, "+13125550704");
        String path = "/handler_groups/" + s.group() + "/call_control/reject?";

        // when
        Response missing = s.get(path + "key=" + key);
        Response wrongType = s.get(path + "key=" + reading + "&call_uuid=" + uuid);
        Response otherGroup = s.get(path + "key=" + othersKey + "&call_uuid=" + uuid);
        Response othersCall = other.get(
                "/handler_groups/" + other.group() + "/call_control/reject?key=" + othersKey + "&call_uuid=" + uuid);
        long keyId = keyId(s, key);
        s.api().patch("/api/v2/postback_keys/" + keyId, "{\"paused\": true}");
        Response paused = s.get(path + "key=" + key + "&call_uuid=" + uuid);
        s.api().delete("/api/v2/postback_keys/" + keyId);
        Response deleted = s.get(path + "key=" + key + "&call_uuid=" + uuid);

        // then
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).isEqualTo("FAILED rejected: caller_number or call_uuid is required");
        assertThat(wrongType.status()).isEqualTo(403);
        assertThat(wrongType.body()).startsWith("FAILED rejected: this key is a call data reading key");
        assertThat(otherGroup.status()).isEqualTo(403);
        assertThat(otherGroup.body()).isEqualTo("FAILED rejected: this key belongs to another buyer group");
        assertThat(othersCall.status()).isEqualTo(404);
        assertThat(paused.status()).isEqualTo(403);
        assertThat(paused.body()).isEqualTo("FAILED rejected: this key is paused");
        assertThat(deleted.status()).isEqualTo(401);
        assertThat(s.calls().detail(uuid).path("call").path("status").asText()).isEqualTo("connected");
        assertThat(sipStack.received()).isEmpty();
        // every request with a valid key of the type is in its account's postback log, without the key
        JsonNode log =
                s.api().get("/api/v2/postback_logs?endpoint=call_rejection").json();
        assertThat(log.size()).isEqualTo(1);
        assertThat(log.get(0).path("result").asText()).startsWith("400 ");
        assertThat(log.toString()).doesNotContain(key);
        JsonNode othersLog =
                other.api().get("/api/v2/postback_logs?endpoint=call_rejection").json();
        assertThat(othersLog.size()).as(othersLog.toString()).isEqualTo(2);
        assertThat(othersLog.toString()).contains("403 this key belongs to another buyer group");
    }

    @Test
    void transferShouldNeedTheFeatureAndMoveTheCallToADirectoryEntry() {
        // given
        Setup s = setup();
        long directory = s.api()
                .post(
                        "/api/v2/directories",
                        "{\"name\": \"Escalations\", \"entries\": [{\"name\": \"Billing\", \"destination\":"
                                + " \"(212) 555-0610\"}, {\"name\": \"Supervisor\", \"destination\":"
                                + " \"sip:sup@pbx.example.com\"}]}")
                .id();
        Response withoutFeature = s.api()
                .post(
                        "/api/v2/buyer_groups/" + s.group() + "/postback_keys",
                        "{\"type\": \"call_transfer\", \"name\": \"T\", \"options\": {\"directory_id\": " + directory
                                + "}}");
        s.api().patch("/api/v2/account", "{\"features\": {\"live_call_control\": true}}");
        String key = s.key("call_transfer", "{\"directory_id\": " + directory + "}");
        String uuid = connectedCall(s, "+13125550705");
        String path =
                "/handler_groups/" + s.group() + "/transfers/interface?key=" + key + "&caller_number=%2B13125550705";

        // when
        Response listing = s.get(path);
        Response page = Api.send(HttpRequest.newBuilder(URI.create(s.api().base() + path))
                .header("Accept", "text/html")
                .GET()
                .build());
        Response unknownEntry = s.get(path + "&entry=Sales");
        Response transferred = s.get(path + "&entry=billing");
        Response again = s.get(path + "&number=2");

        // then
        assertThat(withoutFeature.status()).isEqualTo(403);
        assertThat(listing.status()).isEqualTo(200);
        assertThat(listing.json().path("call_uuid").asText()).isEqualTo(uuid);
        assertThat(listing.json().path("entries").get(0).path("destination").asText())
                .isEqualTo("+12125550610");
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("Supervisor (sip:sup@pbx.example.com)");
        assertThat(unknownEntry.status()).isEqualTo(400);
        assertThat(unknownEntry.body())
                .isEqualTo("FAILED transferred: 'Sales' is not an entry of directory Escalations");
        assertThat(transferred.status()).isEqualTo(200);
        assertThat(transferred.body()).isEqualTo("SUCCESS call " + uuid + " transferred to +12125550610");
        JsonNode told = controlInstructions().getLast().path("instruction");
        assertThat(told.path("action").asText()).isEqualTo("transfer");
        assertThat(told.path("destination").asText()).isEqualTo("+12125550610");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).isEqualTo("FAILED transferred: the call was already transferred");
        JsonNode detail = s.calls().detail(uuid);
        assertThat(detail.path("call").path("status").asText()).isEqualTo("connected");
        assertThat(detail.path("events").toString()).contains("transferred the call to Billing (+12125550610)");

        // and the directory cannot be deleted while the key draws from it
        assertThat(s.api().delete("/api/v2/directories/" + directory).status()).isEqualTo(409);

        // and turning the feature off stops the key
        s.api().patch("/api/v2/account", "{\"features\": {\"live_call_control\": false}}");
        Response off = s.get(path + "&entry=1");
        assertThat(off.status()).isEqualTo(403);
        assertThat(off.body()).isEqualTo("FAILED transferred: live call control is not enabled on this account");
    }

    @Test
    void theTransferPageShouldShowNoCallOutsideTheGroup() {
        // given: a call that the group's buyers A and B let ring and buyer C, outside the group, answers
        Setup s = setup();
        String key = s.transferKey();
        String uuid = s.api()
                .post(
                        "/api/v2/call_control/calls",
                        "{\"carrier_call_id\": \"" + UUID.randomUUID() + "\", \"from\": \"+13125550706\", \"to\": \""
                                + s.number() + "\", \"control_url\": \"" + sipStack.url("/control") + "\"}")
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(uuid, 1, "no_answer");
        s.calls().attempt(uuid, 2, "no_answer");
        s.calls().attempt(uuid, 3, "answered");
        assertThat(s.calls().detail(uuid).path("call").path("buyer_id").asLong())
                .isEqualTo(s.c());
        String page = "/handler_groups/" + s.group() + "/transfers/interface?key=" + key;

        // when
        Response byCaller = s.get(page + "&caller_number=%2B13125550706");
        Response byUuid = s.get(page + "&call_uuid=" + uuid);

        // then: neither shows the call
        for (Response shown : List.of(byCaller, byUuid)) {
            assertThat(shown.status()).isEqualTo(404);
            assertThat(shown.body())
                    .isEqualTo("FAILED transferred: no call of this group's buyers from that caller or with that UUID");
        }
    }

    @Test
    void aGroupsKeysShouldNotTellWhetherACallTheGroupNeverSawExists() {
        // given: a call on another campaign, whose only buyer is outside the group
        Setup s = setup();
        String rejection = s.key("call_rejection", "{}");
        String transfer = s.transferKey();
        long campaign =
                s.api().post("/api/v2/campaigns", "{\"name\": \"Elsewhere\"}").id();
        String number = trackingNumber();
        s.api().post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}");
        buyer(s.api(), campaign, "D", "+12125550604", 1);
        String uuid = s.calls()
                .arrive("+13125550707", number)
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(uuid, 1, "answered");
        String group = "/handler_groups/" + s.group();

        // when: its UUID, its caller, and a caller who never called
        List<Response> answers = List.of(
                s.get(group + "/call_control/reject?key=" + rejection + "&call_uuid=" + uuid),
                s.get(group + "/call_control/reject?key=" + rejection + "&caller_number=%2B13125550707"),
                s.get(group + "/call_control/reject?key=" + rejection + "&caller_number=%2B13125550799"),
                s.get(group + "/transfers/interface?key=" + transfer + "&call_uuid=" + uuid + "&entry=1"),
                s.get(group + "/transfers/interface?key=" + transfer + "&caller_number=%2B13125550707"),
                s.get(group + "/transfers/interface?key=" + transfer + "&caller_number=%2B13125550799"));

        // then: the same answer for all, and the call stays as it was
        for (Response answer : answers) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(404);
            assertThat(answer.body()).endsWith(": no call of this group's buyers from that caller or with that UUID");
        }
        assertThat(s.calls().detail(uuid).path("call").path("status").asText()).isEqualTo("connected");
    }

    @Test
    void directoriesShouldValidateEntriesAndStayInTheirAccount() {
        // given
        Api api = newAccount();
        Api other = newAccount();

        // when
        Response badNumber = api.post(
                "/api/v2/directories", "{\"name\": \"D\", \"entries\": [{\"name\": \"x\", \"destination\": \"12\"}]}");
        Response duplicate = api.post(
                "/api/v2/directories",
                "{\"name\": \"D\", \"entries\": [{\"name\": \"x\", \"destination\": \"+12125550611\"},"
                        + " {\"name\": \"X\", \"destination\": \"+12125550612\"}]}");
        Response extra = api.post(
                "/api/v2/directories",
                "{\"name\": \"D\", \"entries\": [{\"name\": \"x\", \"destination\": \"+12125550611\", \"y\": 1}]}");
        long id = api.post("/api/v2/directories", "{\"name\": \"D\"}").id();
        Response foreign = other.get("/api/v2/directories/" + id);
        long group = other.post("/api/v2/buyer_groups", "{\"name\": \"G\"}").id();
        other.patch("/api/v2/account", "{\"features\": {\"live_call_control\": true}}");
        Response foreignDirectory = other.post(
                "/api/v2/buyer_groups/" + group + "/postback_keys",
                "{\"type\": \"call_transfer\", \"name\": \"T\", \"options\": {\"directory_id\": " + id + "}}");

        // then
        assertThat(badNumber.status()).isEqualTo(400);
        assertThat(badNumber.errorField()).isEqualTo("entries[0].destination");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.errorField()).isEqualTo("entries[1].name");
        assertThat(extra.status()).isEqualTo(400);
        assertThat(extra.errorField()).isEqualTo("entries[0].y");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreignDirectory.status()).isEqualTo(400);
        assertThat(foreignDirectory.errorField()).isEqualTo("options.directory_id");
    }

    private static long keyId(Setup s, String key) {
        for (JsonNode k : s.api()
                .get("/api/v2/buyer_groups/" + s.group() + "/postback_keys")
                .json()) {
            if (k.path("key").asText().equals(key)) {
                return k.path("id").asLong();
            }
        }
        throw new AssertionError("no key " + key);
    }
}
