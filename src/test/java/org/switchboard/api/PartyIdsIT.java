package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * Publishers, buyers and campaigns named in filters by id or by cid: stored in the form calls carry, so either
 * matches; a name of nothing in the account is saved with a warning in the answer.
 */
class PartyIdsIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Receiver receiver = new Receiver().on("/", Receiver.respond(200, "text/plain", "ok"));

    @AfterEach
    void stop() {
        receiver.close();
    }

    private record Setup(Api api, long campaign, long publisher, long buyer, String number) {}

    private Setup setup() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Ids\", \"cid\": \"ids-campaign\"}")
                .id();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"P\", \"cid\": \"pub-100\"}")
                .id();
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"B\", \"cid\": \"acme\", \"destination\": \"+12125550721\", \"campaign_ids\": ["
                                + campaign + "]}")
                .id();
        String number = "+1866557" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
        Response created = api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Setup(api, campaign, publisher, buyer, number);
    }

    @Test
    void aCriterionNamingThePublisherByItsNumericIdShouldMatchItsCalls() {
        // given: the publisher's calls carry publisher_id:pub-100, the criterion names it as 7 would be written
        Setup s = setup();
        Response criterion = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/conversion_criteria",
                        "{\"name\": \"Sixty\", \"matches\": [\"publisher_id:" + s.publisher()
                                + "\", \"system_buyer_id:acme\"],"
                                + " \"trigger\": {\"type\": \"duration\", \"seconds\": 60},"
                                + " \"revenue\": {\"type\": \"static\", \"amount\": \"20.00\"},"
                                + " \"payout\": {\"type\": \"static\", \"amount\": \"12.00\"}}");

        // when
        Calls calls = new Calls(s.api());
        String uuid = calls.arrive("+13125550841", s.number())
                .json()
                .path("call_uuid")
                .asText();
        calls.attempt(uuid, 1, "answered");
        calls.hangup(uuid, 80, 70);

        // then: stored as the calls carry them, without warnings, and the call converts
        assertThat(criterion.status()).as(criterion.toString()).isEqualTo(201);
        assertThat(strings(criterion.json().path("matches")))
                .containsExactly("publisher_id:pub-100", "system_buyer_id:" + s.buyer());
        assertThat(criterion.json().has("warnings")).isFalse();
        JsonNode conversion = calls.detail(uuid).path("call").path("conversion");
        assertThat(conversion.path("state").asText()).as(conversion.toString()).isEqualTo("converted");
        assertThat(conversion.path("payout").decimalValue()).isEqualByComparingTo("12");
    }

    @Test
    void anRtbPingShouldBePaidByACriterionNamingThePublisherByItsNumericId() {
        // given: the criterion the owner wrote with publisher 7's number, not its cid
        Setup s = setup();
        s.api().patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        Response criterion = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/conversion_criteria",
                        "{\"name\": \"Transfers\", \"matches\": [\"publisher_id:" + s.publisher() + "\"],"
                                + " \"trigger\": {\"type\": \"duration\", \"seconds\": 90},"
                                + " \"revenue\": {\"type\": \"static\", \"amount\": 20},"
                                + " \"payout\": {\"type\": \"static\", \"amount\": 12.5}}");
        String key = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/postback_keys",
                        "{\"type\": \"real_time_bidding\", \"name\": \"RTB\"}")
                .json()
                .path("key")
                .asText();

        // when
        Response ping = Api.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.api().base() + "/rtbs.json?key=" + key
                                + "&publisher_id=pub-100&caller_number=%2B13125550851"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build());

        // then: not the silent payout of 0 a never-matching criterion gave
        assertThat(criterion.status()).as(criterion.toString()).isEqualTo(201);
        assertThat(ping.json().path("status").asText()).as(ping.toString()).isEqualTo("reserved");
        assertThat(ping.json().path("retreaver_payout").decimalValue()).isEqualByComparingTo("12.5");
    }

    @Test
    void everyFilterNamingNoPartyOfTheAccountShouldBeSavedWithAWarning() {
        // given
        Setup s = setup();
        Api other = newAccount();
        long othersPublisher =
                other.post("/api/v2/publishers", "{\"name\": \"Q\"}").id();
        long group = s.api().post("/api/v2/buyer_groups", "{\"name\": \"G\"}").id();

        // when
        Response criterion = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/conversion_criteria",
                        "{\"name\": \"Sale\", \"matches\": [\"publisher_id:" + othersPublisher + "\"],"
                                + " \"trigger\": {\"type\": \"postback\"}, \"revenue\": {\"type\": \"posted\"}}");
        Response webhook = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                        "{\"name\": \"W\", \"trigger\": \"answered\", \"url\": \"https://example.com/x\","
                                + " \"matches\": [\"handler_id:nobody\", \"publisher_id:" + s.publisher() + "\"]}");
        Response buyer = s.api().patch("/api/v2/buyers/" + s.buyer(), "{\"tag_filters\": [\"campaign_id:424242\"]}");
        Response groupPatch =
                s.api().patch("/api/v2/buyer_groups/" + group, "{\"tag_filters\": [\"!system_buyer_id:nobody\"]}");
        Response webhookPatch =
                s.api().patch("/api/v2/webhooks/" + webhook.id(), "{\"matches\": [\"campaign_id:ids-campaign\"]}");

        // then: saved (the party may come later), with a warning naming the term
        assertWarned(criterion, 201, "'publisher_id:" + othersPublisher + "' names no publisher of this account");
        assertWarned(webhook, 201, "'handler_id:nobody' names no buyer of this account");
        assertThat(strings(webhook.json().path("matches")))
                .containsExactly("handler_id:nobody", "publisher_id:pub-100");
        assertWarned(buyer, 200, "'campaign_id:424242' names no campaign of this account");
        assertWarned(groupPatch, 200, "'!system_buyer_id:nobody' names no buyer of this account");
        assertThat(webhookPatch.status()).isEqualTo(200);
        assertThat(webhookPatch.json().has("warnings")).isFalse();
        assertThat(strings(webhookPatch.json().path("matches"))).containsExactly("campaign_id:" + s.campaign());
        // an answer with warnings can be sent back as it is (warnings are read-only, like id)
        Response buyerSentBack = s.api().put("/api/v2/buyers/" + s.buyer(), buyer.body());
        Response webhookSentBack = s.api().put("/api/v2/webhooks/" + webhook.id(), webhook.body());
        Response groupSentBack = s.api().put("/api/v2/buyer_groups/" + group, groupPatch.body());
        assertWarned(buyerSentBack, 200, "'campaign_id:424242' names no campaign of this account");
        assertWarned(webhookSentBack, 200, "'handler_id:nobody' names no buyer of this account");
        assertWarned(groupSentBack, 200, "'!system_buyer_id:nobody' names no buyer of this account");
        assertThat(s.api().get("/api/v2/buyers/" + s.buyer()).json().has("warnings"))
                .as("warnings are in the answer that saves, not stored")
                .isFalse();
    }

    @Test
    void testFireShouldTakeTheBuyerAndThePublisherByIdOrCid() {
        // given
        Setup s = setup();
        long webhook = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                        "{\"name\": \"W\", \"trigger\": \"selected\", \"url\": \""
                                + receiver.url("/t?h=[handler_id]&b=[system_buyer_id]&p=[publisher_id]") + "\"}")
                .id();
        String fire = "/api/v2/webhooks/" + webhook + "/test_fire";

        // when
        Response byIds =
                s.api().post(fire, "{\"buyer_id\": " + s.buyer() + ", \"publisher_id\": " + s.publisher() + "}");
        Response byCids = s.api().post(fire, "{\"buyer_id\": \"acme\", \"publisher_id\": \"pub-100\"}");
        Response byTextIds = s.api()
                .post(fire, "{\"buyer_id\": \"" + s.buyer() + "\", \"publisher_id\": \"" + s.publisher() + "\"}");
        Response unknownPublisher = s.api().post(fire, "{\"publisher_id\": 999999}");
        Response unknownBuyer = s.api().post(fire, "{\"buyer_id\": \"nobody\"}");

        // then: each form tags the sample call as a real call from that publisher to that buyer
        String expected = "h=acme&b=" + s.buyer() + "&p=pub-100";
        for (Response fired : List.of(byIds, byCids, byTextIds)) {
            assertThat(fired.status()).as(fired.toString()).isEqualTo(200);
            assertThat(fired.json().path("url").asText()).endsWith(expected);
        }
        assertThat(unknownPublisher.status()).isEqualTo(400);
        assertThat(unknownPublisher.errorField()).isEqualTo("publisher_id");
        assertThat(unknownBuyer.status()).isEqualTo(400);
        assertThat(unknownBuyer.errorField()).isEqualTo("buyer_id");
    }

    private static void assertWarned(Response response, int status, String warning) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(strings(response.json().path("warnings")))
                .as(response.toString())
                .anySatisfy(w -> assertThat(w).startsWith(warning));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }
}
