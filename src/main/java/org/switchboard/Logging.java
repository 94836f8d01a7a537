package org.switchboard;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.switchboard.platform.config.SwitchboardConfig;

/**
 * One-line log records on standard error, as text or as JSON ({@code SWITCHBOARD_LOG_FORMAT}); chatty libraries
 * turned down to warnings.
 */
final class Logging {
    /** java.util.logging keeps loggers weakly; these hold the configured levels for the life of the process. */
    private static final java.util.List<Logger> CONFIGURED = new java.util.ArrayList<>();

    private Logging() {}

    static void configure(SwitchboardConfig.LogFormat format) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s - %5$s%6$s%n");
        if (LogManager.getLogManager() instanceof LogManagerKeptOnShutdown kept) {
            kept.resetNow();
        } else {
            LogManager.getLogManager().reset();
        }
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(
                format == SwitchboardConfig.LogFormat.JSON ? new JsonLogFormatter() : new TextLogFormatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        for (String noisy : new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.helidon"}) {
            Logger logger = Logger.getLogger(noisy);
            logger.setLevel(Level.WARNING);
            CONFIGURED.add(logger);
        }
    }
}
