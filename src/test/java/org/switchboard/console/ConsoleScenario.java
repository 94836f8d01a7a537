package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicInteger;
import org.switchboard.platform.id.AccountId;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/**
 * One account set up through the API as an owner would: a campaign converting calls of a minute for 12.50 (paying
 * 70%), a publisher, a tracking number, a buyer that answers, a start webhook to {@code webhookUrl}; and its people,
 * made with a password so tests can sign them in.
 */
record ConsoleScenario(TestServer server, Api api, Calls calls, long campaign, long buyer, String number) {
    private static final AtomicInteger NEXT = new AtomicInteger();

    /** A person of the account: sign in with these. */
    record Person(String email, String password, Role role) {}

    static ConsoleScenario create(TestServer server, Api api, String numberTag, String webhookUrl) {
        long campaign = created(api.post("/api/v2/campaigns", "{\"name\": \"Console Campaign\"}"));
        long publisher =
                created(api.post("/api/v2/publishers", "{\"name\": \"Console Publisher\", \"cid\": \"pub-console\"}"));
        String number = "+1866557"
                + String.format("%04d", NEXT.incrementAndGet() + server.engine().ordinal() * 5000);
        created(api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + ", \"tags\": {\"note\": " + org.switchboard.platform.http.Json.writeString(numberTag)
                        + "}}"));
        long buyer = created(api.post(
                "/api/v2/buyers",
                "{\"name\": \"Console Buyer\", \"destination\": \"+12125550199\", \"campaign_ids\": [" + campaign
                        + "]}"));
        created(api.post("/api/v2/campaigns/" + campaign + "/conversion_criteria", """
                {"name": "A minute", "trigger": {"type": "duration", "seconds": 60},
                 "revenue": {"type": "static", "amount": "12.50"}, "payout": {"type": "percent", "percent": 70}}"""));
        created(
                api.post(
                        "/api/v2/campaigns/" + campaign + "/webhooks",
                        "{\"name\": \"Start ping\", \"trigger\": \"start\", \"method\": \"POST\", \"url\": \""
                                + webhookUrl
                                + "?caller=[caller_number]\", \"body_format\": \"json\", \"body\": \"{\\\"call\\\": \\\"[call_uuid]\\\"}\"}"));
        return new ConsoleScenario(server, api, new Calls(api), campaign, buyer, number);
    }

    private static long created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.id();
    }

    /** Another tracking number of the campaign, tagged {@code note:<noteTag>}. */
    String addNumber(String noteTag) {
        String another = "+1866558"
                + String.format("%04d", NEXT.incrementAndGet() + server.engine().ordinal() * 5000);
        created(api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + another + "\", \"campaign_id\": " + campaign + ", \"tags\": {\"note\": "
                        + org.switchboard.platform.http.Json.writeString(noteTag) + "}}"));
        return another;
    }

    Person person(Role role) {
        return person(server, api, role);
    }

    /** A person of {@code api}'s account with {@code role}, made with a password so a test can sign them in. */
    static Person person(TestServer server, Api api, Role role) {
        String email = role.word() + NEXT.incrementAndGet() + "-"
                + server.engine().name().toLowerCase(java.util.Locale.ROOT) + "@console.test";
        String password = "correct horse " + NEXT.incrementAndGet();
        server.wiring()
                .console()
                .addUser(new AccountId(api.accountId()), email, "Person " + role.word(), role, password);
        return new Person(email, password, role);
    }

    /** A call from {@code caller} that the buyer answers and that talks {@code connected} seconds; its UUID. */
    String playCall(String caller, int connected) {
        return playCall(caller, connected, number);
    }

    /** The same, through {@code trackingNumber}. */
    String playCall(String caller, int connected, String trackingNumber) {
        Response arrived = calls.arrive(caller, trackingNumber);
        assertThat(arrived.status()).as(arrived.toString()).isEqualTo(201);
        String uuid = arrived.json().path("call_uuid").asText();
        calls.attempt(uuid, 1, "answered");
        calls.hangup(uuid, connected + 10, connected);
        return uuid;
    }

    /**
     * An RTB ping from {@code caller} through a new real-time-bidding key of the campaign (the account's RTB feature
     * turned on), written to the RTB log; its UUID.
     */
    String ping(String caller) {
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        Response key = api.post(
                "/api/v2/campaigns/" + campaign + "/postback_keys",
                "{\"type\": \"real_time_bidding\", \"name\": \"Console RTB\", \"options\": {}}");
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        Response pinged =
                Api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/rtbs.json?key="
                                + key.json().path("key").asText() + "&publisher_id=pub-console&caller_number="
                                + caller.replace("+", "%2B")))
                        .timeout(java.time.Duration.ofSeconds(20))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build());
        assertThat(pinged.json().path("status").asText()).as(pinged.toString()).isEqualTo("reserved");
        server.wiring().rtbLog().flush();
        return pinged.json().path("uuid").asText();
    }

    /** Waits (with a deadline) until the call has fired {@code count} webhook requests and its conversion is decided. */
    void awaitSettled(String uuid, int pixels) {
        Await.until(
                "call " + uuid + " decided with " + pixels + " webhook request(s) fired",
                java.time.Duration.ofSeconds(20),
                () -> calls.detail(uuid),
                detail -> {
                    JsonNode conversion = detail.path("call").path("conversion");
                    return !conversion.isNull()
                            && !conversion.isMissingNode()
                            && detail.path("fired_pixel_count").asInt() >= pixels;
                });
    }
}
