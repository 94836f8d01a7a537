package org.switchboard;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.switchboard.platform.http.AccessLog;

/**
 * Log records to standard error from one writer thread: a request's thread only queues its record (the access line
 * included), and the writer formats a batch and writes it with one flush once the queue is empty. The JDK's
 * {@code ConsoleHandler} formats and flushes each record under a lock on the thread that logs, which cost every
 * request a write system call and a turn at that lock.
 *
 * <p>Lines reach standard error in batches: after it has written all it had, the writer waits
 * {@value #LINGER_MILLIS} ms before it looks again, so under load it wakes about twenty times a second rather than
 * for every few lines.
 *
 * <p>Bounded: {@value #CAPACITY} records wait at most; a thread that finds the queue full wakes the writer and waits
 * for room, so no line is dropped and a full queue does not wait out the writer's pause. Records left when the
 * handler closes (the JVM's shutdown closes it) are written before it returns.
 */
final class QueuedConsoleHandler extends Handler {
    static final int CAPACITY = 16_384;
    private static final int BATCH = 1_024;
    /**
     * How long the writer lets lines gather after it has written all it had: at most this late on standard error.
     * Each wake-up costs the writer more than the lines it writes (its code and the records are cold by then, and a
     * flush is a system call): at 5 ms it cost a {@code GET /health} 1.2-1.3 us of CPU, at 50 ms 0.6-0.7 us, at
     * 13,000-14,000 requests a second (docs/benchmarks.md). The queue holds 50 ms of 300,000 lines a second, more
     * than one node answers.
     */
    private static final long LINGER_MILLIS = 50;

    private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Writer out;
    private final Thread writer;
    private volatile boolean closed;

    QueuedConsoleHandler(Formatter formatter) {
        setFormatter(formatter);
        setLevel(Level.ALL);
        this.out = new BufferedWriter(new OutputStreamWriter(System.err, System.err.charset()), 1 << 16);
        this.writer = Thread.ofPlatform().daemon().name("log-writer").start(this::writeQueued);
    }

    /**
     * A record logged while a request is handled, formatted on the request's thread: its request id is bound only
     * there (the access line carries its own and is formatted by the writer).
     */
    private static final class Formatted extends LogRecord {
        private static final long serialVersionUID = 1L;
        private final String text;

        Formatted(LogRecord record, String text) {
            super(record.getLevel(), record.getMessage());
            this.text = text;
        }
    }

    @Override
    public void publish(LogRecord original) {
        if (!isLoggable(original)) {
            return;
        }
        LogRecord record = !(original instanceof AccessLog.RequestRecord)
                        && AccessLog.requestIdOf(original).isPresent()
                ? new Formatted(original, getFormatter().format(original))
                : original;
        if (!closed) {
            if (queue.offer(record)) {
                return;
            }
            // full: the writer may be letting lines gather; it need not finish its pause before it makes room
            LockSupport.unpark(writer);
            try {
                queue.put(record);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the record is written below, on this thread
            }
        }
        write(List.of(record));
        flush();
    }

    private void writeQueued() {
        List<LogRecord> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                LogRecord first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, BATCH - 1);
            write(batch);
            batch.clear();
            if (queue.isEmpty()) {
                flush();
                // lets the next lines gather before the writer looks again: under load a line per request woke it
                // for each few lines (a wake-up on the request's thread, a write system call here), which cost a
                // GET /health about a tenth of its CPU. A quiet log is written at once: the first line after a
                // pause finds the writer waiting. A publisher that finds the queue full ends the pause (unpark);
                // close() interrupts it, which the next poll answers by returning.
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS));
            }
        }
    }

    private synchronized void write(List<LogRecord> records) {
        for (LogRecord record : records) {
            try {
                out.write(
                        record instanceof Formatted formatted
                                ? formatted.text
                                : getFormatter().format(record));
            } catch (IOException | RuntimeException e) {
                reportError(null, e, ErrorManager.WRITE_FAILURE);
            }
        }
    }

    @Override
    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            reportError(null, e, ErrorManager.FLUSH_FAILURE);
        }
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LogRecord> rest = new ArrayList<>();
        queue.drainTo(rest);
        write(rest);
        flush();
    }
}
