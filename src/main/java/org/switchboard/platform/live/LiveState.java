package org.switchboard.platform.live;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * Hot, short-lived shared state: counters with limits. Every operation is atomic across all the counters it names,
 * so two nodes (or two threads) can never both take the last unit of a cap. One implementation keeps it in memory
 * for a single node; a Redis one lets several nodes share it.
 */
public interface LiveState {

    /**
     * A counter and the limit it must stay within. {@code expiresAt} ends the counter (a day's count expires after
     * the day); {@code seed} gives its starting value when it is first used, so counts can be rebuilt from the SQL
     * record after a restart.
     */
    record Counter(String key, long limit, Instant expiresAt, LongSupplier seed) {}

    /**
     * Adds one to every counter if all of them are below their limits, and returns empty; otherwise changes nothing
     * and returns the index of the first counter that is full.
     */
    OptionalInt tryAcquire(List<Counter> counters);

    /** Takes one back from every counter (never below zero). */
    void release(List<Counter> counters);

    /** The current value of a counter (seeding it when first used). */
    long current(Counter counter);
}
