package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** The RTB ping API end to end: answers, reservations claimed by calls, expiry, confirmation, passthrough bids. */
class RtbIT extends ServerIT {
    private final Receiver receiver = new Receiver();

    @AfterEach
    void stop() {
        receiver.close();
        server.clock().reset();
    }

    private RtbSetup setup() {
        return RtbSetup.create(newAccount(), engine);
    }

    @Test
    void pingShouldReserveTheBuyerAndAnswerTheDocumentedShape() {
        // given
        RtbSetup s = setup();
        long buyer = s.buyer("{\"name\": \"Acme\", \"dba_name\": \"Acme Insurance\", \"destination\": \"+12125550801\","
                + " \"campaign_ids\": [CAMPAIGN]}");
        s.criterion("{\"name\": \"Ninety\", \"matches\": [\"publisher_id:" + s.publisherCid() + "\"],"
                + " \"trigger\": {\"type\": \"duration\", \"seconds\": 95}, \"revenue\": {\"type\": \"static\","
                + " \"amount\": 1.6757}, \"payout\": {\"type\": \"percent\", \"percent\": 70}}");
        String key = s.key("{\"ttl_seconds\": 30, \"return_dba\": true}");
        String caller = RtbSetup.caller();
        Instant before = Instant.now();

        // when
        Response ping = s.ping(
                key,
                "publisher_id=" + s.publisherCid() + "&caller_number=" + caller.substring(2)
                        + "&caller_zip=10001&first_name=Ada");

        // then
        assertThat(ping.status()).as(ping.toString()).isEqualTo(200);
        JsonNode body = ping.json();
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactly(
                        "uuid",
                        "status",
                        "retreaver_payout",
                        "retreaver_seconds",
                        "inbound_number",
                        "expires_at",
                        "retreaver_target_dba");
        assertThat(body.path("status").asText()).isEqualTo("reserved");
        assertThat(body.path("uuid").asText()).matches("[0-9a-f-]{36}");
        assertThat(body.path("retreaver_payout").isNumber()).isTrue();
        assertThat(body.path("retreaver_payout").decimalValue()).isEqualByComparingTo("1.17299");
        assertThat(body.path("retreaver_seconds").asInt()).isEqualTo(95);
        assertThat(body.path("inbound_number").asText()).isEqualTo(s.number());
        assertThat(body.path("expires_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(Instant.parse(body.path("expires_at").asText()))
                .isBetween(before.plusSeconds(29), Instant.now().plusSeconds(31));
        assertThat(body.path("retreaver_target_dba").asText()).isEqualTo("Acme Insurance");

        // and the owner finds it by UUID, with the buyer considered and the ping's data
        server.wiring().rtbLog().flush();
        JsonNode logged =
                s.api().get("/call_reservations/" + body.path("uuid").asText()).json();
        assertThat(logged.path("status").asText()).isEqualTo("reserved");
        assertThat(logged.path("buyer_id").asLong()).isEqualTo(buyer);
        assertThat(logged.path("tags").path("first_name").get(0).asText()).isEqualTo("Ada");
        assertThat(logged.path("params").has("key")).isFalse();
        assertThat(logged.path("considered").get(0).path("chosen").asBoolean()).isTrue();
    }

    @Test
    void callFromTheReservedCallerShouldClaimTheReservationAndGoToItsBuyer() {
        // given: two buyers; the ping reserves the second (the first filters the ping's tags out)
        RtbSetup s = setup();
        long first = s.buyer("{\"name\": \"First\", \"destination\": \"+12125550811\", \"priority\": 1,"
                + " \"tag_filters\": [\"vertical:auto\"], \"campaign_ids\": [CAMPAIGN]}");
        long second = s.buyer("{\"name\": \"Second\", \"destination\": \"+12125550812\", \"priority\": 2,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");
        String caller = RtbSetup.caller();
        String reservation = s.ping(
                        key,
                        "publisher_id=" + s.publisherCid() + "&caller_number=" + caller.replace("+", "%2B")
                                + "&vertical=home")
                .json()
                .path("uuid")
                .asText();

        // when: the caller is sent to the inbound number (a call that carries none of the ping's filter trouble)
        JsonNode arrived = s.calls().arrive(caller, s.number()).json();
        String uuid = arrived.path("call_uuid").asText();

        // then: the reserved buyer is dialled first, the call carries the ping's tags, and the log says claimed
        assertThat(arrived.path("instruction").path("buyer_id").asLong()).isEqualTo(second);
        JsonNode detail = s.calls().detail(uuid);
        assertThat(detail.path("tags").path("vertical").get(0).asText()).isEqualTo("home");
        assertThat(detail.path("tags").path("rtb_reservation_uuid").get(0).asText())
                .isEqualTo(reservation);
        server.wiring().rtbLog().flush();
        JsonNode logged = s.api().get("/api/v2/rtb_pings/" + reservation).json();
        assertThat(logged.path("final_status").asText()).isEqualTo("claimed");
        assertThat(logged.path("call_uuid").asText()).isEqualTo(uuid);
        // the first buyer was considered for the ping and left out by its tag filter
        assertThat(logged.path("considered").findParents("buyer_id"))
                .filteredOn(c -> c.path("buyer_id").asLong() == first)
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.path("chosen").asBoolean()).isFalse();
                    assertThat(c.path("reason").asText()).contains("vertical:auto");
                });

        // and a second call from the caller claims nothing
        String again =
                s.calls().arrive(caller, s.number()).json().path("call_uuid").asText();
        assertThat(s.calls().detail(again).path("tags").has("rtb_reservation_uuid"))
                .isFalse();
    }

    @Test
    void onlyAcceptedWritesShouldAnnounceAConfigurationChange() {
        // given
        RtbSetup s = setup();
        s.api().post("/api/v2/campaigns/" + s.campaign() + "/caller_lists", "{\"name\": \"suppressed_dnc\"}");
        List<ConfigChange> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.wiring().configChanges().listen(new ConfigChanges.Listener() {
            @Override
            public void changed(ConfigChange change) {
                if (change.account().value() == s.api().accountId()) {
                    announced.add(change);
                }
            }

            @Override
            public void everythingMayHaveChanged() {}
        });

        // when: refused writes (no key, bad body) and a caller-list check, which only reads
        server.anonymous().post("/api/v2/campaigns", "{\"name\": \"Nope\"}");
        s.api().post("/api/v2/campaigns", "{\"name\": ");
        s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/caller_lists/suppressed_dnc/caller_list_numbers",
                        "{\"numbers\": 7}");
        Response check = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/caller_lists/suppressed_dnc/caller_list_checks",
                        "{\"number\": \"+13125550147\"}");

        // then: nothing was announced
        assertThat(check.status()).isEqualTo(200);
        assertThat(announced).isEmpty();

        // and an accepted write announces the list whose numbers changed, and nothing else
        s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/caller_lists/suppressed_dnc/caller_list_numbers",
                        "{\"numbers\": [\"+13125550147\"]}");
        assertThat(announced)
                .singleElement()
                .satisfies(change -> assertThat(change.kind()).isEqualTo(ConfigChange.Kind.CALLER_LIST));
    }

    @Test
    void aNamedInboundNumbersTagsShouldNotCountForTheBuyersAsTheyWillNotTagTheCall() {
        // given: a tracking number tagged ad:tv and a buyer that takes only calls from TV ads; the reference says of
        // inbound_number "this will not tag the call with any tags present on the tracking number" (002)
        RtbSetup s = setup();
        String tvNumber = RtbSetup.trackingNumber(engine);
        Response number = s.api()
                .post(
                        "/api/v2/numbers",
                        "{\"number\": \"" + tvNumber + "\", \"campaign_id\": " + s.campaign() + ", \"publisher_id\": "
                                + s.publisher() + ", \"tags\": {\"ad\": \"tv\"}}");
        assertThat(number.status()).as(number.toString()).isEqualTo(201);
        s.buyer("{\"name\": \"TV only\", \"destination\": \"+12125550982\", \"tag_filters\": [\"ad:tv\"],"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");

        // when
        Response onTheTvNumber = s.ping(
                key,
                "publisher_id=" + s.publisherCid() + "&caller_number="
                        + RtbSetup.caller().substring(1) + "&inbound_number=" + tvNumber.substring(1));
        Response onTheOther = s.ping(
                key,
                "publisher_id=" + s.publisherCid() + "&caller_number="
                        + RtbSetup.caller().substring(1) + "&inbound_number="
                        + s.number().substring(1));

        // then
        assertThat(onTheTvNumber.json().path("status").asText())
                .as(onTheTvNumber.toString())
                .isEqualTo("target_disqualified");
        assertThat(onTheOther.json().path("status").asText()).isEqualTo("target_disqualified");
    }

    @Test
    void aZipSentWithThePingShouldPlaceTheCallerForGeoFilters() {
        // given: a Chicago caller, a buyer that takes New York callers only
        RtbSetup s = setup();
        s.buyer("{\"name\": \"NY only\", \"destination\": \"+12125550981\", \"tag_filters\": [\"geo:us-ny\"],"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");

        // when
        String publisher = "publisher_id=" + s.publisherCid() + "&";
        Response withoutZip =
                s.ping(key, publisher + "caller_number=" + RtbSetup.caller().substring(1));
        Response withZip =
                s.ping(key, publisher + "caller_number=" + RtbSetup.caller().substring(1) + "&caller_zip=10001");

        // then
        assertThat(withoutZip.json().path("status").asText()).isEqualTo("target_disqualified");
        assertThat(withZip.json().path("status").asText()).isEqualTo("reserved");
    }
}
