package org.switchboard;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import org.switchboard.platform.config.ConfigException;
import org.switchboard.platform.config.ConfigLoader;
import org.switchboard.platform.config.SwitchboardConfig;

/** Starts Switchboard from the defaults file and {@code SWITCHBOARD_*} environment variables. */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        long startNanos = System.nanoTime();
        Logging.configure();
        Map<String, String> env = new HashMap<>(System.getenv());
        for (String arg : args) {
            if (arg.equals("--demo")) {
                env.put("SWITCHBOARD_DEMO_DATA", "true");
            } else {
                System.err.println("unknown argument " + arg + " (known: --demo)");
                System.exit(2);
            }
        }
        SwitchboardConfig config;
        try {
            config = ConfigLoader.load(env);
        } catch (ConfigException e) {
            System.err.println("Switchboard cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Clock clock = Clock.systemUTC();
        Wiring wiring = Wiring.start(config, clock);
        wiring.firstStartBanner().ifPresent(System.out::println);
        LOG.info(() -> "Switchboard listening on http://" + wiring.config().bindAddress() + ":" + wiring.port()
                + " (" + wiring.database().engine().name().toLowerCase(java.util.Locale.ROOT) + " store), started in "
                + Duration.ofNanos(System.nanoTime() - startNanos).toMillis() + " ms");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            wiring.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
