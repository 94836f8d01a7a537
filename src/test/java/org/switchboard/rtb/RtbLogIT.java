package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** The RTB log written through the server's own batched writer and read through its routes, on both engines. */
class RtbLogIT extends ServerIT {

    /** An account with a campaign, two publishers and an RTB key on the campaign and on the first publisher. */
    private record Setup(
            Api api, long campaign, long publisherA, long publisherB, long campaignKey, long publisherKey) {
        AccountId account() {
            return new AccountId(api.accountId());
        }
    }

    private Setup setup() {
        Api api = newAccount();
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"RTB\"}").id();
        long a = api.post("/api/v2/publishers", "{\"name\": \"Pub A\"}").id();
        long b = api.post("/api/v2/publishers", "{\"name\": \"Pub B\"}").id();
        Response campaignKey = api.post(
                "/api/v2/campaigns/" + campaign + "/postback_keys",
                "{\"type\": \"real_time_bidding\", \"name\": \"Campaign RTB\"}");
        Response publisherKey = api.post(
                "/api/v2/publishers/" + a + "/postback_keys",
                "{\"type\": \"real_time_bidding\", \"name\": \"Pub A RTB\"}");
        assertThat(campaignKey.status()).as(campaignKey.toString()).isEqualTo(201);
        assertThat(publisherKey.status()).as(publisherKey.toString()).isEqualTo(201);
        return new Setup(api, campaign, a, b, campaignKey.id(), publisherKey.id());
    }

    private static RtbLog log() {
        return server.wiring().rtbLog();
    }

    private static RtbPing.Builder ping(Setup s, long key, Optional<Long> publisher, RtbStatus status, Instant at) {
        return RtbPing.builder(
                        UUID.randomUUID().toString(),
                        s.account(),
                        key,
                        key == s.campaignKey() ? "Campaign RTB" : "Pub A RTB",
                        s.campaign(),
                        status,
                        at)
                .publisherId(publisher)
                .callerNumber(Optional.of("+13125550147"));
    }

    @Test
    void aPingShouldBeFoundByItsUuidWithEverythingLoggedAndTheKeyLeftOut() {
        // given
        Setup s = setup();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Reservation reservation = new Reservation(
                UUID.randomUUID().toString(),
                s.account(),
                s.campaign(),
                s.publisherKey(),
                Optional.of(s.publisherA()),
                42,
                "+13125550147",
                "+18444021146",
                Optional.of(new BigDecimal("1.173")),
                OptionalInt.of(95),
                false,
                false,
                false,
                at,
                at.plusSeconds(15));
        RtbPing ping = RtbPing.builder(
                        reservation.uuid(),
                        s.account(),
                        s.publisherKey(),
                        "Pub A RTB",
                        s.campaign(),
                        RtbStatus.RESERVED,
                        at)
                .publisherId(Optional.of(s.publisherA()))
                .callerNumber(Optional.of("+13125550147"))
                .params(Map.of("key", "a-secret-key", "caller_number", "+13125550147", "caller_zip", "60601"))
                .tags(TagSet.of("caller_zip", "60601", "publisher_id", Long.toString(s.publisherA())))
                .passthrough(List.of(new RtbPing.Passthrough(7, "Bidder", "200", 84, Map.of("bid", List.of("1.68")))))
                .considered(List.of(
                        new RtbPing.ConsideredBuyer(42, "Buyer A", true, Optional.empty(), "chosen: priority 1"),
                        new RtbPing.ConsideredBuyer(
                                43,
                                "Buyer B",
                                false,
                                Optional.of(RtbStatus.TARGET_DISQUALIFIED_BY_CAP),
                                "capped: daily 10/10")))
                .reservation(reservation)
                .build();

        // when
        log().record(ping);
        log().claimed(reservation.uuid(), "0f8f3c1e-2f49-4a8e-9d55-4c7b1f1f0d11", at.plusSeconds(4));
        log().flush();
        Response byApi = s.api().get("/api/v2/rtb_pings/" + reservation.uuid());
        Response byPage = s.api().get("/call_reservations/" + reservation.uuid());

        // then
        assertThat(byApi.status()).as(byApi.toString()).isEqualTo(200);
        assertThat(byPage.json()).isEqualTo(byApi.json());
        JsonNode json = byApi.json();
        assertThat(json.path("uuid").asText()).isEqualTo(reservation.uuid());
        assertThat(json.path("status").asText()).isEqualTo("reserved");
        assertThat(json.path("final_status").asText()).isEqualTo("claimed");
        assertThat(json.path("shielded").asBoolean()).isFalse();
        assertThat(json.path("key_id").asLong()).isEqualTo(s.publisherKey());
        assertThat(json.path("key_name").asText()).isEqualTo("Pub A RTB");
        assertThat(json.path("publisher_id").asLong()).isEqualTo(s.publisherA());
        assertThat(json.path("buyer_id").asLong()).isEqualTo(42);
        assertThat(json.path("payout").decimalValue()).isEqualByComparingTo("1.173");
        assertThat(json.path("payout").toString()).isEqualTo("1.173");
        assertThat(json.path("seconds").asInt()).isEqualTo(95);
        assertThat(json.path("inbound_number").asText()).isEqualTo("+18444021146");
        assertThat(json.path("reservation_uuid").asText()).isEqualTo(reservation.uuid());
        assertThat(json.path("expires_at").asText())
                .isEqualTo(at.plusSeconds(15).toString().replace("Z", ".000Z"))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(json.path("created_at").asText()).isEqualTo(at.toString().replace("Z", ".000Z"));
        assertThat(json.path("claimed_at").asText())
                .isEqualTo(at.plusSeconds(4).toString().replace("Z", ".000Z"));
        assertThat(json.path("call_uuid").asText()).isEqualTo("0f8f3c1e-2f49-4a8e-9d55-4c7b1f1f0d11");
        assertThat(json.path("params").has("key")).isFalse();
        assertThat(json.path("params").path("caller_zip").asText()).isEqualTo("60601");
        assertThat(byApi.body()).doesNotContain("a-secret-key");
        assertThat(json.path("tags").path("caller_zip").get(0).asText()).isEqualTo("60601");
        assertThat(json.path("passthrough")
                        .get(0)
                        .path("response_tags")
                        .path("bid")
                        .get(0)
                        .asText())
                .isEqualTo("1.68");
        assertThat(json.path("passthrough").get(0).path("elapsed_ms").asLong()).isEqualTo(84);
        assertThat(json.path("considered")).hasSize(2);
        assertThat(json.path("considered").get(1).path("status").asText()).isEqualTo("target_disqualified_by_cap");
        assertThat(json.path("considered").get(1).path("chosen").asBoolean()).isFalse();
        assertThat(json.path("considered").get(0).path("status").isNull()).isTrue();
    }

    @Test
    void anotherAccountShouldNotSeeThePing() {
        // given
        Setup s = setup();
        Api other = newAccount();
        RtbPing ping = ping(s, s.campaignKey(), Optional.empty(), RtbStatus.NO_TARGET, Instant.now())
                .build();
        log().record(ping);
        log().flush();

        // when
        Response byApi = other.get("/api/v2/rtb_pings/" + ping.uuid());
        Response byPage = other.get("/call_reservations/" + ping.uuid());
        Response list = other.get("/api/v2/rtb_pings");
        Response dashboard = other.get("/api/v2/rtb_dashboard");

        // then
        assertThat(s.api().get("/call_reservations/" + ping.uuid()).status()).isEqualTo(200);
        assertThat(byApi.status()).isEqualTo(404);
        assertThat(byPage.status()).isEqualTo(404);
        assertThat(list.json()).isEmpty();
        assertThat(dashboard.json().path("total").asLong()).isZero();
        assertThat(server.anonymous().get("/call_reservations/" + ping.uuid()).status())
                .isEqualTo(401);
        assertThat(s.api().get("/call_reservations/not-a-uuid").status()).isEqualTo(404);
    }

    @Test
    void listsShouldFilterByKeyPublisherStatusAndTime() {
        // given
        Setup s = setup();
        Instant now = Instant.now();
        RtbPing reservedA = ping(s, s.publisherKey(), Optional.of(s.publisherA()), RtbStatus.RESERVED, now)
                .build();
        RtbPing noTargetA = ping(
                        s, s.publisherKey(), Optional.of(s.publisherA()), RtbStatus.NO_TARGET, now.minusSeconds(60))
                .build();
        RtbPing reservedB = ping(
                        s, s.campaignKey(), Optional.of(s.publisherB()), RtbStatus.RESERVED, now.minusSeconds(120))
                .build();
        RtbPing shielded = ping(
                        s,
                        s.campaignKey(),
                        Optional.of(s.publisherB()),
                        RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_RESERVED,
                        now.minusSeconds(180))
                .shielded(true)
                .build();
        for (RtbPing p : List.of(reservedA, noTargetA, reservedB, shielded)) {
            log().record(p);
        }
        log().expired(reservedB.uuid(), now);
        log().flush();

        // when
        Response all = s.api().get("/api/v2/rtb_pings?per_page=2");
        Response byKey = s.api().get("/api/v2/rtb_pings?key_id=" + s.publisherKey());
        Response byPublisher = s.api().get("/api/v2/rtb_pings?publisher_id=" + s.publisherB());
        Response reserved = s.api().get("/api/v2/rtb_pings?status=reserved");
        Response expired = s.api().get("/api/v2/rtb_pings?status=expired");
        Response window =
                s.api().get("/api/v2/rtb_pings?from=" + now.minusSeconds(150) + "&to=" + now.minusSeconds(30));
        Response badStatus = s.api().get("/api/v2/rtb_pings?status=booked");

        // then
        assertThat(all.header("X-Total-Count")).isEqualTo("4");
        assertThat(uuids(all)).containsExactly(reservedA.uuid(), noTargetA.uuid());
        assertThat(all.header("Link")).contains("rel=\"next\"");
        assertThat(uuids(byKey)).containsExactly(reservedA.uuid(), noTargetA.uuid());
        assertThat(uuids(byPublisher)).containsExactly(reservedB.uuid(), shielded.uuid());
        assertThat(uuids(reserved)).containsExactly(reservedA.uuid(), reservedB.uuid());
        assertThat(uuids(expired)).containsExactly(reservedB.uuid());
        assertThat(uuids(window)).containsExactly(noTargetA.uuid(), reservedB.uuid());
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.errorField()).isEqualTo("status");
        assertThat(byPublisher.json().get(1).path("shielded").asBoolean()).isTrue();
    }

    private static List<String> uuids(Response list) {
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        return java.util.stream.StreamSupport.stream(list.json().spliterator(), false)
                .map(node -> node.path("uuid").asText())
                .toList();
    }

    @Test
    void theDashboardShouldCountRecentPingsByStatusPerKeyAndPublisher() {
        // given: four pings in the last minutes, one older than the window
        Setup s = setup();
        Instant now = Instant.now();
        RtbPing claimedLater = ping(s, s.publisherKey(), Optional.of(s.publisherA()), RtbStatus.RESERVED, now)
                .build();
        List<RtbPing> pings = List.of(
                claimedLater,
                ping(s, s.publisherKey(), Optional.of(s.publisherA()), RtbStatus.NO_TARGET, now.minusSeconds(60))
                        .build(),
                ping(s, s.campaignKey(), Optional.empty(), RtbStatus.NO_TARGET, now.minusSeconds(120))
                        .build(),
                ping(s, s.campaignKey(), Optional.of(s.publisherB()), RtbStatus.RESERVED, now.minusSeconds(180))
                        .build(),
                ping(
                                s,
                                s.campaignKey(),
                                Optional.of(s.publisherB()),
                                RtbStatus.NO_TARGET,
                                now.minus(Duration.ofMinutes(20)))
                        .build());
        pings.forEach(log()::record);
        log().claimed(claimedLater.uuid(), UUID.randomUUID().toString(), now.plusSeconds(3));
        log().flush();

        // when
        JsonNode recent = s.api().get("/api/v2/rtb_dashboard?minutes=15").json();
        JsonNode hour = s.api().get("/api/v2/rtb_dashboard?minutes=60").json();
        Response tooFar = s.api().get("/api/v2/rtb_dashboard?minutes=1441");

        // then
        assertThat(recent.path("total").asLong()).isEqualTo(4);
        assertThat(recent.path("statuses").path("claimed").asLong()).isEqualTo(1);
        assertThat(recent.path("statuses").path("no-target").asLong()).isEqualTo(2);
        assertThat(recent.path("statuses").path("reserved").asLong()).isEqualTo(1);
        JsonNode keys = recent.path("keys");
        assertThat(keys).hasSize(2);
        JsonNode campaignKey = keys.get(0).path("key_id").asLong() == s.campaignKey() ? keys.get(0) : keys.get(1);
        JsonNode publisherKey = keys.get(0).path("key_id").asLong() == s.campaignKey() ? keys.get(1) : keys.get(0);
        assertThat(campaignKey.path("key_name").asText()).isEqualTo("Campaign RTB");
        assertThat(campaignKey.path("total").asLong()).isEqualTo(2);
        assertThat(publisherKey.path("statuses").path("claimed").asLong()).isEqualTo(1);
        assertThat(publisherKey.path("statuses").path("no-target").asLong()).isEqualTo(1);
        JsonNode publishers = recent.path("publishers");
        assertThat(publishers).hasSize(3);
        assertThat(publishers.findValuesAsText("publisher_id"))
                .contains(Long.toString(s.publisherA()), Long.toString(s.publisherB()));
        assertThat(hour.path("total").asLong()).isEqualTo(5);
        assertThat(tooFar.status()).isEqualTo(400);
    }

    @Test
    void confirmationsAndExpiriesShouldUpdateThePingsRow() {
        // given
        Setup s = setup();
        Instant now = Instant.now();
        RtbPing confirmedThenExpired = ping(s, s.campaignKey(), Optional.empty(), RtbStatus.RESERVED, now)
                .build();
        RtbPing refused = ping(s, s.campaignKey(), Optional.empty(), RtbStatus.RESERVED, now)
                .build();
        log().record(confirmedThenExpired);
        log().record(refused);

        // when
        log().confirmation(confirmedThenExpired.uuid(), RtbStatus.CONFIRMED, now.plusSeconds(1));
        log().confirmation(refused.uuid(), RtbStatus.NO_TARGET, now.plusSeconds(1));
        log().flush();
        JsonNode beforeExpiry =
                s.api().get("/api/v2/rtb_pings/" + confirmedThenExpired.uuid()).json();
        log().expired(confirmedThenExpired.uuid(), now.plusSeconds(15));
        log().flush();
        JsonNode afterExpiry =
                s.api().get("/api/v2/rtb_pings/" + confirmedThenExpired.uuid()).json();
        JsonNode refusedRow = s.api().get("/api/v2/rtb_pings/" + refused.uuid()).json();

        // then
        assertThat(beforeExpiry.path("final_status").asText()).isEqualTo("confirmed");
        assertThat(beforeExpiry.path("confirmation").asText()).isEqualTo("confirmed");
        assertThat(afterExpiry.path("final_status").asText()).isEqualTo("expired");
        assertThat(afterExpiry.path("confirmed_at").isNull()).isFalse();
        assertThat(afterExpiry.path("expired_at").isNull()).isFalse();
        assertThat(refusedRow.path("confirmation").asText()).isEqualTo("no-target");
        assertThat(refusedRow.path("final_status").isNull()).isTrue();
    }

    @Test
    void pingsShouldBePurgedAfter24Hours() {
        // given
        Setup s = setup();
        Instant at = Instant.now();
        RtbPing ping = ping(s, s.campaignKey(), Optional.empty(), RtbStatus.NO_TARGET, at)
                .build();
        log().record(ping);
        log().flush();

        // when
        long purgedEarly = log().purge(at.plus(Duration.ofHours(23)));
        int statusBefore = s.api().get("/call_reservations/" + ping.uuid()).status();
        log().purge(at.plus(RtbLog.RETENTION).plusMillis(1));
        Response after = s.api().get("/call_reservations/" + ping.uuid());

        // then
        assertThat(purgedEarly).isZero();
        assertThat(statusBefore).isEqualTo(200);
        assertThat(after.status()).isEqualTo(404);
    }
}
