package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/** The console on several nodes sharing one store and one Redis, as behind a load balancer. */
class ConsoleClusterIT {
    private static List<TestServer> nodes;

    @BeforeAll
    static void startNodes() {
        // a long cache age: only the change events between nodes can make a change count within a second
        nodes = TestServer.cluster(2, Map.of("SWITCHBOARD_CONFIG_CACHE_SECONDS", "3600"));
    }

    @AfterAll
    static void stopNodes() {
        if (nodes != null) {
            nodes.reversed().forEach(TestServer::close);
        }
    }

    @Test
    void failedSignInsShouldBeCountedAcrossNodesSoAGuesserCannotSpreadThemOut() {
        // given
        Api api = nodes.getFirst().newAccount("Console cluster");
        var person = new ConsoleScenario.Person("guessed@cluster.test", "correct horse battery", Role.MANAGER);
        nodes.getFirst()
                .wiring()
                .console()
                .addUser(new AccountId(api.accountId()), person.email(), "Guessed", Role.MANAGER, person.password());
        var wrong = new ConsoleScenario.Person(person.email(), "wrong password!", Role.MANAGER);
        // when: the email's failures reach the limit, alternating between the nodes
        for (int i = 0; i < SignInThrottle.PER_EMAIL; i++) {
            assertThat(new ConsoleClient(nodes.get(i % 2).base()).signIn(wrong).status())
                    .isEqualTo(401);
        }
        // then: either node makes even the right password wait
        for (TestServer node : nodes) {
            ConsoleClient.Page right = new ConsoleClient(node.base()).signIn(person);
            assertThat(right.status()).isEqualTo(429);
            assertThat(right.body()).contains("Too many failed sign-ins");
        }
    }

    @Test
    void aBuyerPausedThroughTheConsoleOnOneNodeShouldBeSkippedByPingsOnAnother() {
        // given: an RTB campaign with one buyer, and node 2 holding its configuration from a first ping
        Api api = nodes.getFirst().newAccount("Console cluster RTB");
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"RTB\"}").id();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"Lead gen\", \"cid\": \"PUB-CC\"}")
                .id();
        Response number = api.post(
                "/api/v2/numbers",
                "{\"number\": \"+18665539901\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + "}");
        assertThat(number.status()).as(number.toString()).isEqualTo(201);
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Pausable\", \"destination\": \"+12125550961\", \"campaign_ids\": [" + campaign
                                + "]}")
                .id();
        String key = api.post(
                        "/api/v2/campaigns/" + campaign + "/postback_keys",
                        "{\"type\": \"real_time_bidding\", \"name\": \"Pub RTB\", \"options\": {}}")
                .json()
                .path("key")
                .asText();
        TestServer second = nodes.get(1);
        assertThat(status(ping(second, key, "+13125550161"))).isEqualTo("reserved");
        ConsoleClient admin = new ConsoleClient(nodes.getFirst().base());
        var person = new ConsoleScenario.Person("pauser@cluster.test", "correct horse battery", Role.ADMIN);
        nodes.getFirst()
                .wiring()
                .console()
                .addUser(new AccountId(api.accountId()), person.email(), "Pauser", Role.ADMIN, person.password());
        assertThat(admin.signIn(person).status()).isEqualTo(303);

        // when: the buyer is paused from its console page on node 1
        Matcher loaded = LOADED.matcher(admin.get("/buyers/" + buyer).body());
        assertThat(loaded.find()).isTrue();
        ConsoleClient.Page paused = admin.submit(
                "/buyers/" + buyer,
                Map.of("paused", "true", "campaign_ids", Long.toString(campaign), "_loaded", loaded.group(1)));

        // then: node 2's pings skip it at once
        assertThat(paused.status()).as(paused.body()).isEqualTo(303);
        assertThat(api.get("/api/v2/buyers/" + buyer).json().path("paused").asBoolean())
                .isTrue();
        Await.until(
                "node 2 to skip the paused buyer",
                Duration.ofSeconds(1),
                () -> status(ping(second, key, "+13125550162")).equals("targets_paused"));
    }

    private static final Pattern LOADED = Pattern.compile("name=\"_loaded\" value=\"([^\"]*)\"");

    private static Response ping(TestServer node, String key, String caller) {
        return Api.send(HttpRequest.newBuilder(URI.create(node.base() + "/rtbs.json?key=" + key
                        + "&publisher_id=PUB-CC&caller_number=" + caller.replace("+", "%2B")))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private static String status(Response ping) {
        assertThat(ping.status()).as(ping.toString()).isEqualTo(200);
        return ping.json().path("status").asText();
    }
}
