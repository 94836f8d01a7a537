package org.switchboard.platform.live;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Live state of a single node.
 *
 * <p>Cap counters: one lock makes multi-counter operations atomic; they are a few map look-ups, so the lock is held
 * for microseconds.
 *
 * <p>Values and counts: a {@link ConcurrentHashMap} whose per-key atomic {@code compute} gives each operation the
 * atomicity of its Redis command without a global lock, so pings on different keys never wait for each other. It is
 * built to hold millions of short-lived reservations: a value is kept as one byte array holding its expiry and its
 * UTF-8 bytes (no wrapper object per key), and an expired key is dropped when read and by a sweep that runs in the
 * background every few seconds.
 *
 * <p>Schedules: per queue, members by due time under a lock of their own.
 */
public final class InMemoryLiveState implements LiveState {
    /** How often (in this state's clock) expired values are swept out. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

    private static final int EXPIRY_BYTES = Long.BYTES;
    private static final VarHandle LONG_IN_BYTES =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> keyToEntry = new HashMap<>();
    /** Leased counters: each holder and the end of its lease (under {@link #lock}). */
    private final Map<String, Map<String, Instant>> keyToHolders = new HashMap<>();

    private Instant nextSweep = Instant.MIN;

    /** Values are {@code byte[]} (expiry millis, then UTF-8) or {@link Count}. */
    private final ConcurrentHashMap<String, Object> keyToValue = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, Schedule> queueToSchedule = new ConcurrentHashMap<>();
    private volatile long nextValueSweepMillis = Long.MIN_VALUE;
    private final AtomicBoolean sweeping = new AtomicBoolean();

    private static final class Entry {
        long value;
        final Instant expiresAt;

        Entry(long value, Instant expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }

    /**
     * A count kept by {@link #increment}: counted in place while it lasts (every RTB ping of a key counts on one key,
     * and a new object per count showed in the ping's profile); an expired one is replaced, never counted again.
     */
    private static final class Count {
        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(Count.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile long value;

        final long expiresAtMillis;

        Count(long value, long expiresAtMillis) {
            this.value = value;
            this.expiresAtMillis = expiresAtMillis;
        }

        long value() {
            return value;
        }

        long increment() {
            return (long) VALUE.getAndAdd(this, 1L) + 1;
        }
    }

    public InMemoryLiveState(Clock clock) {
        this.clock = clock;
    }

    @Override
    public OptionalInt tryAcquire(List<Counter> counters, Lease lease) {
        return underLock(counters, seeds -> {
            Instant now = sweep();
            for (int i = 0; i < counters.size(); i++) {
                Counter counter = counters.get(i);
                boolean full = counter.leased()
                        ? !holders(counter, lease.at()).containsKey(lease.holder())
                                && holders(counter, lease.at()).size() >= counter.limit()
                        : entry(counter, now, seeds).value >= counter.limit();
                if (full) {
                    return OptionalInt.of(i);
                }
            }
            for (Counter counter : counters) {
                if (counter.leased()) {
                    keyToHolders
                            .computeIfAbsent(counter.key(), k -> new HashMap<>())
                            .put(lease.holder(), lease.until());
                } else {
                    entry(counter, now, seeds).value++;
                }
            }
            return OptionalInt.empty();
        });
    }

    /** Gives a unit back to each counter that exists; an absent (or ended) counter is not created by a release. */
    @Override
    public void release(List<Counter> counters, String holder) {
        lock.lock();
        try {
            Instant now = sweep();
            for (Counter counter : counters) {
                if (counter.leased()) {
                    Map<String, Instant> holders = keyToHolders.get(counter.key());
                    if (holders != null) {
                        holders.remove(holder);
                        if (holders.isEmpty()) {
                            keyToHolders.remove(counter.key());
                        }
                    }
                    continue;
                }
                Entry entry = keyToEntry.get(counter.key());
                if (entry != null && entry.expiresAt.isAfter(now)) {
                    entry.value = Math.max(0, entry.value - 1);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void renew(List<Counter> counters, Lease lease) {
        lock.lock();
        try {
            for (Counter counter : counters) {
                if (counter.leased()) {
                    holders(counter, lease.at()).computeIfPresent(lease.holder(), (h, until) -> lease.until());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long current(Counter counter) {
        if (counter.leased()) {
            lock.lock();
            try {
                return holders(counter, clock.instant()).size();
            } finally {
                lock.unlock();
            }
        }
        return underLock(List.of(counter), seeds -> entry(counter, sweep(), seeds).value);
    }

    /** The holders of a leased counter whose leases have not ended at {@code now} (ended ones are dropped). */
    private Map<String, Instant> holders(Counter counter, Instant now) {
        Map<String, Instant> holders = keyToHolders.get(counter.key());
        if (holders == null) {
            return new HashMap<>();
        }
        holders.values().removeIf(until -> !until.isAfter(now));
        return holders;
    }

    /**
     * Runs {@code body} under the lock with the starting values of the counted counters not held yet. Those are read
     * from their source (SQL) without the lock, so a slow read never holds up pings on other counters; the usual case,
     * every counter held already, takes the lock once. When two threads seed one counter, the first to store it wins.
     */
    private <T> T underLock(List<Counter> counters, Function<Map<String, Long>, T> body) {
        List<Counter> absent = new ArrayList<>();
        lock.lock();
        try {
            Instant now = clock.instant();
            for (Counter counter : counters) {
                Entry entry = keyToEntry.get(counter.key());
                if (!counter.leased() && (entry == null || !entry.expiresAt.isAfter(now))) {
                    absent.add(counter);
                }
            }
            if (absent.isEmpty()) {
                return body.apply(Map.of());
            }
        } finally {
            lock.unlock();
        }
        Map<String, Long> seeds = new HashMap<>();
        for (Counter counter : absent) {
            seeds.put(counter.key(), counter.seed().getAsLong());
        }
        lock.lock();
        try {
            return body.apply(seeds);
        } finally {
            lock.unlock();
        }
    }

    /** The counter's entry, created from its seed (or 0 for one that ended while its seed was read) when absent. */
    private Entry entry(Counter counter, Instant now, Map<String, Long> seeds) {
        Entry entry = keyToEntry.get(counter.key());
        if (entry == null || !entry.expiresAt.isAfter(now)) {
            entry = new Entry(seeds.getOrDefault(counter.key(), 0L), counter.expiresAt());
            keyToEntry.put(counter.key(), entry);
        }
        return entry;
    }

    private Instant sweep() {
        Instant now = clock.instant();
        if (now.isAfter(nextSweep)) {
            for (Iterator<Entry> it = keyToEntry.values().iterator(); it.hasNext(); ) {
                if (!it.next().expiresAt.isAfter(now)) {
                    it.remove();
                }
            }
            nextSweep = now.plusSeconds(60);
        }
        return now;
    }

    // --- values and counts -------------------------------------------------------------------------------------

    /** Looks at the guard before and after storing, so a guard set in between is seen (the marker is taken back). */
    @Override
    public Guarded putIfAbsentUnless(String key, String value, Duration ttl, String guard) {
        if (get(guard).isPresent()) {
            return Guarded.GUARDED;
        }
        if (!putIfAbsent(key, value, ttl)) {
            return Guarded.TAKEN;
        }
        if (get(guard).isPresent()) {
            deleteIfEquals(key, value);
            return Guarded.GUARDED;
        }
        return Guarded.STORED;
    }

    @Override
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        long now = now();
        byte[] stored = pack(value, now + positive(ttl));
        boolean[] put = {false};
        keyToValue.compute(key, (k, old) -> {
            if (old != null && !expired(old, now)) {
                return old;
            }
            put[0] = true;
            return stored;
        });
        sweepWhenDue();
        return put[0];
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        keyToValue.put(key, pack(value, now() + positive(ttl)));
        sweepWhenDue();
    }

    @Override
    public boolean replace(String key, String expected, String value, Duration ttl) {
        long now = now();
        byte[] stored = pack(value, now + positive(ttl));
        boolean[] replaced = {false};
        keyToValue.computeIfPresent(key, (k, old) -> {
            if (expired(old, now)) {
                return null;
            }
            if (!holds(old, expected)) {
                return old;
            }
            replaced[0] = true;
            return stored;
        });
        return replaced[0];
    }

    @Override
    public Optional<String> get(String key) {
        Object value = keyToValue.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (expired(value, now())) {
            keyToValue.remove(key, value);
            return Optional.empty();
        }
        return Optional.of(text(value));
    }

    @Override
    public Optional<String> take(String key) {
        long now = now();
        Object[] taken = {null};
        keyToValue.computeIfPresent(key, (k, old) -> {
            if (!expired(old, now)) {
                taken[0] = old;
            }
            return null;
        });
        return taken[0] == null ? Optional.empty() : Optional.of(text(taken[0]));
    }

    @Override
    public void delete(String key) {
        keyToValue.remove(key);
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
        long now = now();
        boolean[] deleted = {false};
        keyToValue.computeIfPresent(key, (k, old) -> {
            if (expired(old, now)) {
                return null;
            }
            if (!holds(old, expected)) {
                return old;
            }
            deleted[0] = true;
            return null;
        });
        return deleted[0];
    }

    @Override
    public long increment(String key, Duration ttl) {
        long now = now();
        if (keyToValue.get(key) instanceof Count count && count.expiresAtMillis > now) {
            // counted in place, as INCR on a key that has not expired; a count that expires or is deleted meanwhile
            // took this increment before it went
            sweepWhenDue();
            return count.increment();
        }
        long[] counted = {0};
        keyToValue.compute(key, (k, old) -> {
            if (old == null || expired(old, now)) {
                counted[0] = 1;
                return new Count(1, now + positive(ttl));
            }
            if (old instanceof Count count) {
                counted[0] = count.increment();
                return count;
            }
            throw new IllegalStateException("live-state key " + key + " holds a value, not a count");
        });
        sweepWhenDue();
        return counted[0];
    }

    /** How many keys hold values or counts, expired ones not yet swept included (for tests and benchmarks). */
    int keyCount() {
        return keyToValue.size();
    }

    /** Drops every expired value and count now. */
    void sweepValues() {
        long now = now();
        keyToValue.values().removeIf(value -> expired(value, now));
    }

    /**
     * Starts a sweep on a virtual thread when one is due, so the request that notices it does not pay for walking a
     * million keys, and never two at once.
     */
    private void sweepWhenDue() {
        long now = now();
        if (now < nextValueSweepMillis || !sweeping.compareAndSet(false, true)) {
            return;
        }
        nextValueSweepMillis = now + SWEEP_EVERY.toMillis();
        Thread.ofVirtual().name("live-state-sweep").start(() -> {
            try {
                sweepValues();
            } finally {
                sweeping.set(false);
            }
        });
    }

    private long now() {
        return clock.millis();
    }

    private static long positive(Duration ttl) {
        long millis = ttl.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("a live-state TTL must be positive, not " + ttl);
        }
        return millis;
    }

    private static byte[] pack(String value, long expiresAtMillis) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] packed = new byte[EXPIRY_BYTES + text.length];
        LONG_IN_BYTES.set(packed, 0, expiresAtMillis);
        System.arraycopy(text, 0, packed, EXPIRY_BYTES, text.length);
        return packed;
    }

    private static boolean expired(Object value, long now) {
        long expiresAt =
                value instanceof Count count ? count.expiresAtMillis : (long) LONG_IN_BYTES.get((byte[]) value, 0);
        return expiresAt <= now;
    }

    private static String text(Object value) {
        if (value instanceof Count count) {
            return Long.toString(count.value());
        }
        byte[] packed = (byte[]) value;
        return new String(packed, EXPIRY_BYTES, packed.length - EXPIRY_BYTES, StandardCharsets.UTF_8);
    }

    private static boolean holds(Object value, String expected) {
        if (!(value instanceof byte[] packed)) {
            return false;
        }
        byte[] text = expected.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(packed, EXPIRY_BYTES, packed.length, text, 0, text.length);
    }

    // --- schedules -----------------------------------------------------------------------------------------------

    /** One queue: members by due time, and each member's time so that scheduling it again moves it. */
    private static final class Schedule {
        final ReentrantLock lock = new ReentrantLock();
        /** A due time's members: one {@code String}, or an {@code ArrayList<String>} when several share it. */
        final TreeMap<Long, Object> atToMembers = new TreeMap<>();

        final HashMap<String, Long> memberToAt = new HashMap<>();

        void add(String member, long at) {
            Long previous = memberToAt.get(member);
            if (previous != null) {
                if (previous == at) {
                    return;
                }
                remove(member, previous);
            }
            Long key = at;
            Object members = atToMembers.get(key);
            if (members == null) {
                atToMembers.put(key, member);
            } else {
                key = atToMembers.ceilingKey(key); // the map's own boxed key, shared with memberToAt
                if (members instanceof String one) {
                    ArrayList<String> several = new ArrayList<>(4);
                    several.add(one);
                    several.add(member);
                    atToMembers.put(key, several);
                } else {
                    @SuppressWarnings("unchecked")
                    ArrayList<String> several = (ArrayList<String>) members;
                    several.add(member);
                }
            }
            memberToAt.put(member, key);
        }

        private void remove(String member, Long at) {
            Object members = atToMembers.get(at);
            if (members instanceof String) {
                atToMembers.remove(at);
            } else if (members instanceof ArrayList<?> several) {
                several.remove(member);
                if (several.isEmpty()) {
                    atToMembers.remove(at);
                }
            }
        }

        List<String> takeDue(long now, int max) {
            List<String> due = new ArrayList<>(Math.min(max, 64));
            while (due.size() < max && !atToMembers.isEmpty() && atToMembers.firstKey() <= now) {
                Map.Entry<Long, Object> first = atToMembers.firstEntry();
                if (first.getValue() instanceof String one) {
                    due.add(one);
                    atToMembers.pollFirstEntry();
                } else {
                    @SuppressWarnings("unchecked")
                    ArrayList<String> several = (ArrayList<String>) first.getValue();
                    int count = Math.min(max - due.size(), several.size());
                    List<String> head = several.subList(0, count);
                    due.addAll(head);
                    head.clear();
                    if (several.isEmpty()) {
                        atToMembers.pollFirstEntry();
                    }
                }
            }
            for (String member : due) {
                memberToAt.remove(member);
            }
            return due;
        }
    }

    @Override
    public void schedule(String queue, String member, Instant at) {
        Schedule schedule = queueToSchedule.computeIfAbsent(queue, q -> new Schedule());
        schedule.lock.lock();
        try {
            schedule.add(member, at.toEpochMilli());
        } finally {
            schedule.lock.unlock();
        }
    }

    @Override
    public List<String> takeDue(String queue, Instant now, int max) {
        if (max <= 0) {
            return List.of();
        }
        Schedule schedule = queueToSchedule.get(queue);
        if (schedule == null) {
            return List.of();
        }
        schedule.lock.lock();
        try {
            return schedule.takeDue(now.toEpochMilli(), max);
        } finally {
            schedule.lock.unlock();
        }
    }
}
