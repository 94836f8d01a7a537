package org.switchboard.platform.db;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.platform.metrics.Metrics;

/**
 * The rows of one request, written in one transaction that concurrent requests share ({@link GroupCommit}): each
 * request hands over its {@link Work} and waits until it is committed, so a request answers only once its rows are
 * durable, its rows are all stored or none are, and a burst of requests costs a few disk syncs instead of one or more
 * each.
 *
 * <p>Work runs on the writer's thread, inside the batch's transaction, and must use only the handle it is given: a
 * second connection would wait for the lock the batch holds (SQLite) or not see its rows. A read made through the
 * writer's Jdbi on that thread gets that handle too, because JDBI lends a thread's open handle to everything it runs.
 * It decides conditional writes (insert if absent, update from an expected state) and answers what became of them; an
 * expected refusal is an answer, not an exception, because an exception rolls the whole batch back. A batch that
 * fails is retried one work at a time, so work may run twice and must have no effect outside the handle (count
 * metrics after {@link #commit} returns).
 *
 * <p>Rows that every work inserts the same way and that no work reads back (the postback log's entries, the tags stored
 * for a caller's next call) are left for the end of the transaction ({@link #insertAtCommit}): the batch inserts them
 * together, one {@link FixedStatement} executed as a JDBC batch (one round trip to PostgreSQL for all of them, one
 * prepared statement on SQLite), instead of one round trip per row while every request of the batch waits.
 *
 * <p>A read that many works make by key (a caller's latest call, say) is declared with the work ({@link Prefetch}) and
 * made once for the whole batch at the start of its transaction ({@link BatchRead}): one round trip to PostgreSQL for
 * every work of the batch instead of one each, the work finding its answer with {@link #prefetched}.
 */
public final class DurableWrites {
    /** A request's writes inside the shared transaction, answering what they did. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Handle handle);
    }

    /**
     * A read made by key for every work of a batch at once, in the batch's transaction before any work runs.
     *
     * @param <K> what a work reads by
     * @param <V> what it finds
     */
    @FunctionalInterface
    public interface BatchRead<K, V> {
        /** What each of {@code keys} finds, read on {@code handle}; a key that finds nothing is left out. */
        Map<K, V> readAll(Handle handle, Set<K> keys);

        /**
         * Whether what a key found may also go to a later work of the batch with the same key: only if no work can
         * change it (a decision that is final, say). Otherwise that work reads the key again.
         */
        default boolean lasts(V found) {
            return false;
        }
    }

    /** What a batch's reads found for one read: key → found (empty: nothing), and the keys a work has taken. */
    private record Found(Map<Object, Optional<?>> byKey, Set<Object> taken) {}

    /** A work's read by {@code key}, made for it with its batch's others ({@link #commit(Prefetch, Work)}). */
    public record Prefetch<K, V>(BatchRead<K, V> read, K key) {}

    /** One request's work, with the read to make for it before the batch's works run, if any. */
    private record Unit(Optional<Prefetch<?, ?>> prefetch, Work<?> work) {}

    private final GroupCommit<Unit, Object> commits;
    private final int writers;
    /** The transactions under way (one per writer) → their rows left for the commit: statement → each row's values. */
    private final Map<Handle, Map<FixedStatement, List<Object[]>>> handleToInserts =
            Collections.synchronizedMap(new IdentityHashMap<>());
    /** The transactions under way → what their batch's reads found, by read. */
    private final Map<Handle, Map<BatchRead<?, ?>, Found>> handleToPrefetched =
            Collections.synchronizedMap(new IdentityHashMap<>());

    /** {@code what} names the writer in errors and in its meters ({@code writer="what"}); one writer thread. */
    public DurableWrites(Jdbi jdbi, String what, Metrics metrics) {
        this(jdbi, what, metrics, 1);
    }

    /**
     * With {@code writers} writer threads committing in parallel, each on its own connection ({@link GroupCommit}):
     * more than one only where commits on several connections overlap (PostgreSQL). Work that must be ordered after
     * other work already is: a request answered is committed, and work that changes a call commits under its lock.
     */
    public DurableWrites(Jdbi jdbi, String what, Metrics metrics, int writers) {
        this.writers = writers;
        this.commits = new GroupCommit<>(
                jdbi,
                what,
                new GroupCommit.Writer<>() {
                    @Override
                    public void beforeRows(Handle handle, List<Unit> units) {
                        handleToPrefetched.put(handle, readAll(handle, units));
                    }

                    @Override
                    public Object write(Handle handle, Unit unit) {
                        handleToInserts.putIfAbsent(handle, new LinkedHashMap<>());
                        return unit.work().run(handle);
                    }

                    @Override
                    public void beforeCommit(Handle handle) {
                        Map<FixedStatement, List<Object[]>> inserts = handleToInserts.remove(handle);
                        if (inserts != null) {
                            inserts.forEach((insert, rows) -> insert.batch(handle, rows));
                        }
                    }

                    @Override
                    public void after(Handle handle) {
                        handleToInserts.remove(handle);
                        handleToPrefetched.remove(handle);
                    }
                },
                metrics,
                writers);
    }

    /**
     * Whether one writer thread commits every transaction (SQLite), rather than several side by side (PostgreSQL). With
     * one, a read the work makes on the writer's connection saves the request a pooled connection of its own, which
     * it would share with the writer; with several, reads made on the requests' own connections run side by side,
     * where reads made in the work would run one after another on each writer.
     */
    public boolean oneWriter() {
        return writers == 1;
    }

    /** Runs {@code work} in a shared transaction and answers its result once that transaction is committed. */
    @SuppressWarnings("unchecked") // each work's own result comes back to it
    public <R> R commit(Work<R> work) {
        return (R) commits.write(new Unit(Optional.empty(), work));
    }

    /**
     * As {@link #commit(Work)}, with {@code prefetch} read for the work at the start of its batch's transaction, with
     * the same read of the batch's other works, and found there by {@link #prefetched}.
     */
    @SuppressWarnings("unchecked") // each work's own result comes back to it
    public <R> R commit(Prefetch<?, ?> prefetch, Work<R> work) {
        return (R) commits.write(new Unit(Optional.of(prefetch), work));
    }

    /**
     * From inside a {@link Work} committed with {@code prefetch}: what its read found at the start of the batch. A
     * later work of the batch with the same key (two postbacks on one call) gets it too only if it {@link
     * BatchRead#lasts}; otherwise it reads the key again on {@code handle} and sees what the works before it wrote, as
     * a work whose batch did not read it does.
     */
    @SuppressWarnings("unchecked") // a read's keys and values are of its own types
    public <K, V> Optional<V> prefetched(Handle handle, Prefetch<K, V> prefetch) {
        Map<BatchRead<?, ?>, Found> batch = handleToPrefetched.get(handle);
        Found read = batch == null ? null : batch.get(prefetch.read());
        Optional<V> found = null;
        if (read != null) {
            Optional<V> batchFound = (Optional<V>) read.byKey().get(prefetch.key());
            // the first work to ask takes it; a later one only what lasts
            if (batchFound != null
                    && (read.taken().add(prefetch.key())
                            || batchFound.map(prefetch.read()::lasts).orElse(false))) {
                found = batchFound;
            }
        }
        if (found == null) {
            found = Optional.ofNullable(
                    prefetch.read().readAll(handle, Set.of(prefetch.key())).get(prefetch.key()));
        }
        return found;
    }

    /** The batch's reads: each read made once, for the keys of every unit that declared it. */
    private static Map<BatchRead<?, ?>, Found> readAll(Handle handle, List<Unit> units) {
        Map<BatchRead<?, ?>, Set<Object>> readToKeys = new HashMap<>();
        for (Unit unit : units) {
            unit.prefetch()
                    .ifPresent(prefetch -> readToKeys
                            .computeIfAbsent(prefetch.read(), read -> new LinkedHashSet<>())
                            .add(prefetch.key()));
        }
        Map<BatchRead<?, ?>, Found> found = new HashMap<>();
        readToKeys.forEach((read, keys) -> found.put(read, readAllOf(read, handle, keys)));
        return found;
    }

    @SuppressWarnings("unchecked") // the keys were declared with this read
    private static <K> Found readAllOf(BatchRead<K, ?> read, Handle handle, Set<Object> keys) {
        Map<K, ?> values = read.readAll(handle, (Set<K>) keys);
        Map<Object, Optional<?>> found = new HashMap<>();
        for (Object key : keys) {
            found.put(key, Optional.ofNullable(values.get((K) key)));
        }
        return new Found(found, new HashSet<>());
    }

    /**
     * From inside a {@link Work}: inserts a row by {@code insert} (an INSERT with positional parameters, one statement
     * for every row of its kind) with {@code values}, at the end of the work's transaction, with the other rows of
     * that statement, before it commits. For rows no work of the transaction reads back; a failure fails the
     * transaction as any of its statements would.
     */
    public void insertAtCommit(Handle handle, FixedStatement insert, Object... values) {
        Map<FixedStatement, List<Object[]>> inserts = handleToInserts.get(handle);
        if (inserts == null) {
            throw new IllegalStateException("a row left for the commit outside a durable write's transaction");
        }
        inserts.computeIfAbsent(insert, statement -> new ArrayList<>()).add(values);
    }
}
