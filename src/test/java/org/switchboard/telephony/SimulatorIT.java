package org.switchboard.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.ServerIT;

/** The simulator plays a whole call against a running server and prints it with its explanation. */
class SimulatorIT extends ServerIT {

    @Test
    void simulatorShouldPlayAFailoverCallEndToEnd() throws Exception {
        // given
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Sim\"}").id();
        String number = engine.ordinal() == 0 ? "+18665559101" : "+18665559102";
        api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}");
        api.post(
                "/api/v2/buyers",
                "{\"name\": \"Day desk\", \"destination\": \"+12125550601\", \"campaign_ids\": [" + campaign + "]}");
        api.post(
                "/api/v2/buyers",
                "{\"name\": \"Overflow\", \"destination\": \"+12125550602\", \"priority\": 2," + " \"campaign_ids\": ["
                        + campaign + "]}");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // when
        String status = new Simulator(server.base(), api.key(), new PrintStream(printed, true, StandardCharsets.UTF_8))
                .play("+13125550147", number, List.of("no", "yes"), 95, true);

        // then
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo("completed");
        assertThat(output)
                .contains("dial +12125550601")
                .contains("dial +12125550602")
                .contains("connected; talking 95 s")
                .contains("ended: completed")
                .contains("did not answer (ring timeout 30 s)")
                .contains("answered");
    }

    @Test
    void aWrongKeyShouldBeOneLineSayingSoAndExitOne() {
        // given
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // when
        int code = Simulator.run(
                new String[] {
                    "--key", "sb_not_a_key_of_anyone_0123456789", "--to", "+18665559103", "--server", server.base()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        // then
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("simulate: the server at " + server.base() + " refused the API key (HTTP 401); pass an API"
                        + " key of the account with --key" + System.lineSeparator());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
