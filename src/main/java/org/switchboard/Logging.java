package org.switchboard;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.switchboard.platform.config.SwitchboardConfig;

/**
 * One-line log records on standard error, as text or as JSON ({@code SWITCHBOARD_LOG_FORMAT}), written by one thread
 * off the requests' ({@link QueuedConsoleHandler}); chatty libraries turned down to warnings.
 */
final class Logging {
    /** java.util.logging keeps loggers weakly; these hold the configured levels for the life of the process. */
    private static final List<Logger> CONFIGURED = new ArrayList<>();

    private Logging() {}

    static void configure(SwitchboardConfig.LogFormat format) {
        if (LogManager.getLogManager() instanceof LogManagerKeptOnShutdown kept) {
            kept.resetNow();
        } else {
            LogManager.getLogManager().reset();
        }
        Logger root = Logger.getLogger("");
        root.addHandler(new QueuedConsoleHandler(
                format == SwitchboardConfig.LogFormat.JSON ? new JsonLogFormatter() : new TextLogFormatter()));
        root.setLevel(Level.INFO);
        for (String noisy : new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.helidon"}) {
            Logger logger = Logger.getLogger(noisy);
            logger.setLevel(Level.WARNING);
            CONFIGURED.add(logger);
        }
    }

    /**
     * Writes out and closes what the log handlers still hold: the last lines of a stop, which the JVM's exit would
     * lose (the shutdown does not close them; see {@link LogManagerKeptOnShutdown}).
     */
    static void flush() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.close();
        }
    }
}
