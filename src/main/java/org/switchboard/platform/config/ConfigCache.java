package org.switchboard.platform.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One kind of configuration held in memory, by key, kept current by {@link ConfigChanges}: its owner drops the
 * entries a change touches ({@link #remove}, {@link #removeIf}, {@link #forgetAbsent}) and everything when changes
 * may have been missed ({@link #clear}).
 *
 * <ul>
 *   <li>Many requests missing one entry together wait for a single load of it, not one SQL read each.
 *   <li>A load that was under way when entries were dropped serves its own callers but is not kept: it may have read
 *       the row just before the write committed.
 *   <li>Values that say "there is none" ({@code absent}, e.g. an unknown key) are remembered apart, at most
 *       {@code maxAbsent} of them, so a flood of unknown keys can never push a valid one out.
 *   <li>Safety net for a change that never arrived: an entry older than {@code maxAge} (when not zero) is served once
 *       more while it is reloaded in the background.
 * </ul>
 */
public final class ConfigCache<K, T> {
    private static final Logger LOG = Logger.getLogger(ConfigCache.class.getName());

    /** A loaded entry; {@code refreshing} is set while one background reload of it runs. */
    private record Loaded<T>(T value, Instant loadedAt, AtomicBoolean refreshing) {
        Loaded(T value, Instant loadedAt) {
            this(value, loadedAt, new AtomicBoolean());
        }
    }

    private final Map<K, Loaded<T>> entries = new ConcurrentHashMap<>();
    private final Map<K, Loaded<T>> absents = new ConcurrentHashMap<>();
    private final Map<K, CompletableFuture<T>> loading = new ConcurrentHashMap<>();
    /** Counts the drops: a load that saw it move while it read must not keep what it read. */
    private final AtomicLong drops = new AtomicLong();

    private final Predicate<T> absent;
    private final int maxEntries;
    private final int maxAbsent;
    private final Duration maxAge;
    private final Clock clock;
    private final Executor refresher;

    /**
     * @param absent which values mean "there is none" (remembered apart, at most {@code maxAbsent})
     * @param maxEntries at most this many entries are held (beyond, the cache starts again empty); 0 for no bound
     * @param maxAge the safety net's age; zero for none
     * @param refresher runs the background reloads of entries older than {@code maxAge}
     */
    public ConfigCache(
            Predicate<T> absent, int maxEntries, int maxAbsent, Duration maxAge, Clock clock, Executor refresher) {
        this.absent = absent;
        this.maxEntries = maxEntries;
        this.maxAbsent = maxAbsent;
        this.maxAge = maxAge;
        this.clock = clock;
        this.refresher = refresher;
    }

    /**
     * A cache of what secrets open (a key's owner), by the secret's digest, unknown digests remembered apart; at most
     * {@code max} of each. It follows {@code changes}: a change of {@code kind} drops the entry whose {@code id} it
     * names and every remembered unknown digest (the secret may be new), and changes that may have been missed drop
     * everything. Background reloads run on virtual threads named {@code threadName}.
     */
    public static <T> ConfigCache<String, Optional<T>> byDigest(
            ConfigChanges changes,
            ConfigChange.Kind kind,
            ToLongFunction<T> id,
            int max,
            Duration maxAge,
            Clock clock,
            String threadName) {
        ConfigCache<String, Optional<T>> cache = new ConfigCache<>(
                Optional::isEmpty,
                max,
                max,
                maxAge,
                clock,
                task -> Thread.ofVirtual().name(threadName).start(task));
        changes.listen(new ConfigChanges.Listener() {
            @Override
            public void changed(ConfigChange change) {
                if (change.kind() == kind) {
                    cache.removeIf((digest, held) -> held.map(value -> id.applyAsLong(value) == change.id())
                            .orElse(false));
                    cache.forgetAbsent(); // the secret may be new
                }
            }

            @Override
            public void everythingMayHaveChanged() {
                cache.clear();
            }
        });
        return cache;
    }

    /** The entry for {@code key}, loaded by {@code loader} when it is not held. */
    public T get(K key, Supplier<T> loader) {
        Loaded<T> loaded = entries.get(key);
        if (loaded == null) {
            loaded = absents.get(key);
        }
        if (loaded == null) {
            return loadOnce(key, loader);
        }
        Loaded<T> stale = loaded;
        if (tooOld(stale.loadedAt()) && stale.refreshing().compareAndSet(false, true)) {
            // serve this once more and reload in the background (a failed reload lets the next use try again)
            refresher.execute(() -> {
                try {
                    long seen = drops.get();
                    keep(key, loader.get(), seen);
                } catch (RuntimeException e) {
                    stale.refreshing().set(false);
                    LOG.log(Level.WARNING, "reloading cached configuration failed; the previous copy stays", e);
                }
            });
        }
        return stale.value();
    }

    private boolean tooOld(Instant loadedAt) {
        return !maxAge.isZero() && Duration.between(loadedAt, clock.instant()).compareTo(maxAge) > 0;
    }

    /** Loads a missing entry; a thread that finds the same entry being loaded waits for that load instead. */
    private T loadOnce(K key, Supplier<T> loader) {
        var mine = new CompletableFuture<T>();
        var running = loading.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        long seen = drops.get();
        try {
            T value = loader.get();
            keep(key, value, seen);
            mine.complete(value);
            return value;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key, mine);
        }
    }

    /**
     * Keeps what a load read, unless entries were dropped since it began ({@code seen}): the check comes after the
     * entry is in place, and a drop counts before it removes, so either this sees the drop or the drop sees the entry.
     */
    private void keep(K key, T value, long seen) {
        boolean none = absent.test(value);
        Map<K, Loaded<T>> into = none ? absents : entries;
        (none ? entries : absents).remove(key);
        int max = none ? maxAbsent : maxEntries;
        if (max > 0 && into.size() >= max && !into.containsKey(key)) {
            into.clear();
        }
        Loaded<T> loaded = new Loaded<>(value, clock.instant());
        into.put(key, loaded);
        if (drops.get() != seen) {
            into.remove(key, loaded);
        }
    }

    /** Drops the entry for {@code key} (and its "none"). */
    public void remove(K key) {
        drops.incrementAndGet();
        entries.remove(key);
        absents.remove(key);
        loading.remove(key);
    }

    /** Drops every held entry whose key and value {@code touched} accepts. */
    public void removeIf(BiPredicate<K, T> touched) {
        drops.incrementAndGet();
        entries.entrySet().removeIf(e -> touched.test(e.getKey(), e.getValue().value()));
        loading.clear();
    }

    /** Forgets every remembered "none" (something may have been created). */
    public void forgetAbsent() {
        drops.incrementAndGet();
        absents.clear();
        loading.clear();
    }

    /** Drops everything. */
    public void clear() {
        drops.incrementAndGet();
        entries.clear();
        absents.clear();
        loading.clear();
    }

    /** How many present entries are held (not counting the remembered "none"s). */
    public int size() {
        return entries.size();
    }

    /** How many "none"s are remembered. */
    public int absentSize() {
        return absents.size();
    }
}
