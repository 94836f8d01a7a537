package org.switchboard;

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
    private static final java.util.List<Logger> CONFIGURED = new java.util.ArrayList<>();

    private Logging() {}

    static void configure(SwitchboardConfig.LogFormat format) {
        LogManager.getLogManager().reset();
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
}
