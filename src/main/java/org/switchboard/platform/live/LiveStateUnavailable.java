package org.switchboard.platform.live;

/**
 * The shared live state did not answer in time or cannot be reached. Requests that need it fail fast with this, and
 * the edges turn it into a clear refusal (a 503, or an RTB {@code rejected} with an {@code info}), never a 500.
 */
public final class LiveStateUnavailable extends RuntimeException {
    private static final long WARN_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final java.util.concurrent.atomic.AtomicLong LAST_WARNED =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private static final java.util.concurrent.atomic.AtomicLong UNWARNED = new java.util.concurrent.atomic.AtomicLong();

    public LiveStateUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether a request refused for want of the live state should be logged now: the first, then at most one every
     * 10 s, saying how many were refused in between ({@code refusedSince}), so an outage under thousands of pings a
     * second writes a line every 10 s rather than thousands.
     */
    public static java.util.OptionalLong warnNow() {
        long now = System.nanoTime();
        long last = LAST_WARNED.get();
        if (now - last < WARN_EVERY_NANOS || !LAST_WARNED.compareAndSet(last, now)) {
            UNWARNED.incrementAndGet();
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(UNWARNED.getAndSet(0));
    }
}
