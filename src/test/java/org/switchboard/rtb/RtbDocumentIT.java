package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.testing.Await;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * The RTB behaviour exactly as the reference documents (002, 003) write it: caps taken at reservation for every cap
 * kind and given back at the TTL, {@code inbound_number} without the number's tags, the six fields of a reserved
 * answer, the publisher every ping must name, and the owner's lookup of a ping the moment it was answered.
 */
class RtbDocumentIT extends ServerIT {

    @AfterEach
    void resetClock() {
        server.clock().reset();
    }

    private RtbSetup setup() {
        return RtbSetup.create(newAccount(), engine);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "concurrency_cap, target_simulcapped",
        "hard_cap, target_disqualified_by_cap",
        "hourly_cap, target_disqualified_by_cap",
        "daily_cap, target_disqualified_by_cap",
        "monthly_cap, target_disqualified_by_cap"
    })
    void everyCapKindShouldBeTakenAtReservationAndGivenBackAtTheTtl(String cap, String cappedWord) {
        // given: a buyer with room for one call, taken at reservation
        RtbSetup s = setup();
        s.buyer("{\"name\": \"One\", \"destination\": \"+12125550941\", \"" + cap + "\": 1,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"ttl_seconds\": 10, \"add_to_caps_on_status_reserved\": true}");

        // when: one ping reserves, a second finds the cap full, and the TTL passes
        Response first = s.ping(key, s.pingQuery(RtbSetup.caller()));
        Response second = s.ping(key, s.pingQuery(RtbSetup.caller()));
        String uuid = first.json().path("uuid").asText();
        server.clock().advance(Duration.ofSeconds(11));
        Await.until(
                "the reservation to expire",
                () -> s.logged(uuid).path("final_status").asText().equals("expired"));
        Response afterTtl = s.ping(key, s.pingQuery(RtbSetup.caller()));

        // then
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().path("status").asText()).isEqualTo("reserved");
        assertThat(second.json().path("status").asText()).as(second.toString()).isEqualTo(cappedWord);
        assertThat(afterTtl.json().path("status").asText())
                .as(afterTtl.toString())
                .isEqualTo("reserved");
    }

    @Test
    void concurrentPingsShouldReserveExactlyTheConcurrencyCap() throws Exception {
        // given: three calls at a time, taken at reservation
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Three\", \"destination\": \"+12125550942\", \"concurrency_cap\": 3,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"ttl_seconds\": 10, \"add_to_caps_on_status_reserved\": true}");

        // when: fifty pings at once
        List<Response> answers = RtbSetup.concurrently(50, i -> s.ping(key, s.pingQuery(RtbSetup.caller())));

        // then: three reserved, the rest told the concurrency cap is full, nothing failed
        assertThat(answers)
                .allSatisfy(a -> assertThat(a.status()).as(a.toString()).isEqualTo(200));
        assertThat(answers.stream().map(a -> a.json().path("status").asText()))
                .containsOnly("reserved", "target_simulcapped")
                .filteredOn("reserved"::equals)
                .hasSize(3);
    }

    @Test
    void aNamedInboundNumberShouldTagNeitherThePingNorItsCallWithTheNumbersTags() {
        // given: a second tracking number with a tag of its own, not the publisher's
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550943\", \"campaign_ids\": [CAMPAIGN]}");
        String routing = RtbSetup.trackingNumber(engine);
        Response number = s.api()
                .post(
                        "/api/v2/numbers",
                        "{\"number\": \"" + routing + "\", \"campaign_id\": " + s.campaign()
                                + ", \"tags\": {\"lane\": \"override\"}}");
        assertThat(number.status()).as(number.toString()).isEqualTo(201);
        String key = s.key("{\"ttl_seconds\": 30}");
        String caller = RtbSetup.caller();

        // when: the ping names that number, and the caller is sent to it
        Response ping = s.ping(key, s.pingQuery(caller) + "&inbound_number=" + routing.replace("+", "%2B"));
        String uuid = ping.json().path("uuid").asText();
        String call = s.calls().arrive(caller, routing).json().path("call_uuid").asText();

        // then: neither carries the number's tag; the call is the pinging publisher's and claims the reservation
        assertThat(ping.json().path("status").asText()).as(ping.toString()).isEqualTo("reserved");
        assertThat(ping.json().path("inbound_number").asText()).isEqualTo(routing);
        assertThat(s.logged(uuid).path("tags").has("lane")).isFalse();
        JsonNode tags = s.calls().detail(call).path("tags");
        assertThat(tags.has("lane")).as(tags.toString()).isFalse();
        assertThat(tags.path("rtb_reservation_uuid").toString()).contains(uuid);
        assertThat(tags.path("publisher_id").toString()).contains(s.publisherCid());
    }

    @Test
    void aNumberChosenForThePingShouldStillTagItAsItsCallWillBe() {
        // given: the publisher's own tracking number carries a tag
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550944\", \"campaign_ids\": [CAMPAIGN]}");
        JsonNode numbers = s.api().get("/api/v2/numbers").json();
        long numberId = numbers.get(0).path("id").asLong();
        s.api().patch("/api/v2/numbers/" + numberId, "{\"tags\": {\"lane\": \"own\"}}");
        String key = s.key("{}");

        // when: the ping names no inbound number
        Response ping = s.ping(key, s.pingQuery(RtbSetup.caller()));

        // then: the number Switchboard chose tags the ping, as it will tag the call
        assertThat(s.logged(ping.json().path("uuid").asText())
                        .path("tags")
                        .path("lane")
                        .toString())
                .contains("own");
    }

    @Test
    void aReservedAnswerShouldAlwaysCarryTheSixDocumentedFields() {
        // given: a criterion that pays on a postback, so it names no duration
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550945\", \"campaign_ids\": [CAMPAIGN]}");
        s.criterion(
                "{\"name\": \"Sale\", \"matches\": [\"publisher_id:" + s.publisherCid() + "\"],"
                        + " \"trigger\": {\"type\": \"postback\"},"
                        + " \"revenue\": {\"type\": \"static\", \"amount\": 20}, \"payout\": {\"type\": \"static\", \"amount\": 7}}");
        String key = s.key("{}");

        // when
        Response ping = s.ping(key, s.pingQuery(RtbSetup.caller()));

        // then
        JsonNode answer = ping.json();
        assertThat(answer.path("status").asText()).as(ping.toString()).isEqualTo("reserved");
        assertThat(answer.fieldNames())
                .toIterable()
                .contains("uuid", "status", "retreaver_payout", "retreaver_seconds", "inbound_number", "expires_at");
        assertThat(answer.path("retreaver_seconds").isInt()).isTrue();
        assertThat(answer.path("retreaver_seconds").asInt()).isZero();
        assertThat(answer.path("retreaver_payout").decimalValue()).isEqualByComparingTo("7");
    }

    @Test
    void aPingOnAnUnboundKeyShouldNameItsPublisher() {
        // given: a campaign key bound to no publisher, one bound to the publisher, and a publisher's own key
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550946\", \"campaign_ids\": [CAMPAIGN]}");
        String unbound = s.key("{}");
        Response boundKey = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/postback_keys",
                        "{\"type\": \"real_time_bidding\", \"name\": \"Bound\", \"options\": {\"publisher_id\": "
                                + s.publisher() + "}}");
        Response publisherKey = s.api()
                .post(
                        "/api/v2/publishers/" + s.publisher() + "/postback_keys",
                        "{\"type\": \"real_time_bidding\", \"name\": \"Own\"}");
        String caller = "&caller_number=" + RtbSetup.caller().replace("+", "%2B");

        // when
        Response anonymous = s.ping(unbound, caller.substring(1));
        Response bySourceId = s.ping(unbound, "source_id=" + s.publisherCid() + caller);
        Response bound = s.ping(boundKey.json().path("key").asText(), "caller_number=%2B13125550999");
        Response own = s.ping(publisherKey.json().path("key").asText(), "caller_number=%2B13125550998");

        // then: refused with the parameter named, not reserved at $0 for nobody
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(400);
        assertThat(anonymous.json().path("status").asText()).isEqualTo("rejected");
        assertThat(anonymous.json().path("error").path("field").asText()).isEqualTo("publisher_id");
        assertThat(bySourceId.json().path("status").asText()).isEqualTo("reserved");
        assertThat(bound.json().path("status").asText()).as(bound.toString()).isEqualTo("reserved");
        assertThat(own.json().path("status").asText()).as(own.toString()).isEqualTo("reserved");
        // and the keys' URLs carry publisher_id as the reference's do: a placeholder, or baked in when bound
        String unboundUrl = s.api()
                .get("/api/v2/campaigns/" + s.campaign() + "/postback_keys")
                .json()
                .get(0)
                .path("url")
                .asText();
        assertThat(unboundUrl).contains("&publisher_id=[publisher_id]&caller_number=[caller_number]");
        assertThat(boundKey.json().path("url").asText()).contains("&publisher_id=" + s.publisher() + "&");
        assertThat(publisherKey.json().path("url").asText()).contains("&publisher_id=" + s.publisher() + "&");
    }

    @Test
    void theOwnerShouldFindAPingTheMomentItWasAnswered() {
        // given
        RtbSetup s = setup();
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550947\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");

        for (int i = 0; i < 10; i++) {
            // when: the owner looks the ping up right after its answer
            Response ping = s.ping(key, s.pingQuery(RtbSetup.caller()));
            String uuid = ping.json().path("uuid").asText();
            Response page = s.api().get("/call_reservations/" + uuid);
            Response listed = s.api().get("/api/v2/rtb_pings?per_page=1");

            // then: found at once, by UUID and at the top of the list
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(page.json().path("status").asText()).isEqualTo("reserved");
            assertThat(listed.json().get(0).path("uuid").asText()).isEqualTo(uuid);
        }
    }
}
