package org.switchboard.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's command line: checked options, and every failure one line saying what to do. */
class SimulatorTest {

    @Test
    void aFullCommandLineShouldBecomeItsOptions() {
        // when
        Simulator.Command command = Simulator.parse(new String[] {
            "--key",
            "sb_k",
            "--to",
            "+18665550100",
            "--from",
            "(312) 555-0147",
            "--answers",
            "no, busy,yes",
            "--talk",
            "95",
            "--server",
            "http://127.0.0.1:9090/",
            "--calls",
            "3"
        });

        // then
        assertThat(command)
                .isEqualTo(new Simulator.Command.Run(new Simulator.Options(
                        "http://127.0.0.1:9090",
                        "sb_k",
                        "+18665550100",
                        "(312) 555-0147",
                        List.of("no", "busy", "yes"),
                        95,
                        3)));
    }

    @Test
    void helpShouldPrintEveryOptionAndExitZero() {
        // given
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // when
        int code = Simulator.run(new String[] {"--help"}, print(out), print(err));

        // then
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--key", "--to", "--from", "--answers", "--talk", "--server", "--calls", "--help");
        assertThat(err.size()).isZero();
    }

    @Test
    void badCommandLinesShouldPrintOneLineAndExitTwo() {
        String[][] bad = {
            {},
            {"--key", "sb_k"},
            {"--key", "sb_k", "--to"},
            {"--key", "sb_k", "--to", "+18665550100", "--calls", "many"},
            {"--key", "sb_k", "--to", "+18665550100", "--calls", "0"},
            {"--key", "sb_k", "--to", "+18665550100", "--answers", "maybe"},
            {"--key", "sb_k", "--to", "+18665550100", "--server", "127.0.0.1:8080"},
            {"--key", "sb_k", "--to", "+18665550100", "--colour", "red"},
            {"sb_k"},
        };
        for (String[] args : bad) {
            // given
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            // when
            int code = Simulator.run(args, print(out), print(err));

            // then
            String printed = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(String.join(" ", args)).isEqualTo(2);
            assertThat(printed.strip())
                    .as(String.join(" ", args))
                    .startsWith("simulate: ")
                    .doesNotContain("\n");
            assertThat(printed).contains("--help");
            assertThat(out.size()).isZero();
        }
    }

    @Test
    void failuresShouldSayWhatToDo() {
        String server = "http://127.0.0.1:8080";
        assertThat(Simulator.failure(new Simulator.Refused(401, "unauthorized", "invalid API key"), server))
                .contains("refused the API key", "--key");
        assertThat(Simulator.failure(new Simulator.Refused(404, "not_found", "no such call"), server))
                .isEqualTo("the server at http://127.0.0.1:8080 answered HTTP 404 not_found: no such call");
        assertThat(Simulator.failure(new ConnectException(), server)).contains("no Switchboard answers", "--server");
        assertThat(Simulator.failure(new IOException("HTTP 200 with a body that is not JSON"), server))
                .contains("not JSON", "--server");
    }

    @Test
    void anUnreachableServerShouldBeOneLineAndExitOne() {
        // given: a port nothing listens on (the discard port is closed on test machines)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // when
        int code = Simulator.run(
                new String[] {"--key", "sb_k", "--to", "+18665550100", "--server", "http://127.0.0.1:9"},
                print(out),
                print(err));

        // then
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("simulate: no Switchboard answers at http://127.0.0.1:9 (start it with ./switchboard, or"
                        + " pass --server URL)" + System.lineSeparator());
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
