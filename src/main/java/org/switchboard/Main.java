package org.switchboard;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import org.switchboard.platform.config.ConfigException;
import org.switchboard.platform.config.ConfigLoader;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.live.LiveStateUnavailable;

/** Starts Switchboard from the defaults file and {@code SWITCHBOARD_*} environment variables. */
public final class Main {
    static {
        // before the first logger exists: a graceful stop logs until the end (see LogManagerKeptOnShutdown)
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", LogManagerKeptOnShutdown.class.getName());
        }
    }

    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    private Main() {}

    /** The innermost message of a start-up failure: it names the real problem (a refused connection, a busy port). */
    private static String rootMessage(Throwable error) {
        Throwable root = error;
        String message = String.valueOf(error.getMessage());
        // a Throwable's equals is identity: this stops at an exception that names itself as its cause
        for (Throwable cause = root.getCause(); cause != null && !cause.equals(root); cause = root.getCause()) {
            root = cause;
            String causeMessage = cause.getMessage();
            if (causeMessage != null) {
                message = causeMessage;
            }
        }
        return message;
    }

    public static void main(String[] args) throws InterruptedException {
        long startNanos = System.nanoTime();
        // Before the first virtual thread exists: on small machines a few more carrier threads than cores keep tail
        // latency low when another process competes for the CPU (see the architecture notes).
        if (System.getProperty(PARALLELISM) == null) {
            System.setProperty(
                    PARALLELISM,
                    Integer.toString(Math.max(3, Runtime.getRuntime().availableProcessors())));
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        readCommand(args, env);
        SwitchboardConfig config;
        try {
            config = ConfigLoader.load(env);
        } catch (ConfigException e) {
            System.err.println("Switchboard cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logging.configure(config.logFormat());
        Clock clock = Clock.systemUTC();
        Wiring wiring;
        try {
            // the banner (a first start's key) is printed before /ready answers 200
            wiring = Wiring.startAnnouncing(config, clock, System.out::println);
        } catch (LiveStateUnavailable e) {
            System.err.println("Switchboard cannot start: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("Switchboard cannot start: " + rootMessage(e));
            System.exit(1);
            return;
        }
        LOG.info(() -> "Switchboard listening on http://" + wiring.config().bindAddress() + ":" + wiring.port()
                + " (" + wiring.database().engine().name().toLowerCase(Locale.ROOT) + " store), started in "
                + Duration.ofNanos(System.nanoTime() - startNanos).toMillis() + " ms");
        awaitStop(wiring);
    }

    /** Answers {@code --help} and a bad command line (and exits); {@code --demo} asks for the demo data in {@code env}. */
    private static void readCommand(String[] args, Map<String, String> env) {
        switch (Cli.parse(List.of(args))) {
            case Cli.Command.Help help -> {
                System.out.println(help.text());
                System.exit(0);
            }
            case Cli.Command.Invalid invalid -> {
                System.err.println(invalid.message());
                System.exit(2);
            }
            case Cli.Command.Start start -> {
                if (start.demo()) {
                    env.put("SWITCHBOARD_DEMO_DATA", "true");
                }
            }
        }
    }

    /** Waits until the process is asked to stop, then stops gracefully (see {@link Wiring#close}). */
    private static void awaitStop(Wiring wiring) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: refusing new requests, letting those in flight finish (at most "
                    + wiring.config().operations().shutdownGrace().toSeconds() + " s)");
            long stopStart = System.nanoTime();
            wiring.close();
            LOG.info(() -> "stopped in "
                    + Duration.ofNanos(System.nanoTime() - stopStart).toMillis() + " ms");
            Logging.flush();
            stopped.countDown();
        }));
        stopped.await();
    }
}
