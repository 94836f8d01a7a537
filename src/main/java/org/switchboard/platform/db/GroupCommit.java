package org.switchboard.platform.db;

import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.platform.metrics.Metrics;

/**
 * Durable writes that share commits. Callers hand over a row and wait until it is committed; a writer thread takes
 * everything waiting and stores it in one transaction, so a burst costs a few disk syncs, not one per row, and no
 * caller returns before its row is durable. A batch that fails is retried row by row, so one bad row loses no other.
 *
 * <p>The writers are platform threads: every caller waits for them, and a virtual writer, once woken, would wait for a
 * carrier behind every runnable request before it could commit. With more than one writer (PostgreSQL, where commits
 * on several connections overlap their WAL flushes) each takes the rows waiting when it is free, so a row waits for at
 * most the commit under way rather than for it and the next; rows handed over at the same time are then in no
 * particular order, as they were not before, and a row handed over after another was answered is committed after it.
 * With one writer (SQLite, which has one write lock anyway) batches commit one after the other in the order handed
 * over.
 *
 * @param <T> what is written
 * @param <R> what writing one row answers (its id, say)
 */
public final class GroupCommit<T, R> {
    /** Writes one row inside the batch's transaction. */
    @FunctionalInterface
    public interface Writer<T, R> {
        R write(Handle handle, T row);

        /** At the start of the transaction, before any of its rows is written: reads what they all need at once. */
        default void beforeRows(Handle handle, List<T> rows) {}

        /** After every row of the transaction is written, before it commits: writes what the rows left for it. */
        default void beforeCommit(Handle handle) {}

        /** Once the transaction is over, committed or not: forgets what its rows left for {@link #beforeCommit}. */
        default void after(Handle handle) {}
    }

    private static final int MAX_BATCH = 500;

    private final Jdbi jdbi;
    private final String what;
    private final Writer<T, R> writer;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final Counter failed;

    /** {@code what} names the rows in errors and labels the writer's meters ({@code writer="what"}); one writer. */
    public GroupCommit(Jdbi jdbi, String what, Writer<T, R> writer, Metrics metrics) {
        this(jdbi, what, writer, metrics, 1);
    }

    /** With {@code writers} writer threads, each committing its own batches on its own connection. */
    public GroupCommit(Jdbi jdbi, String what, Writer<T, R> writer, Metrics metrics, int writers) {
        if (writers < 1) {
            throw new IllegalArgumentException("a group commit needs a writer, not " + writers);
        }
        this.jdbi = jdbi;
        this.what = what;
        this.writer = writer;
        metrics.gauge(
                "switchboard.writer.queued",
                "Rows waiting for a background writer",
                queue,
                BlockingQueue::size,
                "writer",
                what);
        this.failed = metrics.counter(
                "switchboard.writer.failed", "Rows a background writer could not store", "writer", what);
        for (int i = 0; i < writers; i++) {
            Thread.ofPlatform()
                    .daemon(true)
                    .name(what + "-writer") // one name for all: the thread name says whose writer it is
                    .start(this::writeBatches);
        }
    }

    /** Stores {@code row} and answers once it is committed. */
    public R write(T row) {
        Pending<T, R> pending = new Pending<>(row, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.result().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("storing a " + what + " failed", e.getCause());
        } catch (TimeoutException e) {
            if (queue.remove(pending)) {
                throw new IllegalStateException("storing a " + what + " took over 30 s; it was not stored", e);
            }
            // the writer has it in a batch: its outcome is decided, so wait for it rather than guess
            try {
                return pending.result().get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while storing a " + what, interrupted);
            } catch (ExecutionException failed) {
                throw new IllegalStateException("storing a " + what + " failed", failed.getCause());
            }
        }
    }

    private record Pending<T, R>(T row, CompletableFuture<R> result) {}

    private void writeBatches() {
        List<Pending<T, R>> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                List<R> results = commit(batch);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(results.get(i));
                }
            } catch (Throwable e) {
                // one bad row must not lose the others, and nothing may end this thread: retry row by row
                for (Pending<T, R> pending : batch) {
                    try {
                        pending.result().complete(commit(List.of(pending)).getFirst());
                    } catch (Throwable single) {
                        failed.increment();
                        pending.result().completeExceptionally(single);
                    }
                }
            }
            batch.clear();
        }
    }

    /** Writes {@code rows} in one transaction and commits it, answering what writing each row answered. */
    private List<R> commit(List<Pending<T, R>> rows) {
        return jdbi.inTransaction(handle -> {
            try {
                List<R> stored = new ArrayList<>(rows.size());
                writer.beforeRows(handle, rows.stream().map(Pending::row).toList());
                for (Pending<T, R> pending : rows) {
                    stored.add(writer.write(handle, pending.row()));
                }
                writer.beforeCommit(handle);
                return stored;
            } finally {
                writer.after(handle);
            }
        });
    }
}
