package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** The RTB ping API end to end: answers, reservations claimed by calls, expiry, confirmation, passthrough bids. */
class RtbIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Receiver receiver = new Receiver();

    @AfterEach
    void stop() {
        receiver.close();
        server.clock().reset();
    }

    /** An RTB-enabled account with a campaign, a publisher (cid PUB-...), its tracking number and buyers. */
    record Setup(Api api, Calls calls, long campaign, long publisher, String publisherCid, String number) {
        long buyer(String json) {
            Response created = api.post("/api/v2/buyers", json.replace("CAMPAIGN", Long.toString(campaign)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.id();
        }

        void criterion(String json) {
            Response created = api.post("/api/v2/campaigns/" + campaign + "/conversion_criteria", json);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }

        String key(String options) {
            Response created = api.post(
                    "/api/v2/campaigns/" + campaign + "/postback_keys",
                    "{\"type\": \"real_time_bidding\", \"name\": \"Pub RTB\", \"options\": " + options + "}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.json().path("key").asText();
        }

        Response ping(String key, String query) {
            return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/rtbs.json?key=" + key + "&" + query))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
        }

        Response pingJson(String key, String json) {
            return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/rtbs.json?key=" + key))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build());
        }
    }

    Setup setup() {
        Api api = newAccount();
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"RTB\"}").id();
        String cid = "PUB-" + NEXT.incrementAndGet();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"Lead gen\", \"cid\": \"" + cid + "\"}")
                .id();
        String number = "+1866553" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
        Response created = api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Setup(api, new Calls(api), campaign, publisher, cid, number);
    }

    static String caller() {
        return "+1312556" + String.format("%04d", NEXT.incrementAndGet() % 10_000);
    }

    @Test
    void pingShouldReserveTheBuyerAndAnswerTheDocumentedShape() {
        // given
        Setup s = setup();
        long buyer = s.buyer("{\"name\": \"Acme\", \"dba_name\": \"Acme Insurance\", \"destination\": \"+12125550801\","
                + " \"campaign_ids\": [CAMPAIGN]}");
        s.criterion("{\"name\": \"Ninety\", \"matches\": [\"publisher_id:" + s.publisherCid() + "\"],"
                + " \"trigger\": {\"type\": \"duration\", \"seconds\": 95}, \"revenue\": {\"type\": \"static\","
                + " \"amount\": 1.6757}, \"payout\": {\"type\": \"percent\", \"percent\": 70}}");
        String key = s.key("{\"ttl_seconds\": 30, \"return_dba\": true}");
        String caller = caller();
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
        Setup s = setup();
        long first = s.buyer("{\"name\": \"First\", \"destination\": \"+12125550811\", \"priority\": 1,"
                + " \"tag_filters\": [\"vertical:auto\"], \"campaign_ids\": [CAMPAIGN]}");
        long second = s.buyer("{\"name\": \"Second\", \"destination\": \"+12125550812\", \"priority\": 2,"
                + " \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");
        String caller = caller();
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
        assertThat(first).isNotEqualTo(second);

        // and a second call from the caller claims nothing
        String again =
                s.calls().arrive(caller, s.number()).json().path("call_uuid").asText();
        assertThat(s.calls().detail(again).path("tags").has("rtb_reservation_uuid"))
                .isFalse();
    }
}
