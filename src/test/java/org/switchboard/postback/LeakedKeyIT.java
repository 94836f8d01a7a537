package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.ServerLog;

/**
 * The leaked-key check: postback keys of every kind that takes requests (data writing, call rejection, conversion,
 * RTB) and a call key, used every way the API takes them (query, path, body, successes and failures), appear in no
 * log line and in no database column in plain text.
 */
class LeakedKeyIT extends ServerIT {

    @Test
    void keysShouldAppearInNoLogLineAndNoDatabaseColumn() throws Exception {
        // given: every log record the server writes, formatted as a log line would be
        try (ServerLog log = ServerLog.capture()) {
            Api api = newAccount();
            long campaign =
                    api.post("/api/v2/campaigns", "{\"name\": \"Leak\"}").id();
            long publisher = api.post("/api/v2/publishers", "{\"name\": \"P\"}").id();
            String number = "+1866558" + (1000 + engine.ordinal());
            api.post(
                    "/api/v2/numbers",
                    "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                            + "}");
            long buyer = api.post(
                            "/api/v2/buyers",
                            "{\"name\": \"SIP\", \"destination\": \"sip:agent@pbx.example.com\", \"campaign_ids\": ["
                                    + campaign + "]}")
                    .id();
            long group = api.post("/api/v2/buyer_groups", "{\"name\": \"G\", \"buyer_ids\": [" + buyer + "]}")
                    .id();
            String rejectKey = api.post(
                            "/api/v2/buyer_groups/" + group + "/postback_keys",
                            "{\"type\": \"call_rejection\", \"name\": \"Reject\"}")
                    .json()
                    .path("key")
                    .asText();
            String key = api.post(
                            "/api/v2/publishers/" + publisher + "/postback_keys",
                            "{\"type\": \"call_data_writing\", \"name\": \"Leak test\"}")
                    .json()
                    .path("key")
                    .asText();
            String conversionKey = api.post(
                            "/api/v2/buyers/" + buyer + "/postback_keys",
                            "{\"type\": \"conversion\", \"name\": \"Sales\"}")
                    .json()
                    .path("key")
                    .asText();
            api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
            String rtbKey = api.post(
                            "/api/v2/campaigns/" + campaign + "/postback_keys",
                            "{\"type\": \"real_time_bidding\", \"name\": \"Pings\"}")
                    .json()
                    .path("key")
                    .asText();
            var arrived = new Calls(api).arrive("+13125550170", number).json();
            String uuid = arrived.path("call_uuid").asText();
            String callKey = arrived.path("instruction")
                    .path("sip_headers")
                    .path("X-PH-RetreaverKey")
                    .asText();

            // when: the keys are used in the query, the path and a body, well and badly
            List<Response> responses = new ArrayList<>();
            responses.add(get(api, "/data_writing?key=" + key + "&caller_number=%2B13125550170&a=1"));
            responses.add(get(api, "/data_writing/" + key + "?caller_number=%2B13125550170&b=2"));
            responses.add(get(api, "/data_writing?key=" + key + "&caller_number=nonsense"));
            responses.add(get(api, "/data_writing?key=" + key + "&caller_number=%2B13125550170&bad%20tag!=1"));
            responses.add(get(api, "/data_writing?call_uuid=" + uuid + "&call_key=" + callKey + "&c=3"));
            responses.add(Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/data_writing"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"key\": \"" + key + "\", \"call_uuid\": \"" + uuid
                            + "\", \"call_key\": \"" + callKey + "\", \"d\": \"4\"}"))
                    .build()));
            // the call is ringing, not connected: the rejection is refused (409), and logged
            responses.add(get(
                    api,
                    "/handler_groups/" + group + "/call_control/reject?key=" + rejectKey
                            + "&caller_number=%2B13125550170"));
            // a conversion postback for a call that is still ringing (refused), and an RTB ping, well and badly
            responses.add(get(api, "/postbacks/" + conversionKey + "?call_uuid=" + uuid + "&value=10"));
            responses.add(post(
                    api,
                    "/rtbs.json?key=" + rtbKey + "&publisher_id=" + publisher
                            + "&caller_number=%2B13125550171&lead=1"));
            responses.add(post(api, "/rtbs.json?key=" + rtbKey + "&caller_number=nonsense"));
            server.wiring().rtbLog().flush();
            responses.add(api.get("/api/v2/postback_logs"));

            // then
            assertThat(responses)
                    .extracting(Response::status)
                    .containsExactly(200, 200, 400, 400, 200, 200, 409, 403, 200, 400, 200);
            assertThat(key).isNotBlank();
            assertThat(callKey).isNotBlank();
            List<String> secrets = List.of(key, callKey, rejectKey, conversionKey, rtbKey);
            assertThat(log.lines()).noneMatch(line -> secrets.stream().anyMatch(line::contains));
            Map<String, String> leaks = databaseCellsContaining(secrets);
            assertThat(leaks).as("database cells holding a key in plain text").isEmpty();
            assertThat(responses.getLast().body())
                    .doesNotContain(key)
                    .doesNotContain(callKey)
                    .doesNotContain(rejectKey)
                    .doesNotContain(conversionKey);
            assertThat(api.get("/api/v2/rtb_pings").body()).doesNotContain(rtbKey);
        }
    }

    private static Response post(Api api, String path) {
        return Api.send(HttpRequest.newBuilder(URI.create(api.base() + path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private static Response get(Api api, String path) {
        return Api.send(
                HttpRequest.newBuilder(URI.create(api.base() + path)).GET().build());
    }

    /** Every cell of every table of the server's database that holds one of {@code secrets}, as table.column. */
    private static Map<String, String> databaseCellsContaining(List<String> secrets) throws Exception {
        Map<String, String> found = new java.util.TreeMap<>();
        try (Connection connection = server.wiring().database().jdbi().open().getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(null, connection.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).contains("postback_keys", "postback_logs", "calls");
            for (String table : tables) {
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String cell = rows.getString(i);
                            for (String secret : secrets) {
                                if (cell != null && cell.contains(secret)) {
                                    found.put(table + "." + rows.getMetaData().getColumnName(i), cell);
                                }
                            }
                        }
                    }
                }
            }
        }
        return found;
    }
}
