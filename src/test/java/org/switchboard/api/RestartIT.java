package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.ServerIT;

/** Everything accepted survives a restart of the server on the same store, on both engines. */
class RestartIT extends ServerIT {

    @Test
    void dataAndKeysShouldSurviveARestart() {
        // given
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Durable\", \"tags\": {\"k\": \"v\"}}")
                .id();
        long buyer = api.post("/api/v2/buyers", """
                {"name": "Night", "destination": "+13035550142", "time_zone": "America/Denver",
                 "hours": {"friday": [{"open": "22:00", "close": "06:00"}]}, "campaign_ids": [%d]}""".formatted(campaign)).id();
        api.post("/api/v2/campaigns/" + campaign + "/caller_lists", "{\"name\": \"suppressed_x\"}");
        api.post(
                "/api/v2/campaigns/" + campaign + "/caller_lists/suppressed_x/caller_list_numbers",
                "{\"number\": \"+13035550143\"}");
        String campaignBefore = api.get("/api/v2/campaigns/" + campaign).body();
        String buyerBefore = api.get("/api/v2/buyers/" + buyer).body();
        long accountsBefore = server.wiring().accounts().countAccounts();

        // when
        server.restart();

        // then
        Api after = server.withKey(api.key());
        assertThat(after.get("/api/v2/campaigns/" + campaign).body()).isEqualTo(campaignBefore);
        assertThat(after.get("/api/v2/buyers/" + buyer).body()).isEqualTo(buyerBefore);
        assertThat(after.get("/api/v2/campaigns/" + campaign + "/caller_lists/suppressed_x/caller_list_numbers")
                        .body())
                .isEqualTo("[\"+13035550143\"]");
        assertThat(server.wiring().accounts().countAccounts())
                .as("the first account is created only on an empty store")
                .isEqualTo(accountsBefore);
        assertThat(server.wiring().firstStartBanner()).isEmpty();
    }
}
