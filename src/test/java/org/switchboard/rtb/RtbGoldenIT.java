package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * Switchboard's RTB answers against the reference documents' examples (golden files in {@code golden/rtb}): the
 * same fields, each with the same JSON type, and the same fixed words, so an integration that parses the reference's
 * answers parses ours.
 */
class RtbGoldenIT extends ServerIT {

    private RtbSetup setup() {
        return RtbSetup.create(newAccount(), engine);
    }

    @Test
    void aReservedAnswerShouldMatchTheRtbDocumentsExample() {
        // given
        RtbSetup s = setup();
        s.buyer("{\"name\": \"B\", \"destination\": \"+12125550971\", \"campaign_ids\": [CAMPAIGN]}");
        s.criterion("{\"name\": \"C\", \"trigger\": {\"type\": \"duration\", \"seconds\": 95},"
                + " \"revenue\": {\"type\": \"static\", \"amount\": 2}, \"payout\": {\"type\": \"static\","
                + " \"amount\": 1.173}}");

        // when
        Response ping = s.ping(
                s.key("{}"),
                "publisher_id=" + s.publisherCid() + "&caller_number="
                        + RtbSetup.caller().substring(1));

        // then
        assertSameShape(ping.json(), golden("reserved.json"));
        assertThat(ping.json().path("retreaver_payout").decimalValue()).isEqualByComparingTo("1.173");
    }

    @Test
    void aReservedAnswerWithDbaShouldMatchThePostbackKeysDocumentsExample() {
        // given
        RtbSetup s = setup();
        s.buyer("{\"name\": \"B\", \"dba_name\": \"Example Buyer DBA\", \"destination\": \"+12125550972\","
                + " \"campaign_ids\": [CAMPAIGN]}");
        s.criterion("{\"name\": \"C\", \"trigger\": {\"type\": \"duration\", \"seconds\": 90},"
                + " \"revenue\": {\"type\": \"static\", \"amount\": 20}, \"payout\": {\"type\": \"static\","
                + " \"amount\": 12.5}}");

        // when
        Response ping = s.ping(
                s.key("{\"return_dba\": true}"),
                "publisher_id=" + s.publisherCid() + "&caller_number="
                        + RtbSetup.caller().substring(1));

        // then
        assertSameShape(ping.json(), golden("reserved-with-dba.json"));
        assertThat(ping.json().path("retreaver_target_dba").asText()).isEqualTo("Example Buyer DBA");
        assertThat(ping.json().path("retreaver_payout").decimalValue()).isEqualByComparingTo("12.5");
    }

    @Test
    void aRejectedAnswerShouldMatchTheTroubleshootingExample() {
        // given: the payout is a share of what the buyer will post back
        RtbSetup s = setup();
        long buyer = s.buyer("{\"name\": \"B\", \"destination\": \"+12125550973\", \"campaign_ids\": [CAMPAIGN]}");
        s.criterion("{\"name\": \"Sale\", \"matches\": [\"system_buyer_id:" + buyer + "\"], \"trigger\": {\"type\":"
                + " \"postback\"}, \"revenue\": {\"type\": \"posted\"}, \"payout\": {\"type\": \"percent\","
                + " \"percent\": 50}}");

        // when
        Response ping = s.ping(
                s.key("{}"),
                "publisher_id=" + s.publisherCid() + "&caller_number="
                        + RtbSetup.caller().substring(1));

        // then
        JsonNode golden = golden("rejected.json");
        assertSameShape(ping.json(), golden);
        assertThat(ping.json().path("status").asText())
                .isEqualTo(golden.path("status").asText());
        assertThat(ping.json().path("info").asText())
                .isEqualTo(golden.path("info").asText());
    }

    /** The same field names, each of the same JSON type; status and UUIDs of the same form. */
    private static void assertSameShape(JsonNode actual, JsonNode golden) {
        assertThat(types(actual)).isEqualTo(types(golden));
        assertThat(actual.path("uuid").asText())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        if (golden.has("expires_at")) {
            assertThat(actual.path("expires_at").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
        if (golden.has("inbound_number")) {
            assertThat(actual.path("inbound_number").asText()).matches("\\+1\\d{10}");
        }
        assertThat(actual.path("status").asText())
                .isEqualTo(golden.path("status").asText());
    }

    private static Map<String, String> types(JsonNode node) {
        Map<String, String> fieldToType = new TreeMap<>();
        node.properties()
                .forEach(e -> fieldToType.put(
                        e.getKey(),
                        e.getValue().isNumber()
                                ? "number"
                                : e.getValue().getNodeType().name()));
        return fieldToType;
    }

    private static JsonNode golden(String name) {
        try (InputStream in = RtbGoldenIT.class.getResourceAsStream("/golden/rtb/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + name);
            }
            return Json.read(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
