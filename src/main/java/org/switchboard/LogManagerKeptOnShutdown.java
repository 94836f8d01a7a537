package org.switchboard;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, except that the JVM's shutdown does not close the log handlers: the JDK resets the
 * standard manager in a shutdown hook of its own, which would silence the lines a graceful stop writes (the requests
 * it lets finish, the writers it flushes). {@link Main} installs it before anything logs; {@link Logging} resets it
 * on purpose with {@link #resetNow}.
 */
public final class LogManagerKeptOnShutdown extends LogManager {
    /** Ignored: called by the JDK's shutdown hook, while the server still logs its stop. */
    @Override
    public void reset() {}

    /** The reset {@link LogManager#reset} does: every handler closed and removed. */
    void resetNow() {
        super.reset();
    }
}
