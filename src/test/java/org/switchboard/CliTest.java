package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The front door's command line: help for every command, a one-line answer to a bad one. */
class CliTest {

    @Test
    void helpShouldListEveryCommandAndTheStartOptions() {
        for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("help"))) {
            // when
            Cli.Command command = Cli.parse(args);

            // then
            assertThat(command)
                    .isInstanceOfSatisfying(
                            Cli.Command.Help.class,
                            help -> assertThat(help.text())
                                    .contains("start [--demo]", "test", "simulate", "help [command]"));
        }
    }

    @Test
    void helpForACommandShouldListItsOptions() {
        assertThat(Cli.parse(List.of("help", "simulate")))
                .isInstanceOfSatisfying(
                        Cli.Command.Help.class,
                        help -> assertThat(help.text())
                                .contains("--key", "--to", "--from", "--answers", "--talk", "--server", "--calls"));
        assertThat(Cli.parse(List.of("help", "start")))
                .isInstanceOfSatisfying(
                        Cli.Command.Help.class, help -> assertThat(help.text()).contains("--demo"));
        assertThat(Cli.parse(List.of("start", "--help")))
                .isInstanceOfSatisfying(
                        Cli.Command.Help.class, help -> assertThat(help.text()).contains("--demo"));
        assertThat(Cli.parse(List.of("help", "test")))
                .isInstanceOfSatisfying(
                        Cli.Command.Help.class, help -> assertThat(help.text()).contains("./mvnw verify"));
    }

    @Test
    void startShouldTakeDemoWithOrWithoutTheCommandName() {
        assertThat(Cli.parse(List.of())).isEqualTo(new Cli.Command.Start(false));
        assertThat(Cli.parse(List.of("--demo"))).isEqualTo(new Cli.Command.Start(true));
        assertThat(Cli.parse(List.of("start", "--demo"))).isEqualTo(new Cli.Command.Start(true));
    }

    @Test
    void aBadCommandLineShouldBeOneLineSayingWhatToDo() {
        for (List<String> args : List.of(List.of("--port=9"), List.of("serve"), List.of("help", "deploy"))) {
            // when
            Cli.Command command = Cli.parse(args);

            // then
            assertThat(command).isInstanceOfSatisfying(Cli.Command.Invalid.class, invalid -> {
                assertThat(invalid.message()).doesNotContain("\n").contains(args.getLast());
                assertThat(invalid.message()).containsAnyOf("--help", "the commands are");
            });
        }
    }
}
