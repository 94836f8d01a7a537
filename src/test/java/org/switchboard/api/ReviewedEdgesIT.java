package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.Wiring;
import org.switchboard.platform.config.ConfigLoader;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Edge cases of the admin API found in review: each once answered wrongly or with a 500. */
class ReviewedEdgesIT extends ServerIT {

    @Test
    void controlCharactersInAListNameShouldBeA404NotA500() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();
        for (String path : new String[] {"/caller_lists/ab%00c", "/caller_lists/ab%00c/caller_list_numbers"}) {
            Response response = api.get("/api/v2/campaigns/" + campaign + path);
            assertThat(response.status()).as(path).isEqualTo(404);
        }
    }

    @Test
    void repeatedKeysOffsetZonesExtensionsAndUnknownShiftFieldsShouldBeRefused() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();
        AdminApiIT.assertError(api.post("/api/v2/campaigns", "{\"name\": \"a\", \"name\": \"b\"}"), 400, null);
        AdminApiIT.assertError(
                api.post("/api/v2/campaigns", "{\"name\": \"a\", \"time_zone\": \"GMT+5\"}"), 400, "time_zone");
        AdminApiIT.assertError(
                api.post("/api/v2/campaigns", "{\"name\": \"a\", \"time_zone\": \"SystemV/EST5\"}"), 400, "time_zone");
        AdminApiIT.assertError(
                api.post(
                        "/api/v2/numbers",
                        "{\"number\": \"+1 866 555 0101 ext. 5\", \"campaign_id\": " + campaign + "}"),
                400,
                "number");
        AdminApiIT.assertError(api.post("/api/v2/buyers", """
                        {"name": "B", "destination": "+12125550147",
                         "hours": {"monday": [{"open": "09:00", "close": "17:00", "extra": 1}]}}"""), 400, "hours");
    }

    @Test
    void defaultsAndMidnightCloseShouldReadBackAsDocumented() {
        Api api = newAccount();
        Response buyer = api.post("/api/v2/buyers", """
                {"name": "B", "destination": "+12125550147", "hours": {"monday": [{"open": "09:00", "close": "24:00"}]}}""");
        assertThat(buyer.json().path("time_zone").asText()).isEqualTo("UTC");
        assertThat(buyer.json()
                        .path("hours")
                        .path("monday")
                        .get(0)
                        .path("close")
                        .asText())
                .isEqualTo("24:00");
        assertThat(api.post("/api/v2/campaigns", "{\"name\": \"C\"}")
                        .json()
                        .path("time_zone")
                        .asText())
                .isEqualTo("UTC");
        assertThat(api.patch("/api/v2/account", "{}").status())
                .as("an empty update changes nothing")
                .isEqualTo(200);
    }

    @Test
    void aBusyPortShouldStopStartUpWithAClearMessage() {
        Map<String, String> env = Map.of(
                "SWITCHBOARD_PORT",
                Integer.toString(server.wiring().port()),
                "SWITCHBOARD_DATABASE_URL",
                "jdbc:sqlite:" + System.getProperty("java.io.tmpdir") + "/busy-port-" + System.nanoTime() + ".db");
        assertThatThrownBy(() ->
                        Wiring.start(ConfigLoader.load(env), Clock.systemUTC()).close())
                .hasMessageContaining(
                        "cannot listen on 127.0.0.1:" + server.wiring().port());
    }
}
