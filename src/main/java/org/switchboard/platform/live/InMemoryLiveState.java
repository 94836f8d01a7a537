package org.switchboard.platform.live;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Live state of a single node. One lock makes multi-counter operations atomic; they are a few map look-ups, so the
 * lock is held for microseconds. Expired counters are swept as time passes.
 */
public final class InMemoryLiveState implements LiveState {
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> keyToEntry = new HashMap<>();
    private Instant nextSweep = Instant.MIN;

    private static final class Entry {
        long value;
        final Instant expiresAt;

        Entry(long value, Instant expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }

    public InMemoryLiveState(Clock clock) {
        this.clock = clock;
    }

    @Override
    public OptionalInt tryAcquire(List<Counter> counters) {
        lock.lock();
        try {
            Instant now = sweep();
            for (int i = 0; i < counters.size(); i++) {
                if (entry(counters.get(i), now).value >= counters.get(i).limit()) {
                    return OptionalInt.of(i);
                }
            }
            for (Counter counter : counters) {
                entry(counter, now).value++;
            }
            return OptionalInt.empty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(List<Counter> counters) {
        lock.lock();
        try {
            Instant now = sweep();
            for (Counter counter : counters) {
                Entry entry = entry(counter, now);
                entry.value = Math.max(0, entry.value - 1);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long current(Counter counter) {
        lock.lock();
        try {
            return entry(counter, sweep()).value;
        } finally {
            lock.unlock();
        }
    }

    private Entry entry(Counter counter, Instant now) {
        Entry entry = keyToEntry.get(counter.key());
        if (entry == null || !entry.expiresAt.isAfter(now)) {
            entry = new Entry(counter.seed().getAsLong(), counter.expiresAt());
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
}
