package org.switchboard.platform.db;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class DurableWrites {
    /** A request's writes inside the shared transaction, answering what they did. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Handle handle);
    }

    private final GroupCommit<Work<?>, Object> commits;
    private final int writers;
    /** The transactions under way (one per writer) → their rows left for the commit: statement → each row's values. */
    private final Map<Handle, Map<FixedStatement, List<Object[]>>> handleToInserts =
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
                    public Object write(Handle handle, Work<?> work) {
                        handleToInserts.putIfAbsent(handle, new LinkedHashMap<>());
                        return work.run(handle);
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
        return (R) commits.write(work);
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
