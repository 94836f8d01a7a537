package org.switchboard.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for an event with a deadline, and fails loudly when it does not come. */
public final class Await {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private Await() {}

    /** Returns as soon as {@code condition} holds; fails naming {@code what} after 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        long until = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("waited " + DEADLINE.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
