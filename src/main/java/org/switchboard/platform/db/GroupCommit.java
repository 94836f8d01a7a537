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
 * Durable writes that share commits. Callers hand over a row and wait until it is committed; one writer thread takes
 * everything waiting and stores it in one transaction, so a burst costs a few disk syncs, not one per row, and no
 * caller returns before its row is durable. A batch that fails is retried row by row, so one bad row loses no other.
 *
 * @param <T> what is written
 * @param <R> what writing one row answers (its id, say)
 */
public final class GroupCommit<T, R> {
    /** Writes one row inside the batch's transaction. */
    @FunctionalInterface
    public interface Writer<T, R> {
        R write(Handle handle, T row);
    }

    private static final int MAX_BATCH = 500;

    private final Jdbi jdbi;
    private final String what;
    private final Writer<T, R> writer;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final Counter failed;

    /** {@code what} names the rows in errors and labels the writer's meters ({@code writer="what"}). */
    public GroupCommit(Jdbi jdbi, String what, Writer<T, R> writer, Metrics metrics) {
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
        Thread.ofVirtual().name(what + "-writer").start(this::writeBatches);
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
                List<R> results = jdbi.inTransaction(handle -> {
                    List<R> stored = new ArrayList<>(batch.size());
                    for (Pending<T, R> pending : batch) {
                        stored.add(writer.write(handle, pending.row()));
                    }
                    return stored;
                });
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(results.get(i));
                }
            } catch (Throwable e) {
                // one bad row must not lose the others, and nothing may end this thread: retry row by row
                for (Pending<T, R> pending : batch) {
                    try {
                        pending.result().complete(jdbi.inTransaction(handle -> writer.write(handle, pending.row())));
                    } catch (Throwable single) {
                        failed.increment();
                        pending.result().completeExceptionally(single);
                    }
                }
            }
            batch.clear();
        }
    }
}
