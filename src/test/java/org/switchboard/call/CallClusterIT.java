package org.switchboard.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/**
 * One call whose carrier callbacks reach a different node each time (three nodes on one PostgreSQL and one Redis):
 * it routes, fails over, connects, converts and fires each webhook exactly once, with the same call key on every
 * node.
 */
class CallClusterIT {
    private static List<TestServer> nodes;
    private static final Receiver RECEIVER = new Receiver().on("/", Receiver.respond(200, "text/plain", "ok"));

    @BeforeAll
    static void startNodes() {
        nodes = TestServer.cluster(3, Map.of());
    }

    @AfterAll
    static void stopNodes() {
        if (nodes != null) {
            nodes.reversed().forEach(TestServer::close);
        }
        RECEIVER.close();
    }

    /** A campaign and its tracking number. */
    private record Campaign(long id, String number) {}

    /** A new campaign of the account, with a tracking number on it: {@code prefix} and three random digits. */
    private static Campaign campaignWithNumber(Api api, String name, String prefix) {
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": \"" + name + "\"}").id();
        String number = prefix + String.format("%03d", (int) (Math.random() * 1000));
        assertThat(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}")
                        .status())
                .isEqualTo(201);
        return new Campaign(campaign, number);
    }

    private static Calls callsOn(Api api, int node) {
        return new Calls(api.at(nodes.get(node).base()));
    }

    @Test
    void aCallWhoseCallbacksAlternateBetweenNodesShouldRouteFailOverConnectAndConvertOnce() {
        // given: two SIP buyers, a 90-second conversion, and webhooks on every post-call trigger and on answer
        Api api = nodes.getFirst().newAccount("Call cluster");
        Campaign across = campaignWithNumber(api, "Across nodes", "+18665577");
        long campaign = across.id();
        String number = across.number();
        long first = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"First\", \"destination\": \"sip:first@buyer.example.com\", \"priority\": 1,"
                                + " \"campaign_ids\": [" + campaign + "]}")
                .id();
        long second = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Second\", \"destination\": \"sip:second@buyer.example.com\", \"priority\": 2,"
                                + " \"campaign_ids\": [" + campaign + "]}")
                .id();
        Response criterion = api.post(
                "/api/v2/campaigns/" + campaign + "/conversion_criteria",
                "{\"name\": \"Ninety\", \"trigger\": {\"type\": \"duration\", \"seconds\": 90},"
                        + " \"revenue\": {\"type\": \"static\", \"amount\": 30}, \"payout\": {\"type\": \"static\","
                        + " \"amount\": 20}}");
        assertThat(criterion.status()).as(criterion.toString()).isEqualTo(201);
        String marker = "m" + campaign;
        for (String trigger : List.of("answered", "connect", "conversion", "always")) {
            Response created = api.post(
                    "/api/v2/campaigns/" + campaign + "/webhooks",
                    "{\"name\": \"" + trigger + "\", \"trigger\": \"" + trigger + "\", \"url\": \""
                            + RECEIVER.url("/" + marker + "/" + trigger + "?key=[call_key]") + "\"}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }

        // when: arrival on node 1, no answer reported to node 2, answer to node 3, hang-up to node 1
        JsonNode arrived = callsOn(api, 0).arrive("+13125557001", number).json();
        String uuid = arrived.path("call_uuid").asText();
        JsonNode failedOver = callsOn(api, 1).attempt(uuid, 1, "no_answer").json();
        JsonNode connected = callsOn(api, 2).attempt(uuid, 2, "answered").json();
        JsonNode ended = callsOn(api, 0).hangup(uuid, 100, 95).json();

        // then: each node carried the call on from where the last left it
        JsonNode firstDial = arrived.path("instruction");
        JsonNode secondDial = failedOver.path("instruction");
        assertThat(firstDial.path("buyer_id").asLong()).isEqualTo(first);
        assertThat(secondDial.path("buyer_id").asLong())
                .as(failedOver.toString())
                .isEqualTo(second);
        String callKey = firstDial.path("sip_headers").path("X-PH-RetreaverKey").asText();
        assertThat(callKey).isNotEmpty();
        assertThat(secondDial.path("sip_headers").path("X-PH-RetreaverKey").asText())
                .isEqualTo(callKey);
        assertThat(connected.path("instruction").path("action").asText()).isEqualTo("connect");
        assertThat(ended.path("instruction").path("action").asText())
                .as(ended.toString())
                .isEqualTo("hangup");
        Await.until(
                "the webhooks of the call",
                () -> RECEIVER.received().stream()
                                .filter(r -> r.uri().startsWith("/" + marker + "/"))
                                .count()
                        >= 4);
        JsonNode call = callsOn(api, 1).detail(uuid).path("call");
        assertThat(call.path("connected_seconds").asInt()).as(call.toString()).isEqualTo(95);
        assertThat(call.path("conversion").path("converted").asBoolean())
                .as(call.toString())
                .isTrue();
        // no webhook twice, though three nodes poll for decided calls
        List<String> fired = RECEIVER.received().stream()
                .filter(r -> r.uri().startsWith("/" + marker + "/"))
                .map(r -> r.uri().substring(marker.length() + 2, r.uri().indexOf('?')))
                .sorted()
                .toList();
        assertThat(fired).containsExactly("always", "answered", "connect", "conversion");
        assertThat(RECEIVER.received().stream()
                        .filter(r -> r.uri().startsWith("/" + marker + "/answered"))
                        .findFirst()
                        .orElseThrow()
                        .uri())
                .endsWith("key=" + callKey);
    }

    @Test
    void aWebhookChangedThroughOneNodeShouldFireAsChangedOnTheOthers() {
        // given: a campaign start webhook, fired by a call on each of the other nodes (each holds it in memory)
        Api api = nodes.getFirst().newAccount("Webhook changes");
        Campaign changing = campaignWithNumber(api, "Changing", "+18665578");
        long campaign = changing.id();
        String number = changing.number();
        String marker = "/changed" + campaign + "/";
        String hook =
                "{\"name\": \"start\", \"trigger\": \"start\", \"url\": \"" + RECEIVER.url(marker + "WHICH") + "\"}";
        long webhook = api.post("/api/v2/campaigns/" + campaign + "/webhooks", hook.replace("WHICH", "before"))
                .id();
        for (int node = 1; node < 3; node++) {
            callsOn(api, node).arrive("+1312555710" + node, number);
        }

        // when: it is changed through the first node
        assertThat(api.put("/api/v2/webhooks/" + webhook, hook.replace("WHICH", "after"))
                        .status())
                .isEqualTo(200);

        // then: the next calls on the other nodes fire it as changed, once the change reached them (through Redis);
        // its start webhooks are fired before a call's arrival is answered
        AtomicInteger caller = new AtomicInteger(7200);
        for (int node = 1; node < 3; node++) {
            Calls calls = callsOn(api, node);
            Await.until("node " + node + " firing the changed webhook", () -> {
                long before = firedTo(marker + "after");
                calls.arrive("+1312555" + caller.incrementAndGet(), number);
                return firedTo(marker + "after") > before;
            });
        }
    }

    private static long firedTo(String uri) {
        return RECEIVER.received().stream().filter(r -> r.uri().equals(uri)).count();
    }

    @Test
    void anApiKeyDeletedThroughOneNodeShouldBeRefusedByTheOthers() {
        // given: a second key of an account, used on the other nodes (each holds it in memory)
        Api api = nodes.getFirst().newAccount("Key deletion");
        Response issued = api.post("/api/v2/api_keys", "{\"name\": \"script\"}");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        List<Api> elsewhere = List.of(
                nodes.get(1).withKey(issued.json().path("key").asText()),
                nodes.get(2).withKey(issued.json().path("key").asText()));
        for (Api script : elsewhere) {
            assertThat(script.get("/api/v2/account").status()).isEqualTo(200);
        }

        // when
        assertThat(api.delete("/api/v2/api_keys/" + issued.id()).status()).isEqualTo(204);

        // then: refused on every node once the deletion reached it (through Redis), long before any safety net
        for (Api script : elsewhere) {
            Await.until(
                    "the deleted key refused on " + script.base(),
                    () -> script.get("/api/v2/account").status() == 401);
        }
        assertThat(api.get("/api/v2/account").status()).isEqualTo(200);
    }
}
