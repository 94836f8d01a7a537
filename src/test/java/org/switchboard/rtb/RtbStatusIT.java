package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.testing.Await;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Every word of the reference's RTB status table where it applies, and the refusals of bad pings. */
class RtbStatusIT extends ServerIT {
    /** Lets one held passthrough request at {@code /held} be answered per permit. */
    private final Semaphore answerHeld = new Semaphore(0);

    private final Receiver receiver = new Receiver()
            .on("/held", exchange -> {
                try {
                    // held until the test has looked at the ping in flight; never past the ping's 5 s deadline
                    answerHeld.tryAcquire(4, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Receiver.respond(200, "application/json", "{\"bid\": 5}").answer(exchange);
            })
            .on("/bad-number", Receiver.respond(200, "application/json", "{\"bid\": 9, \"number\": \"12\"}"));

    @AfterEach
    void stop() {
        receiver.close();
        server.clock().reset();
    }

    private RtbSetup setup() {
        return RtbSetup.create(newAccount(), engine);
    }

    private static String status(Response ping) {
        assertThat(ping.status()).as(ping.toString()).isEqualTo(200);
        return ping.json().path("status").asText();
    }

    private static String call(RtbSetup s) {
        return "publisher_id=" + s.publisherCid() + "&caller_number="
                + RtbSetup.caller().replace("+", "%2B");
    }

    @Test
    void buyersLeftOutForOneKindOfReasonShouldGiveThatWord() {
        // given: one campaign per situation
        RtbSetup paused = setup();
        paused.buyer(
                "{\"name\": \"P\", \"destination\": \"+12125550821\", \"paused\": true, \"campaign_ids\": [CAMPAIGN]}");
        RtbSetup closed = setup();
        closed.buyer(
                "{\"name\": \"C\", \"destination\": \"+12125550822\", \"hours\": {}, \"campaign_ids\": [CAMPAIGN]}");
        RtbSetup filtered = setup();
        filtered.buyer("{\"name\": \"F\", \"destination\": \"+12125550823\", \"tag_filters\": [\"state:ca\"],"
                + " \"campaign_ids\": [CAMPAIGN]}");
        RtbSetup capped = setup();
        capped.buyer(
                "{\"name\": \"D\", \"destination\": \"+12125550824\", \"daily_cap\": 0, \"campaign_ids\": [CAMPAIGN]}");
        RtbSetup simulcapped = setup();
        simulcapped.buyer("{\"name\": \"S\", \"destination\": \"+12125550825\", \"concurrency_cap\": 0,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        RtbSetup mixed = setup();
        mixed.buyer(
                "{\"name\": \"M1\", \"destination\": \"+12125550826\", \"paused\": true, \"campaign_ids\": [CAMPAIGN]}");
        mixed.buyer(
                "{\"name\": \"M2\", \"destination\": \"+12125550827\", \"daily_cap\": 0, \"campaign_ids\": [CAMPAIGN]}");
        RtbSetup empty = setup();

        // when / then
        assertThat(status(paused.ping(paused.key("{}"), call(paused)))).isEqualTo("targets_paused");
        assertThat(status(closed.ping(closed.key("{}"), call(closed)))).isEqualTo("targets_closed");
        assertThat(status(filtered.ping(filtered.key("{}"), call(filtered)))).isEqualTo("target_disqualified");
        assertThat(status(capped.ping(capped.key("{}"), call(capped)))).isEqualTo("target_disqualified_by_cap");
        assertThat(status(simulcapped.ping(simulcapped.key("{}"), call(simulcapped))))
                .isEqualTo("target_simulcapped");
        assertThat(status(mixed.ping(mixed.key("{}"), call(mixed)))).isEqualTo("no-target");
        assertThat(status(empty.ping(empty.key("{}"), call(empty)))).isEqualTo("no-target");
    }

    @Test
    void unknownPayoutShouldBeRejectedWithTheDocumentedInfo() {
        // given: the only criterion pays a share of a value the buyer posts back later
        RtbSetup s = setup();
        long buyer = s.buyer("{\"name\": \"B\", \"destination\": \"+12125550831\", \"campaign_ids\": [CAMPAIGN]}");
        s.criterion("{\"name\": \"Sale\", \"matches\": [\"system_buyer_id:" + buyer + "\"], \"trigger\": {\"type\":"
                + " \"postback\"}, \"revenue\": {\"type\": \"posted\"}, \"payout\": {\"type\": \"modifier\","
                + " \"modifier\": \"*0.5\"}}");

        // when
        Response ping = s.ping(s.key("{}"), call(s));

        // then: the document's example, field for field
        assertThat(ping.status()).isEqualTo(200);
        List<String> fields = new ArrayList<>();
        ping.json().fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("uuid", "status", "info");
        assertThat(ping.json().path("status").asText()).isEqualTo("rejected");
        assertThat(ping.json().path("info").asText()).isEqualTo("Unable to determine payout until the call converts");
    }

    @Test
    void aBidNumberThatCannotBeDialledShouldBeUndialable() {
        // given: the only buyer bids through its own passthrough ping with a malformed transfer number
        RtbSetup s = setup();
        long buyer =
                s.buyer("{\"name\": \"Dynamic\", \"destination\": \"+12125550841\", \"campaign_ids\": [CAMPAIGN]}");
        s.bidsThrough(buyer, receiver.url("/bad-number"));

        // when / then
        assertThat(status(s.ping(s.key("{}"), call(s)))).isEqualTo("undialable_expression");
    }

    @Test
    void aPingBeingProcessedShouldBeConsideringAndItsRepeatAlreadyProcessing() throws Exception {
        // given: a passthrough ping whose receiver holds each request until the test lets it answer
        RtbSetup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550851\", \"campaign_ids\": [CAMPAIGN]}");
        s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                        "{\"name\": \"Held\", \"trigger\": \"passthrough\", \"url\": \"" + receiver.url("/held")
                                + "\"}");
        String key = s.key("{}");
        String query = call(s);
        AccountId account = new AccountId(s.api().accountId());

        // when: a ping is held in its passthrough, and a second for the same caller arrives meanwhile
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> s.ping(key, query));
        awaitHeldRequests(1);
        Response second = s.ping(key, query);
        answerHeld.release();
        Response done = first.get(10, TimeUnit.SECONDS);

        // then
        assertThat(status(second)).isEqualTo("ping_shield_postback_key_caller_number_already_processing");
        assertThat(status(done)).isEqualTo("reserved");

        // when: another ping is held in its passthrough, and the owner looks it up
        CompletableFuture<Response> third = CompletableFuture.supplyAsync(() -> s.ping(key, call(s)));
        awaitHeldRequests(2);
        List<String> inFlight = server.wiring().rtb().inFlight(account);
        assertThat(inFlight).hasSize(1);
        Response lookedUp = s.api().get("/call_reservations/" + inFlight.getFirst());
        answerHeld.release();

        // then: the owner sees it as being considered while it is in flight, and it is then answered
        assertThat(lookedUp.json().path("status").asText())
                .as(lookedUp.toString())
                .isEqualTo("considering_targets.single");
        assertThat(status(third.get(10, TimeUnit.SECONDS))).isEqualTo("reserved");
    }

    /** Waits until {@code count} passthrough requests reached the receiver (each ping in flight until let go). */
    private void awaitHeldRequests(int count) {
        Await.until(
                count + " held passthrough request(s)",
                () -> receiver.received().stream()
                        .filter(r -> r.uri().startsWith("/held"))
                        .count(),
                n -> n >= count);
    }

    @Test
    void aRepeatPingShouldGetItsReservationBackShielded() {
        // given
        RtbSetup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550861\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");
        String query = call(s);
        Response first = s.ping(key, query);

        // when
        Response repeat = s.ping(key, query);

        // then
        assertThat(status(first)).isEqualTo("reserved");
        assertThat(status(repeat)).isEqualTo("ping_shield_postback_key_caller_number_already_reserved");
        assertThat(repeat.json().path("uuid").asText())
                .isEqualTo(first.json().path("uuid").asText());
        assertThat(repeat.json().path("inbound_number").asText()).isEqualTo(s.number());
        assertThat(repeat.json().path("expires_at").asText())
                .isEqualTo(first.json().path("expires_at").asText());
        assertThat(repeat.json().path("shielded").asBoolean()).isTrue();
    }

    @Test
    void theKeysOutboundLimitShouldThrottle() {
        // given: at most 2 pings a minute
        RtbSetup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550871\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"ping_shield_outbound_count_limit\": 2, \"ping_shield_outbound_ms_limit\": 60000}");

        // when
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(status(s.ping(key, call(s))));
        }

        // then
        assertThat(statuses.subList(0, 2)).containsOnly("reserved");
        assertThat(statuses.get(2)).isIn("ping_shield_postback_key_outbound_limited", "reserved");
        if (statuses.get(2).equals("reserved")) {
            // the two first pings straddled a window boundary: the next one cannot
            assertThat(status(s.ping(key, call(s)))).isEqualTo("ping_shield_postback_key_outbound_limited");
        }
    }

    @Test
    void aKeyWhosePingsAreNotClaimedShouldBeClaimLimited() {
        // given: the key wants at least half of its reservations claimed, and none are
        RtbSetup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550881\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{\"claim_percent_threshold\": 50, \"blocked_inbound_percent\": 100}");

        // when: a hundred pings, then one more
        for (int i = 0; i < 100; i++) {
            status(s.ping(key, call(s)));
        }
        Response next = s.ping(key, call(s));

        // then
        assertThat(status(next)).isEqualTo("ping_shield_postback_key_claim_based_limited");
    }

    @Test
    void badPingsShouldBeRefusedWithAReason() {
        // given
        RtbSetup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550891\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");
        long keyId = s.firstKeyId();

        // when
        Response noCaller = s.ping(key, "publisher_id=" + s.publisherCid());
        Response badCaller = s.ping(key, "publisher_id=" + s.publisherCid() + "&caller_number=nonsense");
        Response badPublisher = s.ping(key, "publisher_id=nobody&caller_number=3125550000");
        Response badInbound = s.ping(
                key, "publisher_id=" + s.publisherCid() + "&caller_number=3125550000&inbound_number=%2B12125550000");
        Response badJson =
                s.pingJson(key, "{\"publisher_id\": \"" + s.publisherCid() + "\", \"caller_number\": {\"nested\": 1}}");
        Response unknownKey = s.ping("not-a-key", "caller_number=3125550000");
        Response noPublisher = s.ping(key, "caller_number=3125550000");
        s.api().patch("/api/v2/postback_keys/" + keyId, "{\"paused\": true}");
        Response paused = s.ping(key, "caller_number=3125550000");
        s.api().patch("/api/v2/postback_keys/" + keyId, "{\"paused\": false}");
        s.api().patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": false}}");
        Response featureOff = s.ping(key, "caller_number=3125550000");

        // then
        assertRefused(noCaller, 400, "caller_number is required", "caller_number");
        assertRefused(badCaller, 400, "caller_number is not a phone number", "caller_number");
        assertRefused(badPublisher, 400, "'nobody' is not a publisher of this account", "publisher_id");
        assertRefused(badInbound, 400, "+12125550000 is not a tracking number of this account", "inbound_number");
        assertRefused(badJson, 400, "must be a string or a number", "caller_number");
        assertRefused(unknownKey, 401, "key is not a valid postback key", null);
        assertRefused(paused, 403, "this key is paused", null);
        assertRefused(featureOff, 403, "real time bidding is not enabled on this account", null);
        assertRefused(
                noPublisher,
                400,
                "publisher_id (or source_id) is required: this key is not bound to a publisher, so the ping must"
                        + " name the publisher that sends the call",
                "publisher_id");
    }

    private static void assertRefused(Response response, int status, String info, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.json().path("status").asText()).isEqualTo("rejected");
        assertThat(response.json().path("info").asText()).isEqualTo(info);
        assertThat(response.json().path("error").path("field").asText(null)).isEqualTo(field);
    }
}
