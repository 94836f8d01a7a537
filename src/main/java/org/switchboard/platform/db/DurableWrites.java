package org.switchboard.platform.db;

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
 * second connection would wait for the lock the batch holds (SQLite) or not see its rows. It decides conditional
 * writes (insert if absent, update from an expected state) and answers what became of them; an expected refusal is
 * an answer, not an exception, because an exception rolls the whole batch back. A batch that fails is retried one
 * work at a time, so work may run twice and must have no effect outside the handle (count metrics after
 * {@link #commit} returns).
 */
public final class DurableWrites {
    /** A request's writes inside the shared transaction, answering what they did. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Handle handle);
    }

    private final GroupCommit<Work<?>, Object> commits;

    /** {@code what} names the writer in errors and in its meters ({@code writer="what"}). */
    public DurableWrites(Jdbi jdbi, String what, Metrics metrics) {
        this.commits = new GroupCommit<>(jdbi, what, (handle, work) -> work.run(handle), metrics);
    }

    /** Runs {@code work} in a shared transaction and answers its result once that transaction is committed. */
    @SuppressWarnings("unchecked") // each work's own result comes back to it
    public <R> R commit(Work<R> work) {
        return (R) commits.write(work);
    }
}
