package org.switchboard.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way tests wait: for an event, with a deadline, failing loudly. Each wait names what it waits for; when the
 * deadline passes it throws an {@link AssertionError} with that name and the last value it saw, so a failure says what
 * never happened and how far it got. Tests never sleep for a fixed time to let something happen: they wait here for
 * the event (or, to show that something did not happen, for a later event that would have come after it).
 */
public final class Await {
    /** Long enough for a loaded machine; a wait that passes returns as soon as its event is seen. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private static final long FIRST_PAUSE_MILLIS = 5;
    private static final long LONGEST_PAUSE_MILLIS = 100;

    private Await() {}

    /** Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} after 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    /** Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} after {@code within}. */
    public static void until(String what, Duration within, BooleanSupplier condition) {
        until(what, within, condition::getAsBoolean, Boolean::booleanValue);
    }

    /**
     * Reads {@code value} until it satisfies {@code done} and returns it; after 10 s throws {@link AssertionError}
     * naming {@code what} and the last value read.
     */
    public static <T> T until(String what, Supplier<T> value, Predicate<? super T> done) {
        return until(what, DEFAULT, value, done);
    }

    /**
     * Reads {@code value} until it satisfies {@code done} and returns it; after {@code within} throws
     * {@link AssertionError} naming {@code what} and the last value read. An exception from {@code value} or
     * {@code done} is not waited out: it fails the wait at once.
     */
    public static <T> T until(String what, Duration within, Supplier<T> value, Predicate<? super T> done) {
        long deadline = System.nanoTime() + within.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            T seen = value.get();
            if (done.test(seen)) {
                return seen;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        "still waiting after " + describe(within) + " for " + what + "; last seen: " + seen);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what + "; last seen: " + seen, e);
            }
            pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
        }
    }

    /**
     * Returns as soon as {@code latch} opens (without polling, for waits where the moment matters); after
     * {@code within} throws {@link AssertionError} naming {@code what} and the count still left.
     */
    public static void until(String what, Duration within, CountDownLatch latch) {
        try {
            if (!latch.await(within.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("still waiting after " + describe(within) + " for " + what + "; last seen: "
                        + latch.getCount() + " still to come");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    private static String describe(Duration within) {
        return within.toMillis() % 1000 == 0 ? within.toSeconds() + " s" : within.toMillis() + " ms";
    }
}
