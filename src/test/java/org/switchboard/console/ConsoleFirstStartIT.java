package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.testing.Engine;
import org.switchboard.testing.TestServer;

/** The first start prints how the first person gets in: a one-time link, or with demo data a demo admin. */
class ConsoleFirstStartIT {
    @ParameterizedTest
    @EnumSource(Engine.class)
    void theFirstStartShouldPrintAOneTimeLinkForTheFirstAdmin(Engine engine) {
        try (TestServer server = TestServer.start(engine)) {
            // given: the banner of the first start
            String banner = server.wiring().firstStartBanner().orElseThrow();
            Matcher link = Pattern.compile("(/set_password/[A-Za-z0-9]+) ").matcher(banner);
            assertThat(banner).contains("admin@switchboard.local").contains("API key");
            assertThat(link.find()).as(banner).isTrue();
            // when: the admin sets a password through it
            ConsoleClient browser = new ConsoleClient(server.base());
            browser.get(link.group(1));
            ConsoleClient.Page set = browser.submit(
                    link.group(1), Map.of("password", "first admin secret", "confirm", "first admin secret"));
            // then: signed in as the admin; a restart prints nothing again
            assertThat(set.status()).isEqualTo(303);
            assertThat(browser.get("/users").body())
                    .contains("admin@switchboard.local")
                    .contains("(you)");
            server.restart();
            assertThat(server.wiring().firstStartBanner()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theDemoShouldPrintADemoAdminWhoCanSignIn(Engine engine) {
        try (TestServer server = TestServer.start(engine, Map.of("SWITCHBOARD_DEMO_DATA", "true"))) {
            // given
            String banner = server.wiring().firstStartBanner().orElseThrow();
            Matcher password =
                    Pattern.compile("as (\\S+) with password (\\S+) ").matcher(banner);
            assertThat(password.find()).as(banner).isTrue();
            // when
            ConsoleClient browser = new ConsoleClient(server.base());
            ConsoleClient.Page signedIn =
                    browser.signIn(new ConsoleScenario.Person(password.group(1), password.group(2), Role.ADMIN));
            // then
            assertThat(password.group(1)).isEqualTo("demo@switchboard.local");
            assertThat(signedIn.status()).isEqualTo(303);
            assertThat(browser.get("/calls").status()).isEqualTo(200);
        }
    }
}
