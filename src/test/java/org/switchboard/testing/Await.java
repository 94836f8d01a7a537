package org.switchboard.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for an event with a deadline, and fails loudly naming what never happened. */
public final class Await {
    private static final Duration DEFAULT = Duration.ofSeconds(10);

    private Await() {}

    /** Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} after 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    public static void until(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still waiting after " + within.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
