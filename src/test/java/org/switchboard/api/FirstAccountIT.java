package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.testing.Api;
import org.switchboard.testing.Engine;
import org.switchboard.testing.TestServer;

/** The account created on an empty store: name and key fixed by the environment, and the optional demo data. */
class FirstAccountIT {
    private static final String KEY = "sb_scripted_deployment_key_0123456789";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void environmentShouldFixTheFirstAccountAndDemoDataShouldBeSeeded(Engine engine) {
        // given
        Map<String, String> env = Map.of(
                "SWITCHBOARD_FIRST_ACCOUNT_NAME", "Acme Calls",
                "SWITCHBOARD_FIRST_ACCOUNT_API_KEY", KEY,
                "SWITCHBOARD_DEMO_DATA", "true");

        // when
        try (TestServer server = TestServer.start(engine, env)) {
            Api api = server.withKey(KEY);

            // then
            assertThat(api.get("/api/v2/account").json().path("name").asText()).isEqualTo("Acme Calls");
            assertThat(server.wiring().firstStartBanner().orElseThrow())
                    .contains("Acme Calls")
                    .doesNotContain(KEY);
            assertThat(api.get("/api/v2/campaigns").json().size()).isEqualTo(1);
            assertThat(api.get("/api/v2/publishers").json().size()).isEqualTo(1);
            assertThat(api.get("/api/v2/buyers?campaign_id=1").json().size()).isEqualTo(2);
            assertThat(api.get("/api/v2/numbers").json().get(0).path("number").asText())
                    .isEqualTo("+18665550100");

            server.restart();
            assertThat(server.wiring().firstStartBanner()).isEmpty();
            assertThat(server.withKey(KEY).get("/api/v2/campaigns").json().size())
                    .as("demo data is seeded once")
                    .isEqualTo(1);
        }
    }
}
