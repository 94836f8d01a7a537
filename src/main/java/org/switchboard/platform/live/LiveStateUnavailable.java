package org.switchboard.platform.live;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared live state did not answer in time or cannot be reached. Requests that need it fail fast with this, and
 * the edges turn it into a clear refusal (a 503, or an RTB {@code rejected} with an {@code info}), never a 500.
 */
public final class LiveStateUnavailable extends RuntimeException {
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicLong LAST_WARNED = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private static final AtomicLong UNWARNED = new AtomicLong();

    public LiveStateUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether a request refused for want of the live state should be logged now: the first, then at most one every
     * 10 s, saying how many were refused in between ({@code refusedSince}), so an outage under thousands of pings a
     * second writes a line every 10 s rather than thousands.
     */
    public static OptionalLong warnNow() {
        long now = System.nanoTime();
        long last = LAST_WARNED.get();
        if (now - last < WARN_EVERY_NANOS || !LAST_WARNED.compareAndSet(last, now)) {
            UNWARNED.incrementAndGet();
            return OptionalLong.empty();
        }
        return OptionalLong.of(UNWARNED.getAndSet(0));
    }
}
