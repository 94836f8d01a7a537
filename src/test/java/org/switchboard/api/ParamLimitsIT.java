package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.rtb.RtbPing;
import org.switchboard.rtb.RtbStatus;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.ServerLog;

/**
 * Keyed endpoints refuse parameters beyond the documented limits, and the owner's logs stay readable whatever they
 * hold: one request with a 60 KB parameter name used to make every page of the log holding it answer 500.
 */
class ParamLimitsIT extends ServerIT {
    private static final String LONG_NAME = "n".repeat(60_000);

    private record Keys(Api api, long campaign, long rtbKeyId, String rtb, String conversion, String dataWriting) {}

    private Keys keys() {
        Api api = newAccount();
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Limits\"}").id();
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"B\", \"destination\": \"+12125550101\", \"campaign_ids\": [" + campaign + "]}")
                .id();
        Response rtb = api.post(
                "/api/v2/campaigns/" + campaign + "/postback_keys",
                "{\"type\": \"real_time_bidding\", \"name\": \"RTB\"}");
        Response conversion = api.post(
                "/api/v2/buyers/" + buyer + "/postback_keys", "{\"type\": \"conversion\", \"name\": \"Conversions\"}");
        Response dataWriting =
                api.post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"Data\"}");
        return new Keys(
                api,
                campaign,
                rtb.id(),
                rtb.json().path("key").asText(),
                conversion.json().path("key").asText(),
                dataWriting.json().path("key").asText());
    }

    @Test
    void aParameterNameOverTheLimitShouldBeRefusedByEveryKeyedEndpoint() {
        Keys keys = keys();
        try (ServerLog log = ServerLog.capture()) {
            for (String path : new String[] {
                "/rtbs.json?key=" + keys.rtb(),
                "/postbacks/" + keys.conversion(),
                "/data_writing?key=" + keys.dataWriting()
            }) {
                // when: the 60 KB form body that used to poison the logs
                Response response = postForm(path, LONG_NAME + "=1&caller_number=%2B13125550147");

                // then
                assertThat(response.status()).as(path + " " + response).isEqualTo(400);
                assertThat(response.body()).as(path).contains("at most 256");
            }
            assertThat(log.stackTraces()).isEmpty();
        }
        assertThat(keys.api().get("/api/v2/rtb_pings").body()).doesNotContain(LONG_NAME);
        assertThat(keys.api().get("/api/v2/postback_logs").body()).doesNotContain(LONG_NAME);
    }

    @Test
    void aLongValueAndTooManyParametersShouldBeRefusedWithTheLimitNamed() {
        Keys keys = keys();
        String manyParams =
                IntStream.range(0, 201).mapToObj(i -> "p" + i + "=1").collect(Collectors.joining("&"));

        Response longValue = postForm("/postbacks/" + keys.conversion(), "caller_number=" + "1".repeat(8_193));
        Response tooMany = postForm("/rtbs.json?key=" + keys.rtb(), manyParams);
        Response json = keys.api()
                .send(
                        "POST",
                        "/data_writing?key=" + keys.dataWriting(),
                        "{\"caller_number\": \"+13125550147\", \"note\": \"" + "x".repeat(8_193) + "\"}");

        assertThat(longValue.status()).as(longValue.toString()).isEqualTo(400);
        assertThat(longValue.body())
                .startsWith("FAILED")
                .contains("caller_number")
                .contains("at most 8192");
        assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 200");
        assertThat(json.status()).as(json.toString()).isEqualTo(400);
        assertThat(json.errorField()).isEqualTo("note");
    }

    @Test
    void logRecordsStoredWithAHugeParameterNameShouldStayReadable() {
        // given: records as the server stored them before parameters were bounded
        Keys keys = keys();
        AccountId account = new AccountId(keys.api().accountId());
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        server.wiring()
                .rtbLog()
                .record(RtbPing.builder(
                                UUID.randomUUID().toString(),
                                account,
                                keys.rtbKeyId(),
                                "RTB",
                                keys.campaign(),
                                RtbStatus.NO_TARGET,
                                at)
                        .callerNumber(Optional.of("+13125550147"))
                        .params(Map.of(LONG_NAME, "1"))
                        .build());
        server.wiring().rtbLog().flush();
        server.wiring()
                .database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "INSERT INTO postback_logs (account_id, key_name, endpoint, method, params, tags, result,"
                                        + " created_at) VALUES (:account, 'Data', 'data_writing', 'POST', :params, '{}', 'ok',"
                                        + " :at)")
                        .bind("account", account.value())
                        .bind("params", "{\"" + LONG_NAME + "\": \"1\"}")
                        .bind("at", at.toEpochMilli())
                        .execute());

        // when
        Response pings = keys.api().get("/api/v2/rtb_pings");
        Response postbacks = keys.api().get("/api/v2/postback_logs");

        // then
        assertThat(pings.status()).as(pings.toString()).isEqualTo(200);
        assertThat(pings.body()).contains(LONG_NAME);
        assertThat(postbacks.status()).as(postbacks.toString()).isEqualTo(200);
        assertThat(postbacks.body()).contains(LONG_NAME);
    }

    private static Response postForm(String path, String form) {
        return Api.send(HttpRequest.newBuilder(URI.create(server.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }
}
