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
                .play("+13125550147", number, List.of("no", "yes"), 95, true)
                .status();

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
    void severalCallsShouldPrintProgressAndASummary() {
        // given: one buyer, and a criterion that converts calls connected 60 s or more
        Api api = newAccount();
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": \"Sim many\"}").id();
        String number = engine.ordinal() == 0 ? "+18665559104" : "+18665559105";
        api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}");
        api.post(
                "/api/v2/buyers",
                "{\"name\": \"Desk\", \"destination\": \"+12125550603\", \"campaign_ids\": [" + campaign + "]}");
        api.post(
                "/api/v2/campaigns/" + campaign + "/conversion_criteria",
                "{\"name\": \"Minute\", \"trigger\": {\"type\": \"duration\", \"seconds\": 60},"
                        + " \"revenue\": {\"type\": \"static\", \"amount\": \"10.00\"}}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // when
        int code = Simulator.run(
                new String[] {
                    "--key", api.key(), "--to", number, "--server", server.base(), "--calls", "20", "--talk", "95"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        // then: a progress line every tenth of the calls, then the summary; no call's steps
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed.lines().filter(line -> line.matches("  \\d+/20 calls played, .*")))
                .hasSize(10)
                .first()
                .asString()
                .matches("  2/20 calls played, 2 connected, 2 converted \\(\\d+\\.\\d s\\)");
        assertThat(printed.lines().toList().getLast())
                .matches("simulated 20 calls in \\d+\\.\\d s: 20 connected, 20 converted; ended: completed 20");
        assertThat(printed).doesNotContain("dial +12125550603");
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
