package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * Reservations over time and under load: TTL expiry, routing only to the reserved buyer, confirmations against caps,
 * caps that never overshoot with concurrent pings and calls, passthrough bids choosing the buyer, a bidder that times
 * out, and publisher-level keys.
 */
class RtbReservationIT extends ServerIT {
    private final Receiver receiver = new Receiver()
            .on("/bid-low", Receiver.respond(200, "application/json", "{\"bid\": \"4.00\", \"timer\": 60}"))
            .on("/bid-high", Receiver.respond(200, "application/json", "{\"bid\": \"9.50\", \"timer\": 120}"))
            .on(
                    "/bid-number",
                    Receiver.respond(200, "application/json", "{\"bid\": \"5.00\", \"number\": \"+13125550977\"}"))
            .on("/hang", exchange -> {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

    @AfterEach
    void stop() {
        receiver.close();
        server.clock().reset();
    }

    private RtbSetup setup() {
        return RtbSetup.create(newAccount(), engine);
    }

    @Test
    void anUnclaimedReservationShouldExpireAfterItsTtlAndGiveItsCapsBack() throws Exception {
        // given: a buyer with room for one call a day, held at reservation
        RtbSetup s = setup();
        s.buyer("{\"name\": \"One a day\", \"destination\": \"+12125550901\", \"daily_cap\": 1,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"ttl_seconds\": 10, \"add_to_caps_on_status_reserved\": true}");
        String caller = RtbSetup.caller();
        String uuid = s.ping(key, s.pingQuery(caller)).json().path("uuid").asText();
        Response capped = s.ping(key, s.pingQuery(RtbSetup.caller()));

        // when: the TTL passes
        server.clock().advance(Duration.ofSeconds(11));
        Await.until(
                "the reservation to expire",
                () -> s.logged(uuid).path("final_status").asText().equals("expired"));

        // then: expired, its cap unit is back, and the caller's call no longer claims it
        assertThat(capped.json().path("status").asText()).isEqualTo("target_disqualified_by_cap");
        assertThat(s.logged(uuid).path("final_status").asText()).isEqualTo("expired");
        assertThat(s.ping(key, s.pingQuery(RtbSetup.caller()))
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("reserved");
        String call =
                s.calls().arrive(caller, s.number()).json().path("call_uuid").asText();
        assertThat(s.calls().detail(call).path("tags").has("rtb_reservation_uuid"))
                .isFalse();
    }

    @Test
    void aClaimedCallShouldGoOnlyToTheReservedBuyerWhenTheKeySaysSo() {
        // given
        RtbSetup s = setup();
        long reserved =
                s.buyer("{\"name\": \"Reserved\", \"destination\": \"+12125550911\", \"campaign_ids\": [CAMPAIGN]}");
        s.buyer(
                "{\"name\": \"Other\", \"destination\": \"+12125550912\", \"priority\": 2, \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"route_only_to_reserved_target\": true}");
        String caller = RtbSetup.caller();
        s.ping(key, s.pingQuery(caller));

        // when: the reserved buyer does not answer
        JsonNode arrived = s.calls().arrive(caller, s.number()).json();
        String uuid = arrived.path("call_uuid").asText();
        JsonNode next = s.calls().attempt(uuid, 1, "no_answer").json();

        // then: no other buyer is tried
        assertThat(arrived.path("instruction").path("buyer_id").asLong()).isEqualTo(reserved);
        assertThat(next.path("instruction").path("action").asText()).isEqualTo("hangup");
        assertThat(s.calls().detail(uuid).path("attempts").size()).isEqualTo(1);
    }

    @Test
    void confirmationShouldRecheckCapsAndAnswerConfirmedOrNoTarget() {
        // given: room for one call a day, not held at reservation
        RtbSetup s = setup();
        s.buyer("{\"name\": \"One a day\", \"destination\": \"+12125550921\", \"daily_cap\": 1,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");
        String first =
                s.ping(key, s.pingQuery(RtbSetup.caller())).json().path("uuid").asText();
        String secondCaller = RtbSetup.caller();
        String second =
                s.ping(key, s.pingQuery(secondCaller)).json().path("uuid").asText();

        // when: the first is confirmed by its path, the second by a second request with status=confirmed
        Response confirmed = send("PUT", s, "/rtbs/" + first + ".json?key=" + key, "{\"status\": \"confirmed\"}");
        Response again = send("PATCH", s, "/rtbs/" + first + ".json?key=" + key, "{\"status\": \"confirmed\"}");
        Response full = s.ping(key, s.pingQuery(secondCaller) + "&status=confirmed");
        Response wrongKey =
                send("PUT", s, "/rtbs/" + first + ".json?key=" + s.key("{}"), "{\"status\": \"confirmed\"}");
        Response badStatus = send("PUT", s, "/rtbs/" + first + ".json?key=" + key, "{\"status\": \"sure\"}");

        // then
        assertThat(confirmed.json().path("status").asText()).isEqualTo("confirmed");
        assertThat(confirmed.json().path("uuid").asText()).isEqualTo(first);
        assertThat(confirmed.json().path("inbound_number").asText()).isEqualTo(s.number());
        assertThat(again.json().path("status").asText()).isEqualTo("confirmed");
        assertThat(full.json().path("status").asText()).isEqualTo("no-target");
        assertThat(full.json().path("uuid").asText()).isEqualTo(second);
        assertThat(wrongKey.status()).isEqualTo(404);
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(s.logged(first).path("confirmation").asText()).isEqualTo("confirmed");
        assertThat(s.logged(second).path("confirmation").asText()).isEqualTo("no-target");
    }

    @Test
    void concurrentPingsAndCallsShouldNeverOvershootCapsNorDoubleClaim() throws Exception {
        // given: five calls a day, held at reservation
        RtbSetup s = setup();
        long buyer = s.buyer("{\"name\": \"Five a day\", \"destination\": \"+12125550931\", \"daily_cap\": 5,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"add_to_caps_on_status_reserved\": true, \"ttl_seconds\": 60}");

        // when: 40 pings from different callers at once on real threads
        List<String> callers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            callers.add(RtbSetup.caller());
        }
        List<Response> pings = RtbSetup.concurrently(callers.size(), i -> s.ping(key, s.pingQuery(callers.get(i))));
        List<String> reservedCallers = new ArrayList<>();
        for (int i = 0; i < pings.size(); i++) {
            if (pings.get(i).json().path("status").asText().equals("reserved")) {
                reservedCallers.add(callers.get(i));
            }
        }
        // and each reserved caller calls three times at once, while unreserved callers call too
        List<String> arrivals = new ArrayList<>();
        reservedCallers.forEach(c -> arrivals.addAll(List.of(c, c, c)));
        arrivals.addAll(callers.subList(0, 10));
        List<Response> calls =
                RtbSetup.concurrently(arrivals.size(), i -> s.calls().arrive(arrivals.get(i), s.number()));
        for (Response call : calls) {
            if (call.json().path("instruction").path("action").asText().equals("dial")) {
                s.calls().attempt(call.json().path("call_uuid").asText(), 1, "answered");
            }
        }

        // then: exactly five reservations, each claimed by exactly one call, and exactly five calls on the buyer
        assertThat(reservedCallers).hasSize(5);
        long claimed = calls.stream()
                .map(c -> s.calls().detail(c.json().path("call_uuid").asText()))
                .filter(d -> d.path("tags").has("rtb_reservation_uuid"))
                .count();
        assertThat(claimed).isEqualTo(5);
        JsonNode answered = s.api()
                .get("/api/v2/calls?buyer_id=" + buyer + "&status=connected&per_page=200")
                .json();
        assertThat(answered.size()).isEqualTo(5);
    }

    @Test
    void passthroughBidsShouldChooseTheBuyerAndSetThePayout() {
        // given: two buyers of the same priority, each bidding through its own passthrough ping; the campaign pays
        // the publisher 70% of the chosen buyer's bid for calls reaching the buyer's timer
        RtbSetup s = setup();
        long low = s.buyer("{\"name\": \"Low\", \"destination\": \"+12125550941\", \"campaign_ids\": [CAMPAIGN]}");
        long high = s.buyer("{\"name\": \"High\", \"destination\": \"+12125550942\", \"campaign_ids\": [CAMPAIGN]}");
        for (long[] b : new long[][] {{low, 0}, {high, 1}}) {
            s.bidsThrough(b[0], receiver.url(b[1] == 0 ? "/bid-low" : "/bid-high") + "?caller=[caller_number]");
            s.criterion("{\"name\": \"Bid " + b[0] + "\", \"matches\": [\"system_buyer_id:" + b[0] + "\"],"
                    + " \"trigger\": {\"type\": \"duration\", \"seconds_tag\": \"retreaver_rtb_" + b[0] + "_timer\"},"
                    + " \"revenue\": {\"type\": \"tag\", \"tag\": \"retreaver_rtb_" + b[0] + "_bid\"},"
                    + " \"payout\": {\"type\": \"percent\", \"percent\": 70}}");
        }
        String key = s.key("{}");

        // when
        Response ping = s.ping(key, s.pingQuery(RtbSetup.caller()));

        // then: the higher bid wins, and the publisher is paid 70% of it with the bidder's timer
        assertThat(ping.json().path("status").asText()).isEqualTo("reserved");
        assertThat(ping.json().path("retreaver_payout").decimalValue()).isEqualByComparingTo("6.65");
        assertThat(ping.json().path("retreaver_seconds").asInt()).isEqualTo(120);
        JsonNode logged = s.logged(ping.json().path("uuid").asText());
        assertThat(logged.path("buyer_id").asLong()).isEqualTo(high);
        assertThat(logged.path("passthrough").size()).isEqualTo(2);
        assertThat(logged.path("tags")
                        .path("retreaver_rtb_" + high + "_bid")
                        .get(0)
                        .asText())
                .isEqualTo("9.50");
    }

    @Test
    void aDisabledPassthroughWebhookShouldNotBeFiredByAPing() {
        // given: two bidding buyers, the higher bidder's webhook disabled by its owner
        RtbSetup s = setup();
        long low = s.buyer("{\"name\": \"Low\", \"destination\": \"+12125550943\", \"campaign_ids\": [CAMPAIGN]}");
        long high = s.buyer("{\"name\": \"High\", \"destination\": \"+12125550944\", \"campaign_ids\": [CAMPAIGN]}");
        s.bidsThrough(low, receiver.url("/bid-low"));
        s.bidsThrough(high, receiver.url("/bid-high"));
        long highWebhook = s.api()
                .get("/api/v2/buyers/" + high + "/webhooks")
                .json()
                .get(0)
                .path("id")
                .asLong();
        Response disabled = s.api().patch("/api/v2/webhooks/" + highWebhook, "{\"enabled\": false}");
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);

        // when
        Response ping = s.ping(s.key("{}"), s.pingQuery(RtbSetup.caller()));

        // then: only the enabled webhook was asked
        assertThat(ping.json().path("status").asText()).isEqualTo("reserved");
        JsonNode logged = s.logged(ping.json().path("uuid").asText());
        assertThat(logged.path("passthrough").size()).isEqualTo(1);
        assertThat(logged.path("passthrough").get(0).path("webhook_id").asLong())
                .isNotEqualTo(highWebhook);
        assertThat(receiver.received()).extracting(Receiver.Received::uri).containsExactly("/bid-low");
    }

    @Test
    void aBidsTransferNumberShouldBeDialledAndStayTheDialOnARepeatedCarrierRequest() {
        // given: a dynamic buyer whose bid names the number to transfer this caller to
        RtbSetup s = setup();
        long bidder =
                s.buyer("{\"name\": \"Dynamic\", \"destination\": \"+12125550951\", \"campaign_ids\": [CAMPAIGN]}");
        s.bidsThrough(bidder, receiver.url("/bid-number"));
        String caller = RtbSetup.caller();
        assertThat(s.ping(s.key("{}"), s.pingQuery(caller))
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("reserved");

        // when: the caller's call claims the reservation, and the carrier asks again what the call does
        JsonNode arrived = s.calls().arrive(caller, s.number()).json();
        String uuid = arrived.path("call_uuid").asText();
        JsonNode again = s.api().get("/api/v2/call_control/calls/" + uuid).json();

        // then: both dial the bid's number, not the buyer's own destination
        assertThat(arrived.path("instruction").path("destination").asText()).isEqualTo("+13125550977");
        assertThat(again.path("instruction").path("action").asText()).isEqualTo("dial");
        assertThat(again.path("instruction").path("destination").asText()).isEqualTo("+13125550977");
    }

    @Test
    void aBidderThatTimesOutShouldBeLeftOutWithinTheKeysTimeout() {
        // given: the better buyer's bid never comes; the key waits one second
        RtbSetup s = setup();
        long slow = s.buyer("{\"name\": \"Slow\", \"destination\": \"+12125550951\", \"campaign_ids\": [CAMPAIGN]}");
        long steady = s.buyer("{\"name\": \"Steady\", \"destination\": \"+12125550952\", \"priority\": 2,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        s.bidsThrough(slow, receiver.url("/hang"));
        String key = s.key("{\"timeout_seconds\": 1}");

        // when
        long started = System.nanoTime();
        Response ping = s.ping(key, s.pingQuery(RtbSetup.caller()));
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        // then
        assertThat(ping.json().path("status").asText()).isEqualTo("reserved");
        assertThat(elapsedMillis).isLessThan(5_000);
        JsonNode logged = s.logged(ping.json().path("uuid").asText());
        assertThat(logged.path("buyer_id").asLong()).isEqualTo(steady);
        JsonNode slowVerdict = null;
        for (JsonNode c : logged.path("considered")) {
            if (c.path("buyer_id").asLong() == slow) {
                slowVerdict = c;
            }
        }
        assertThat(slowVerdict).isNotNull();
        assertThat(slowVerdict.path("status").asText()).isEqualTo("rejected");
        assertThat(slowVerdict.path("reason").asText()).startsWith("its passthrough ping Bid failed (timeout");
    }

    @Test
    void aPublisherKeyShouldPingItsCampaignAndADuplicateCallerBeDeprioritized() {
        // given: a publisher-level key; the caller already talked to the first buyer
        RtbSetup s = setup();
        long first = s.buyer("{\"name\": \"First\", \"destination\": \"+12125550961\", \"campaign_ids\": [CAMPAIGN]}");
        long second = s.buyer("{\"name\": \"Second\", \"destination\": \"+12125550962\", \"priority\": 2,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String caller = RtbSetup.caller();
        String earlier =
                s.calls().arrive(caller, s.number()).json().path("call_uuid").asText();
        s.calls().attempt(earlier, 1, "answered");
        s.calls().hangup(earlier, 30, 20);
        String key = s.api()
                .post(
                        "/api/v2/publishers/" + s.publisher() + "/postback_keys",
                        "{\"type\": \"real_time_bidding\", \"name\": \"Own RTB\"}")
                .json()
                .path("key")
                .asText();

        // when: JSON body, no publisher_id needed
        Response ping = s.pingJson(key, "{\"caller_number\": \"" + caller + "\", \"zip\": 10001}");

        // then: the fresh buyer is chosen before the duplicate
        assertThat(ping.json().path("status").asText()).isEqualTo("reserved");
        JsonNode logged = s.logged(ping.json().path("uuid").asText());
        assertThat(logged.path("buyer_id").asLong()).isEqualTo(second);
        assertThat(logged.path("publisher_id").asLong()).isEqualTo(s.publisher());
        assertThat(logged.path("tags").path("zip").get(0).asText()).isEqualTo("10001");
        JsonNode duplicate = null;
        for (JsonNode c : logged.path("considered")) {
            if (c.path("buyer_id").asLong() == first) {
                duplicate = c;
            }
        }
        assertThat(duplicate).isNotNull();
        assertThat(duplicate.path("status").asText()).isEqualTo("targets_duplicate_deprioritized");
    }

    private static Response send(String method, RtbSetup s, String path, String json) {
        return Api.send(HttpRequest.newBuilder(URI.create(s.api().base() + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build());
    }
}
