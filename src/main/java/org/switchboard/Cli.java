package org.switchboard;

import java.util.List;
import java.util.Map;
import org.switchboard.telephony.Simulator;

/**
 * The front door's command line: {@code ./switchboard [--demo]} starts the server, {@code test} and {@code simulate}
 * are run by the script, and {@code --help} / {@code help [command]} describe all three. Pure: {@link Main} prints
 * what this returns and maps it to an exit code.
 */
final class Cli {
    static final String OVERVIEW = """
            usage: ./switchboard [command] [options]     (or java -jar target/switchboard.jar [options] to start)
            commands:
              start [--demo]      start the server (the default when no command is given)
              test [maven args]   run the whole test suite on a JDK 25
              simulate [options]  play calls through a running server
              help [command]      this text, or one command's options
            Settings come from SWITCHBOARD_* environment variables (README.md lists them; every value is checked
            at start-up). ./switchboard help <command> shows a command's options.""";

    private static final Map<String, String> COMMANDS =
            Map.of("start", """
            usage: ./switchboard [start] [--demo]
            Starts the server on SWITCHBOARD_BIND_ADDRESS:SWITCHBOARD_PORT (127.0.0.1:8080 by default), building
            target/switchboard.jar first when it is missing or older than the sources.
              --demo    seed a demo campaign, number, publisher and two buyers on first start
                        (the same as SWITCHBOARD_DEMO_DATA=true)
              --help    this text""", "test", """
            usage: ./switchboard test [maven args]
            Runs the whole test suite (./mvnw verify [maven args]): unit tests, then the integration tests once on
            SQLite and once on the PostgreSQL at 127.0.0.1:5432 (SWITCHBOARD_TEST_POSTGRES_URL names another).""", "simulate", Simulator.USAGE, "help", """
            usage: ./switchboard help [command]
            Lists the commands, or one command's options.""");

    private Cli() {}

    /** What the command line asks Main for. */
    sealed interface Command {
        /** Start the server; {@code demo} seeds demo data on first start. */
        record Start(boolean demo) implements Command {}

        /** Print this text and stop. */
        record Help(String text) implements Command {}

        /** A bad command line: one line saying what is wrong and what to do. */
        record Invalid(String message) implements Command {}
    }

    static Command parse(List<String> args) {
        if (!args.isEmpty() && args.getFirst().equals("help")) {
            return args.size() == 1 ? new Command.Help(OVERVIEW) : help(args.get(1));
        }
        boolean startNamed = !args.isEmpty() && args.getFirst().equals("start");
        List<String> options = startNamed ? args.subList(1, args.size()) : args;
        boolean demo = false;
        for (String arg : options) {
            switch (arg) {
                case "--help", "-h" -> {
                    return startNamed ? help("start") : new Command.Help(OVERVIEW);
                }
                case "--demo" -> demo = true;
                default -> {
                    return new Command.Invalid("unknown "
                            + (arg.startsWith("-") ? "option " : "command ") + arg
                            + "; ./switchboard --help lists the commands and options");
                }
            }
        }
        return new Command.Start(demo);
    }

    private static Command help(String command) {
        String text = COMMANDS.get(command);
        return text == null
                ? new Command.Invalid("no command " + command + "; the commands are start, test, simulate and help")
                : new Command.Help(text);
    }
}
