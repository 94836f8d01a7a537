package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/**
 * Three Switchboard nodes in one test, on one PostgreSQL and one Redis, as behind a load balancer: a ping answered
 * by one node is claimed by the call that reaches another, caps hold across all of them, and a key paused through
 * one node is refused by the others at once.
 */
class RtbClusterIT {
    private static List<TestServer> nodes;

    @BeforeAll
    static void startNodes() {
        // a long cache age: only the change events between nodes can make a change count within a second
        nodes = TestServer.cluster(3, Map.of("SWITCHBOARD_CONFIG_CACHE_SECONDS", "3600"));
    }

    @AfterAll
    static void stopNodes() {
        if (nodes != null) {
            nodes.reversed().forEach(TestServer::close);
        }
    }

    private static RtbSetup setup() {
        return RtbSetup.create(nodes.getFirst().newAccount("Cluster"), Engine.POSTGRESQL);
    }

    private static RtbSetup on(RtbSetup s, int node) {
        return s.at(nodes.get(node).base());
    }

    @Test
    void aPingAnsweredByOneNodeShouldBeClaimedByTheCallReachingAnother() {
        // given
        RtbSetup s = setup();
        s.buyer("{\"name\": \"One\", \"destination\": \"+12125550951\", \"campaign_ids\": [CAMPAIGN]}");
        s.buyer("{\"name\": \"Two\", \"destination\": \"+12125550952\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"ttl_seconds\": 30, \"route_only_to_reserved_target\": true}");
        String caller = RtbSetup.caller();

        // when: node 1 answers the ping, the call arrives at node 2, the owner looks on node 3
        Response ping = on(s, 0).ping(key, s.pingQuery(caller));
        String uuid = ping.json().path("uuid").asText();
        JsonNode arrived = on(s, 1).calls().arrive(caller, s.number()).json();
        String call = arrived.path("call_uuid").asText();

        // then: the call claimed it and dials the reserved buyer, and every node sees the claim
        assertThat(ping.json().path("status").asText()).as(ping.toString()).isEqualTo("reserved");
        Await.until(
                "node 3 to show the reservation claimed by the call",
                () -> on(s, 2).api()
                        .get("/call_reservations/" + uuid)
                        .json()
                        .path("call_uuid")
                        .asText()
                        .equals(call));
        long reservedBuyer = on(s, 2).api()
                .get("/call_reservations/" + uuid)
                .json()
                .path("buyer_id")
                .asLong();
        assertThat(arrived.path("instruction").path("buyer_id").asLong()).isEqualTo(reservedBuyer);
        assertThat(on(s, 2).calls()
                        .detail(call)
                        .path("tags")
                        .path("rtb_reservation_uuid")
                        .toString())
                .contains(uuid);
    }

    @Test
    void concurrentPingsSpreadOverTheNodesShouldNeverOvershootACap() throws Exception {
        // given: three at a time, and a hard cap of five, both taken at reservation
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Three at a time\", \"destination\": \"+12125550953\", \"concurrency_cap\": 3,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"ttl_seconds\": 60, \"add_to_caps_on_status_reserved\": true}");
        RtbSetup hard = setup();
        hard.buyer("{\"name\": \"Five ever\", \"destination\": \"+12125550954\", \"hard_cap\": 5,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String hardKey = hard.key("{\"ttl_seconds\": 60, \"add_to_caps_on_status_reserved\": true}");

        // when: two hundred pings of each at once, round-robin over the three nodes
        List<Response> concurrent = pingAtOnce(s, key, 200);
        List<Response> capped = pingAtOnce(hard, hardKey, 200);

        // then
        assertThat(reservedOf(concurrent)).isEqualTo(3);
        assertThat(reservedOf(capped)).isEqualTo(5);
    }

    @Test
    void concurrentCallsSpreadOverTheNodesShouldNeverOvershootADailyOrHourlyCap() throws Exception {
        // given: five calls a day for one buyer, three an hour for another (each buyer on its own campaign)
        RtbSetup daily = setup();
        daily.buyer("{\"name\": \"Five a day\", \"destination\": \"+12125550957\", \"daily_cap\": 5,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        RtbSetup hourly = setup();
        hourly.buyer("{\"name\": \"Three an hour\", \"destination\": \"+12125550958\", \"hourly_cap\": 3,"
                + " \"campaign_ids\": [CAMPAIGN]}");

        // when: two hundred calls to each arrive at once, round-robin over the nodes, and each dialled one is answered
        // through the next node
        long dailyConnected = connectedOf(daily, 200);
        long hourlyConnected = connectedOf(hourly, 200);

        // then
        assertThat(dailyConnected).isEqualTo(5);
        assertThat(hourlyConnected).isEqualTo(3);
    }

    @Test
    void callsFromReservedCallersSpreadOverTheNodesShouldClaimEachReservationOnce() throws Exception {
        // given: a buyer of ten calls a day, held at reservation, and two hundred pings at once over the nodes
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Ten a day\", \"destination\": \"+12125550959\", \"daily_cap\": 10,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"add_to_caps_on_status_reserved\": true, \"ttl_seconds\": 60}");
        List<String> callers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            callers.add(RtbSetup.caller());
        }
        List<Response> pings = RtbSetup.concurrently(
                callers.size(), i -> on(s, i % nodes.size()).ping(key, s.pingQuery(callers.get(i))));
        List<String> reserved = new ArrayList<>();
        for (int i = 0; i < pings.size(); i++) {
            if (pings.get(i).json().path("status").asText().equals("reserved")) {
                reserved.add(callers.get(i));
            }
        }

        // when: each reserved caller calls three times at once, once to each node
        List<String> arrivals = new ArrayList<>();
        reserved.forEach(c -> arrivals.addAll(List.of(c, c, c)));
        List<Response> calls = RtbSetup.concurrently(
                arrivals.size(), i -> on(s, i % nodes.size()).calls().arrive(arrivals.get(i), s.number()));

        // then: ten reservations, each claimed by exactly one of its caller's calls
        assertThat(reserved).hasSize(10);
        Map<String, Long> claimsPerCaller = new java.util.HashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode detail =
                    s.calls().detail(calls.get(i).json().path("call_uuid").asText());
            if (detail.path("tags").has("rtb_reservation_uuid")) {
                claimsPerCaller.merge(arrivals.get(i), 1L, Long::sum);
            }
        }
        assertThat(claimsPerCaller)
                .hasSize(10)
                .allSatisfy((caller, claims) -> assertThat(claims).as(caller).isEqualTo(1));
    }

    /** Plays {@code count} calls at once over the nodes; returns how many were dialled and answered. */
    private static long connectedOf(RtbSetup s, int count) throws Exception {
        List<Response> answers = RtbSetup.concurrently(count, i -> {
            Response arrived = on(s, i % nodes.size()).calls().arrive(RtbSetup.caller(), s.number());
            JsonNode instruction = arrived.json().path("instruction");
            if (!instruction.path("action").asText().equals("dial")) {
                return arrived;
            }
            return on(s, (i + 1) % nodes.size())
                    .calls()
                    .attempt(
                            arrived.json().path("call_uuid").asText(),
                            instruction.path("attempt").asInt(1),
                            "answered");
        });
        assertThat(answers)
                .allSatisfy(a -> assertThat(a.status()).as(a.toString()).isBetween(200, 201));
        return answers.stream()
                .filter(a ->
                        a.json().path("instruction").path("action").asText().equals("connect"))
                .count();
    }

    @Test
    void aKeyPausedThroughOneNodeShouldBeRefusedByAnotherWithinASecond() {
        // given: node 3 has the key in its cache
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550955\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");
        assertThat(on(s, 2).ping(key, s.pingQuery(RtbSetup.caller())).status()).isEqualTo(200);
        long keyId = s.firstKeyId();

        // when
        s.api().patch("/api/v2/postback_keys/" + keyId, "{\"paused\": true}");

        // then
        Await.until(
                "node 3 to refuse the paused key",
                Duration.ofSeconds(1),
                () -> on(s, 2).ping(key, s.pingQuery(RtbSetup.caller())).status() == 403);
    }

    @Test
    void aNodeThatDiesShouldGiveItsCallsConcurrencyBackWithinTheLease() {
        // given: two nodes of their own; one call at a time for the buyer, and that call live on node A
        List<TestServer> pair = TestServer.cluster(2, Map.of());
        try {
            // node A joined node B's store, so it can stop on its own (as a killed node does: it releases nothing)
            TestServer nodeA = pair.get(1);
            TestServer nodeB = pair.get(0);
            RtbSetup a = RtbSetup.create(nodeA.newAccount("Lease"), Engine.POSTGRESQL);
            String key = a.oneLineTakenByACall("+12125550956");
            RtbSetup b = a.at(nodeB.base());

            // when: node A dies with the call live (nobody ends it, nobody renews its lease)
            Response whileAlive = b.ping(key, b.pingQuery(RtbSetup.caller()));
            nodeA.close();
            // the default lease (SWITCHBOARD_LIVE_LEASE_SECONDS) is 60 s from node A's last renewal, on real time;
            // real time goes on between that renewal and these pings (the dial, the first ping, node A's shutdown:
            // seconds on a busy machine), so "within" is half the lease ahead and "after" a whole lease and a second
            nodeB.clock().advance(Duration.ofSeconds(30));
            Response withinLease = b.ping(key, b.pingQuery(RtbSetup.caller()));
            nodeB.clock().advance(Duration.ofSeconds(31));
            Response afterLease = b.ping(key, b.pingQuery(RtbSetup.caller()));

            // then
            assertThat(whileAlive.json().path("status").asText())
                    .as(whileAlive.toString())
                    .isEqualTo("target_simulcapped");
            assertThat(withinLease.json().path("status").asText())
                    .as(withinLease.toString())
                    .isEqualTo("target_simulcapped");
            assertThat(afterLease.json().path("status").asText())
                    .as(afterLease.toString())
                    .isEqualTo("reserved");
        } finally {
            pair.get(0).close();
        }
    }

    private static List<Response> pingAtOnce(RtbSetup s, String key, int count) throws Exception {
        List<Response> answers =
                RtbSetup.concurrently(count, i -> on(s, i % nodes.size()).ping(key, s.pingQuery(RtbSetup.caller())));
        assertThat(answers)
                .allSatisfy(a -> assertThat(a.status()).as(a.toString()).isEqualTo(200));
        return answers;
    }

    private static long reservedOf(List<Response> answers) {
        return answers.stream()
                .filter(a -> a.json().path("status").asText().equals("reserved"))
                .count();
    }
}
