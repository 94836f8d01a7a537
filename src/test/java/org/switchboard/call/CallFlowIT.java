package org.switchboard.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Whole calls through the carrier-neutral API: routing rules with their logged reasons, failover, the call log. */
class CallFlowIT extends ServerIT {
    private static int nextNumber = 100;

    /** A campaign with one tracking number; buyers are added per test. */
    private record Setup(Api api, Calls calls, long campaign, String number) {
        long buyer(String json) {
            Response created = api.post("/api/v2/buyers", json.replace("CAMPAIGN", Long.toString(campaign)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.id();
        }
    }

    private Setup setup(String campaignJson) {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", campaignJson).id();
        String number = "+1866555" + String.format("%04d", nextNumber++ + (engine.ordinal() * 5000));
        Response created = api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"tags\": {\"ad\": \"tv\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Setup(api, new Calls(api), campaign, number);
    }

    @Test
    void callShouldFailOverToTheNextBuyerAndBeExplainedInTheLog() {
        // given
        Setup s = setup("{\"name\": \"Failover\"}");
        long first = s.buyer(
                "{\"name\": \"First\", \"destination\": \"+12125550101\", \"priority\": 1, \"ring_timeout_seconds\": 20,"
                        + " \"campaign_ids\": [CAMPAIGN]}");
        long second = s.buyer("{\"name\": \"Second\", \"destination\": \"+12125550102\", \"priority\": 2,"
                + " \"campaign_ids\": [CAMPAIGN]}");

        // when
        Response arrived = s.calls().arrive("+13125550147", s.number());
        String uuid = arrived.json().path("call_uuid").asText();
        JsonNode dial1 = arrived.json().path("instruction");
        JsonNode dial2 = s.calls().attempt(uuid, 1, "no_answer").json().path("instruction");
        JsonNode connect = s.calls().attempt(uuid, 2, "answered").json().path("instruction");
        Response ended = s.calls().hangup(uuid, 130, 95);

        // then
        assertThat(arrived.status()).isEqualTo(201);
        assertThat(dial1.path("action").asText()).isEqualTo("dial");
        assertThat(dial1.path("destination").asText()).isEqualTo("+12125550101");
        assertThat(dial1.path("ring_timeout_seconds").asInt()).isEqualTo(20);
        assertThat(dial2.path("action").asText()).isEqualTo("dial");
        assertThat(dial2.path("attempt").asInt()).isEqualTo(2);
        assertThat(dial2.path("buyer_id").asLong()).isEqualTo(second);
        assertThat(connect.path("action").asText()).isEqualTo("connect");
        assertThat(ended.json().path("status").asText()).isEqualTo("completed");

        JsonNode detail = s.calls().detail(uuid);
        assertThat(detail.path("call").path("buyer_id").asLong()).isEqualTo(second);
        assertThat(detail.path("call").path("duration_seconds").asInt()).isEqualTo(130);
        assertThat(detail.path("call").path("connected_seconds").asInt()).isEqualTo(95);
        assertThat(s.calls().reasonFor(uuid, first)).isEqualTo("did not answer (ring timeout 20 s)");
        assertThat(s.calls().reasonFor(uuid, second)).isEqualTo("answered");
        assertThat(detail.path("attempts").size()).isEqualTo(2);
        assertThat(detail.path("attempts").get(0).path("outcome").asText()).isEqualTo("no_answer");
        assertThat(detail.path("attempts").get(1).path("outcome").asText()).isEqualTo("answered");
        List<String> states = new ArrayList<>();
        detail.path("events").forEach(e -> states.add(e.path("state").asText()));
        assertThat(states).containsExactly("ringing", "dialing", "dialing", "dialing", "connected", "ended");
        detail.path("events").forEach(e -> assertThat(e.path("at").asText()).isNotEmpty());
        JsonNode tags = detail.path("tags");
        assertThat(tags.path("caller_number").get(0).asText()).isEqualTo("+13125550147");
        assertThat(tags.path("campaign_id").get(0).asText()).isEqualTo(Long.toString(s.campaign()));
        assertThat(tags.path("geo").toString()).contains("us-il");
        assertThat(tags.path("ad").get(0).asText()).isEqualTo("tv");
        assertThat(tags.path("system_buyer_id").toString()).isEqualTo("[\"" + second + "\"]");
    }

    @Test
    void eachRoutingRuleShouldSkipItsBuyerWithAPlainReason() {
        // given: a call from Chicago (geo:us-il) to a campaign with one buyer per rule and one that takes it
        Setup s = setup("{\"name\": \"Rules\"}");
        long paused = s.buyer(
                "{\"name\": \"Paused\", \"destination\": \"+12125550111\", \"paused\": true, \"campaign_ids\": [CAMPAIGN]}");
        long closed = s.buyer(
                "{\"name\": \"Closed\", \"destination\": \"+12125550112\", \"time_zone\": \"Asia/Tokyo\","
                        + " \"hours\": {\"monday\": [{\"open\": \"09:00\", \"close\": \"09:01\"}]}, \"campaign_ids\": [CAMPAIGN]}");
        long filtered = s.buyer("{\"name\": \"New York only\", \"destination\": \"+12125550113\","
                + " \"tag_filters\": [\"geo:us-ny\", \"geo:us-nj\"], \"campaign_ids\": [CAMPAIGN]}");
        long negated = s.buyer("{\"name\": \"No TV\", \"destination\": \"+12125550114\", \"tag_filters\": [\"!ad:tv\"],"
                + " \"campaign_ids\": [CAMPAIGN]}");
        long suppressing =
                s.buyer("{\"name\": \"Suppressing\", \"destination\": \"+12125550115\", \"campaign_ids\": [CAMPAIGN]}");
        long accepting =
                s.buyer("{\"name\": \"Accepting\", \"destination\": \"+12125550116\", \"campaign_ids\": [CAMPAIGN]}");
        long capped = s.buyer(
                "{\"name\": \"Capped\", \"destination\": \"+12125550117\", \"daily_cap\": 0, \"campaign_ids\": [CAMPAIGN]}");
        long taker = s.buyer(
                "{\"name\": \"Taker\", \"destination\": \"+12125550118\", \"priority\": 5, \"campaign_ids\": [CAMPAIGN]}");
        s.api().post("/api/v2/buyers/" + suppressing + "/caller_lists", "{\"name\": \"suppressed_dnc\"}");
        s.api()
                .post(
                        "/api/v2/buyers/" + suppressing + "/caller_lists/suppressed_dnc/caller_list_numbers",
                        "{\"number\": \"+13125550147\"}");
        s.api().post("/api/v2/buyers/" + accepting + "/caller_lists", "{\"name\": \"accepted_vip\"}");

        // when
        Response arrived = s.calls().arrive("(312) 555-0147", s.number());

        // then
        String uuid = arrived.json().path("call_uuid").asText();
        assertThat(arrived.json().path("instruction").path("buyer_id").asLong()).isEqualTo(taker);
        assertThat(s.calls().reasonFor(uuid, paused)).isEqualTo("paused");
        assertThat(s.calls().reasonFor(uuid, closed))
                .startsWith("closed by hours of operation (")
                .endsWith("in Asia/Tokyo)");
        assertThat(s.calls().reasonFor(uuid, filtered))
                .isEqualTo("filtered by tag filter: call lacks geo:us-ny or geo:us-nj");
        assertThat(s.calls().reasonFor(uuid, negated)).isEqualTo("filtered by tag filter: call has ad:tv");
        assertThat(s.calls().reasonFor(uuid, suppressing)).isEqualTo("suppressed by caller list suppressed_dnc");
        assertThat(s.calls().reasonFor(uuid, accepting)).isEqualTo("caller not on accepted list(s) accepted_vip");
        assertThat(s.calls().reasonFor(uuid, capped)).isEqualTo("capped: daily 0/0");
        assertThat(s.calls().reasonFor(uuid, taker)).isEqualTo("dialled");
    }

    @Test
    void campaignListsShouldBlockOrAdmitTheCaller() {
        // given
        Setup s = setup("{\"name\": \"Lists\"}");
        long buyer = s.buyer("{\"name\": \"Only\", \"destination\": \"+12125550121\", \"campaign_ids\": [CAMPAIGN]}");
        String lists = "/api/v2/campaigns/" + s.campaign() + "/caller_lists";
        s.api().post(lists, "{\"name\": \"suppressed_dnc\"}");
        s.api().post(lists + "/suppressed_dnc/caller_list_numbers", "{\"number\": \"+13125550148\"}");

        // when
        Response blocked = s.calls().arrive("+13125550148", s.number());
        Response allowed = s.calls().arrive("+13125550149", s.number());
        s.api().post(lists, "{\"name\": \"accepted_partners\"}");
        Response notAccepted = s.calls().arrive("+13125550150", s.number());

        // then
        assertThat(blocked.json().path("instruction").path("action").asText()).isEqualTo("hangup");
        assertThat(blocked.json().path("status").asText()).isEqualTo("no_buyer");
        assertThat(s.calls().reasonFor(blocked.json().path("call_uuid").asText(), buyer))
                .isEqualTo("caller is on the campaign's suppression list suppressed_dnc");
        assertThat(allowed.json().path("instruction").path("action").asText()).isEqualTo("dial");
        assertThat(s.calls().reasonFor(notAccepted.json().path("call_uuid").asText(), buyer))
                .isEqualTo("caller is not on the campaign's accepted list(s) accepted_partners");
    }

    @Test
    void dailyCapReachedMidDayShouldMoveCallsToTheNextBuyer() {
        // given: the preferred buyer takes 2 calls a day
        Setup s = setup("{\"name\": \"Caps\"}");
        long preferred = s.buyer("{\"name\": \"Preferred\", \"destination\": \"+12125550131\", \"daily_cap\": 2,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        long backup = s.buyer("{\"name\": \"Backup\", \"destination\": \"+12125550132\", \"priority\": 2,"
                + " \"campaign_ids\": [CAMPAIGN]}");

        // when: two calls connect to it, a third arrives
        for (int i = 0; i < 2; i++) {
            String uuid = s.calls()
                    .arrive("+1312555016" + i, s.number())
                    .json()
                    .path("call_uuid")
                    .asText();
            s.calls().attempt(uuid, 1, "answered");
            s.calls().hangup(uuid, 60, 50);
        }
        Response third = s.calls().arrive("+13125550169", s.number());

        // then
        String uuid = third.json().path("call_uuid").asText();
        assertThat(third.json().path("instruction").path("buyer_id").asLong()).isEqualTo(backup);
        assertThat(s.calls().reasonFor(uuid, preferred)).isEqualTo("capped: daily 2/2");
    }

    @Test
    void unansweredDialsShouldNotUseUpCaps() {
        // given
        Setup s = setup("{\"name\": \"Caps back\"}");
        long buyer = s.buyer("{\"name\": \"One a day\", \"destination\": \"+12125550141\", \"daily_cap\": 1,"
                + " \"campaign_ids\": [CAMPAIGN]}");

        // when: the first call is not answered, the second is
        String first = s.calls()
                .arrive("+13125550171", s.number())
                .json()
                .path("call_uuid")
                .asText();
        Response end = s.calls().attempt(first, 1, "no_answer");
        Response second = s.calls().arrive("+13125550172", s.number());

        // then
        assertThat(end.json().path("instruction").path("action").asText()).isEqualTo("hangup");
        assertThat(end.json().path("status").asText()).isEqualTo("unanswered");
        assertThat(second.json().path("instruction").path("buyer_id").asLong()).isEqualTo(buyer);
    }

    @Test
    void repeatCallerShouldReturnToTheirBuyerOrGoToANewOneAsTheCampaignAsks() {
        // given: sticky repeat-caller handling
        Setup sticky = setup("{\"name\": \"Sticky\", \"repeat_caller_handling\": true}");
        long a = sticky.buyer(
                "{\"name\": \"A\", \"destination\": \"+12125550151\", \"priority\": 1, \"campaign_ids\": [CAMPAIGN]}");
        long b = sticky.buyer(
                "{\"name\": \"B\", \"destination\": \"+12125550152\", \"priority\": 2, \"campaign_ids\": [CAMPAIGN]}");
        String first = sticky.calls()
                .arrive("+13125550181", sticky.number())
                .json()
                .path("call_uuid")
                .asText();
        sticky.calls().attempt(first, 1, "no_answer");
        sticky.calls().attempt(first, 2, "answered");
        sticky.calls().hangup(first, 40, 30);

        // when
        Response again = sticky.calls().arrive("+13125550181", sticky.number());

        // then: B took the first call, so B is offered first despite its lower priority
        String uuid = again.json().path("call_uuid").asText();
        assertThat(again.json().path("instruction").path("buyer_id").asLong()).isEqualTo(b);
        assertThat(sticky.calls().reasonFor(uuid, b)).isEqualTo("dialled");
        assertThat(sticky.calls()
                        .detail(uuid)
                        .path("tags")
                        .path("repeat_caller")
                        .get(0)
                        .asText())
                .isEqualTo("true");
        assertThat(sticky.calls()
                        .detail(uuid)
                        .path("events")
                        .get(0)
                        .path("detail")
                        .asText())
                .contains("repeat caller");
        // without the stickiness A, of the higher priority, is dialled first: as the first call was
        assertThat(sticky.calls()
                        .detail(first)
                        .path("attempts")
                        .get(0)
                        .path("buyer_id")
                        .asLong())
                .isEqualTo(a);

        // given: a campaign that sends repeat callers to a new buyer
        Setup fresh = setup("{\"name\": \"Fresh\", \"repeat_callers_to_new_buyer\": true}");
        long c = fresh.buyer(
                "{\"name\": \"C\", \"destination\": \"+12125550153\", \"priority\": 1, \"campaign_ids\": [CAMPAIGN]}");
        long d = fresh.buyer(
                "{\"name\": \"D\", \"destination\": \"+12125550154\", \"priority\": 2, \"campaign_ids\": [CAMPAIGN]}");
        String firstFresh = fresh.calls()
                .arrive("+13125550182", fresh.number())
                .json()
                .path("call_uuid")
                .asText();
        fresh.calls().attempt(firstFresh, 1, "answered");
        fresh.calls().hangup(firstFresh, 40, 30);

        // when
        Response repeat = fresh.calls().arrive("+13125550182", fresh.number());

        // then
        String repeatUuid = repeat.json().path("call_uuid").asText();
        assertThat(repeat.json().path("instruction").path("buyer_id").asLong()).isEqualTo(d);
        assertThat(fresh.calls().reasonFor(repeatUuid, c))
                .isEqualTo("repeat caller: the campaign sends repeat callers to a new buyer");
    }

    @Test
    void duplicateCallerShouldBeTriedAfterFreshBuyers() {
        // given: two buyers of equal priority; the caller already talked to one of them
        Setup s = setup("{\"name\": \"Dupes\"}");
        s.buyer("{\"name\": \"E\", \"destination\": \"+12125550161\", \"campaign_ids\": [CAMPAIGN]}");
        s.buyer("{\"name\": \"F\", \"destination\": \"+12125550162\", \"campaign_ids\": [CAMPAIGN]}");
        String first = s.calls()
                .arrive("+13125550191", s.number())
                .json()
                .path("call_uuid")
                .asText();
        long took =
                s.calls().detail(first).path("attempts").get(0).path("buyer_id").asLong();
        s.calls().attempt(first, 1, "answered");
        s.calls().hangup(first, 20, 10);

        // when
        Response again = s.calls().arrive("+13125550191", s.number());

        // then
        String uuid = again.json().path("call_uuid").asText();
        assertThat(again.json().path("instruction").path("buyer_id").asLong()).isNotEqualTo(took);
        assertThat(s.calls().reasonFor(uuid, took))
                .isEqualTo("eligible; duplicate caller for this buyer, tried after fresh buyers");
    }

    @Test
    void sipBuyersShouldReceiveTheCallUuidAndKeyAsSipHeaders() {
        // given
        Setup s = setup("{\"name\": \"SIP\"}");
        s.buyer("{\"name\": \"PBX\", \"destination\": \"sip:intake@pbx.example.com\", \"campaign_ids\": [CAMPAIGN]}");

        // when
        Response arrived = s.calls().arrive("+13125550201", s.number());

        // then
        JsonNode dial = arrived.json().path("instruction");
        assertThat(dial.path("destination").asText()).isEqualTo("sip:intake@pbx.example.com");
        assertThat(dial.path("sip_headers").path("X-PH-RetreaverUUID").asText())
                .isEqualTo(arrived.json().path("call_uuid").asText());
        String key = dial.path("sip_headers").path("X-PH-RetreaverKey").asText();
        assertThat(key).hasSize(32);
        String stored = server.wiring()
                .database()
                .jdbi()
                .withHandle(
                        h -> h.createQuery("SELECT call_key_digest || tags || routing FROM calls WHERE uuid = :uuid")
                                .bind("uuid", arrived.json().path("call_uuid").asText())
                                .mapTo(String.class)
                                .one());
        assertThat(stored).as("the call key is not stored in plain text").doesNotContain(key);
    }

    @Test
    void unknownNumbersAndForeignNumbersShouldBeRejectedWithoutARecord() {
        // given
        Setup s = setup("{\"name\": \"Known\"}");
        Api other = newAccount();

        // when
        Response unknown = s.calls().arrive("+13125550211", "+18005550199");
        Response foreign = new Calls(other).arrive("+13125550211", s.number());

        // then
        for (Response r : List.of(unknown, foreign)) {
            assertThat(r.json().path("instruction").path("action").asText()).isEqualTo("reject");
            assertThat(r.json().has("call_uuid")).isFalse();
        }
        assertThat(other.get("/api/v2/calls").json().size()).isZero();
        assertThat(s.api().get("/api/v2/calls").json().size()).isZero();
    }

    @Test
    void callLogShouldFilterAndExportCsv() {
        // given
        Setup s = setup("{\"name\": \"Log\"}");
        long buyer = s.buyer("{\"name\": \"G\", \"destination\": \"+12125550221\", \"campaign_ids\": [CAMPAIGN]}");
        String answered = s.calls()
                .arrive("+13125550221", s.number())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(answered, 1, "answered");
        s.calls().hangup(answered, 30, 20);
        String missed = s.calls()
                .arrive("+13125550222", s.number())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(missed, 1, "busy");

        // when / then
        assertThat(s.api().get("/api/v2/calls").json().size()).isEqualTo(2);
        assertThat(s.api()
                        .get("/api/v2/calls?status=completed")
                        .json()
                        .get(0)
                        .path("uuid")
                        .asText())
                .isEqualTo(answered);
        assertThat(s.api()
                        .get("/api/v2/calls?status=unanswered")
                        .json()
                        .get(0)
                        .path("uuid")
                        .asText())
                .isEqualTo(missed);
        assertThat(s.api().get("/api/v2/calls?caller=(312)%20555-0222").json().size())
                .isEqualTo(1);
        assertThat(s.api().get("/api/v2/calls?buyer_id=" + buyer).json().size()).isEqualTo(2);
        assertThat(s.api()
                        .get("/api/v2/calls?campaign_id=" + s.campaign() + "&from=2000-01-01T00:00:00Z")
                        .json()
                        .size())
                .isEqualTo(2);
        assertThat(s.api().get("/api/v2/calls?to=2000-01-01T00:00:00Z").json().size())
                .isZero();
        assertThat(s.api().get("/api/v2/calls?status=lost").status()).isEqualTo(400);
        assertThat(s.api().get("/api/v2/calls?from=yesterday").status()).isEqualTo(400);
        assertThat(s.calls().reasonFor(missed, buyer)).isEqualTo("was busy");

        Response csv = s.api().get("/api/v2/calls.csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("uuid,status,campaign_id,");
        assertThat(lines).hasSize(3);
        assertThat(csv.body()).contains(answered + ",completed,").contains(missed + ",unanswered,");
        assertThat(lines[0]).endsWith(",connected_seconds,conversion,revenue,payout,profit,buyers_considered");
        assertThat(csv.body()).contains("G (" + buyer + "): was busy");
    }

    @Test
    void buyersNumbersAndPublishersWithCallsShouldStillBeDeletable() {
        // given: a call that connected to a buyer on a publisher's number
        Setup s = setup("{\"name\": \"History\"}");
        long buyer = s.buyer("{\"name\": \"Gone\", \"destination\": \"+12125550241\", \"campaign_ids\": [CAMPAIGN]}");
        String uuid = s.calls()
                .arrive("+13125550241", s.number())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(uuid, 1, "answered");
        s.calls().hangup(uuid, 20, 10);
        long number = s.api().get("/api/v2/numbers").json().get(0).path("id").asLong();

        // when
        Response buyerDeleted = s.api().delete("/api/v2/buyers/" + buyer);
        Response numberDeleted = s.api().delete("/api/v2/numbers/" + number);
        Response campaignDeleted = s.api().delete("/api/v2/campaigns/" + s.campaign());

        // then: the call keeps its history
        assertThat(buyerDeleted.status()).isEqualTo(204);
        assertThat(numberDeleted.status()).isEqualTo(204);
        assertThat(campaignDeleted.status()).isEqualTo(204);
        assertThat(s.calls().detail(uuid).path("call").path("buyer_id").asLong())
                .isEqualTo(buyer);
    }

    @Test
    void repeatCallerShouldKeepAvoidingTheBuyerOfTheLastConnectedCall() {
        // given: A took the first call; the second call to B was abandoned while ringing
        Setup s = setup("{\"name\": \"Fresh again\", \"repeat_callers_to_new_buyer\": true}");
        long a = s.buyer(
                "{\"name\": \"A\", \"destination\": \"+12125550251\", \"priority\": 1, \"campaign_ids\": [CAMPAIGN]}");
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550252\", \"priority\": 2, \"campaign_ids\": [CAMPAIGN]}");
        String first = s.calls()
                .arrive("+13125550251", s.number())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().attempt(first, 1, "answered");
        s.calls().hangup(first, 30, 20);
        String second = s.calls()
                .arrive("+13125550251", s.number())
                .json()
                .path("call_uuid")
                .asText();
        s.calls().hangup(second, 5, 0);

        // when
        String third = s.calls()
                .arrive("+13125550251", s.number())
                .json()
                .path("call_uuid")
                .asText();

        // then
        assertThat(s.calls().detail(second).path("call").path("status").asText())
                .isEqualTo("abandoned");
        assertThat(s.calls().reasonFor(third, a))
                .isEqualTo("repeat caller: the campaign sends repeat callers to a new buyer");
    }

    @Test
    void simultaneousRepeatsOfOneArrivalShouldAllGetTheSameCall() throws Exception {
        // given
        Setup s = setup("{\"name\": \"Retries\"}");
        s.buyer("{\"name\": \"H\", \"destination\": \"+12125550261\", \"campaign_ids\": [CAMPAIGN]}");
        String body = "{\"carrier_call_id\": \"retried-" + engine + "\", \"from\": \"+13125550261\", \"to\": \""
                + s.number() + "\"}";

        // when: the carrier sends the same arrival eight times at once
        List<Response> replies = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var futures = new ArrayList<java.util.concurrent.Future<Response>>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> s.api().post("/api/v2/call_control/calls", body)));
            }
            for (var future : futures) {
                replies.add(future.get());
            }
        }

        // then
        assertThat(replies)
                .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
        assertThat(replies.stream()
                        .map(r -> r.json().path("call_uuid").asText())
                        .distinct())
                .hasSize(1);
        assertThat(replies)
                .allSatisfy(r -> assertThat(
                                r.json().path("instruction").path("action").asText())
                        .isEqualTo("dial"));
        assertThat(s.api().get("/api/v2/calls").json().size()).isEqualTo(1);
    }

    @Test
    void badCallControlInputShouldBe4xx() {
        Setup s = setup("{\"name\": \"Bad\"}");
        assertThat(s.api().post("/api/v2/call_control/calls", "{}").status()).isEqualTo(400);
        assertThat(s.api()
                        .post("/api/v2/call_control/calls", "{\"carrier_call_id\": \"x\", \"to\": 5}")
                        .status())
                .isEqualTo(400);
        String uuid = s.calls()
                .arrive("+13125550231", s.number())
                .json()
                .path("call_uuid")
                .asText();
        assertThat(s.calls().attempt(uuid, 1, "maybe").status()).isEqualTo(400);
        assertThat(s.calls().attempt("no-such-call", 1, "answered").status()).isEqualTo(404);
        assertThat(s.api()
                        .post("/api/v2/call_control/calls/" + uuid + "/attempts/x", "{\"outcome\": \"busy\"}")
                        .status())
                .isEqualTo(404);
        assertThat(s.api()
                        .post("/api/v2/call_control/calls/" + uuid + "/hangup", "{\"duration_seconds\": -1}")
                        .status())
                .isEqualTo(400);
        assertThat(newAccount().get("/api/v2/calls/" + uuid).status())
                .as("other accounts see no call")
                .isEqualTo(404);
        assertThat(server.anonymous().post("/api/v2/call_control/calls", "{}").status())
                .isEqualTo(401);
    }
}
