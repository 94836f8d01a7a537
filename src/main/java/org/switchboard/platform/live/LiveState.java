package org.switchboard.platform.live;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * Hot, short-lived shared state: counters with limits, values that expire, and schedules of work due at an instant.
 * Every operation is atomic, so two nodes (or two threads) can never both take the last unit of a cap or both claim
 * one reservation. One implementation keeps it in memory for a single node; a Redis one lets several nodes share it.
 *
 * <p>The value and schedule operations are chosen so that each is one Redis command (named on each method), so the
 * Redis implementation is a thin translation. An implementation that cannot reach its store throws
 * {@link LiveStateUnavailable}. Keys and values are strings; a key holds either a value or a count
 * ({@link #increment}), never both. An expired key reads as absent.
 */
public interface LiveState {

    /**
     * A counter and the limit it must stay within. {@code expiresAt} ends the counter (a day's count expires after
     * the day); {@code seed} gives its starting value when it is first used, so counts can be rebuilt from the SQL
     * record after a restart.
     *
     * <p>A {@code leased} counter (concurrency) counts holders rather than units: each unit is held by a named holder
     * (a call, a reservation) until the end of its {@link Lease}, which the holder renews while it lives. A holder that
     * dies with its node stops renewing, and its unit is free again when its lease ends, instead of being counted for
     * ever.
     */
    record Counter(String key, long limit, Instant expiresAt, LongSupplier seed, boolean leased) {
        public Counter(String key, long limit, Instant expiresAt, LongSupplier seed) {
            this(key, limit, expiresAt, seed, false);
        }

        /** A counter of holders with leases, such as the calls live on a buyer at once. */
        public static Counter leased(String key, long limit) {
            return new Counter(key, limit, Instant.MAX, () -> 0L, true);
        }
    }

    /**
     * Who takes units of leased counters and until when: from {@code at} (the caller's clock, which also judges whose
     * leases have ended) for {@code length}. Counted counters ignore it.
     */
    record Lease(String holder, Instant at, Duration length) {
        public Lease {
            if (holder.isEmpty() || holder.indexOf('|') >= 0 || length.isNegative() || length.isZero()) {
                throw new IllegalArgumentException("a lease needs a holder without '|' and a positive length");
            }
        }

        public Instant until() {
            return at.plus(length);
        }
    }

    /**
     * Adds one to every counter (a leased one: {@code lease}'s holder, unless it holds a unit already) if all of them
     * are below their limits, and returns empty; otherwise changes nothing and returns the index of the first counter
     * that is full. Leases that ended before {@code lease.at()} do not count.
     */
    OptionalInt tryAcquire(List<Counter> counters, Lease lease);

    /** Takes one back from every counted counter (never below zero, never creating it) and ends the holder's leases. */
    void release(List<Counter> counters, String holder);

    /**
     * Extends the holder's leases on these counters to {@code lease.until()}. A lease that has already ended is not
     * taken again (its unit may be someone else's by now).
     */
    void renew(List<Counter> counters, Lease lease);

    /** The current value of a counter (seeding it when first used); for a leased one, its holders now. */
    long current(Counter counter);

    /** Stores {@code value} under {@code key} for {@code ttl} unless the key holds a value: {@code SET NX PX}. */
    boolean putIfAbsent(String key, String value, Duration ttl);

    /** What {@link #putIfAbsentUnless} did. */
    enum Guarded {
        /** The value is stored. */
        STORED,
        /** {@code key} held a value: nothing stored. */
        TAKEN,
        /** {@code guard} held a value: nothing stored. */
        GUARDED
    }

    /**
     * Stores {@code value} under {@code key} for {@code ttl} unless {@code guard} holds a value or {@code key} does, as
     * one step (a script in Redis: one round trip for what would be a read, a write and a read again). A processing
     * marker that must not be set while a reservation is held is set this way.
     */
    Guarded putIfAbsentUnless(String key, String value, Duration ttl, String guard);

    /** Stores {@code value} under {@code key} for {@code ttl}, replacing what was there: {@code SET PX}. */
    void put(String key, String value, Duration ttl);

    /**
     * Replaces the value of {@code key} with {@code value} (for {@code ttl} from now) only if it is exactly
     * {@code expected}: {@code SET key value IFEQ expected PX ttl} (Redis 8.4; a three-line script before it).
     * This is the one compare-and-set that state machines kept in live state build on.
     */
    boolean replace(String key, String expected, String value, Duration ttl);

    /** The value of {@code key}: {@code GET}. */
    Optional<String> get(String key);

    /** Removes and returns the value of {@code key}, atomically, so exactly one caller gets it: {@code GETDEL}. */
    Optional<String> take(String key);

    /** Removes {@code key}: {@code DEL}. */
    void delete(String key);

    /**
     * Removes {@code key} only if it holds exactly {@code expected} (so a holder releases only its own marker):
     * {@code DELEX key IFEQ expected} (Redis 8.4; a three-line script before it).
     */
    boolean deleteIfEquals(String key, String expected);

    /**
     * Adds one to the count under {@code key} and returns the new count; a key that does not exist starts at 0 and
     * expires {@code ttl} after this first use (later increments keep that expiry): {@code INCR}, then
     * {@code PEXPIRE} when it answered 1.
     */
    long increment(String key, Duration ttl);

    /**
     * Puts {@code member} on {@code queue}, due at {@code at}; a member already on the queue moves to the new time:
     * {@code ZADD queue at member}.
     */
    void schedule(String queue, String member, Instant at);

    /**
     * Removes and returns up to {@code max} members of {@code queue} due at or before {@code now}, earliest first.
     * Each member is returned to exactly one caller, however many nodes ask: {@code ZRANGE BYSCORE} and {@code ZREM}
     * in one script (or {@code ZPOPMIN} and a re-add of what is not yet due).
     */
    List<String> takeDue(String queue, Instant now, int max);

    /** Whether the store answers now (the readiness probe); state held in this process always does. */
    default boolean reachable() {
        return true;
    }

    /** Where the state lives, for the readiness probe: {@code memory} or {@code redis}. */
    default String engine() {
        return "memory";
    }
}
