package org.switchboard.rtb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/** Deletes the RTB log's rows older than {@link RtbLog#RETENTION}, every {@link RtbLog#PURGE_EVERY} on a thread of its own. */
final class RtbLogPurge {
    private static final int PURGE_CHUNK = 5_000;
    private static final Logger LOG = Logger.getLogger(RtbLog.class.getName());

    private final Jdbi jdbi;
    private final Clock clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    RtbLogPurge(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("rtb-log-purge").start(this::purgePeriodically);
    }

    /** Deletes every account's rows created more than {@link RtbLog#RETENTION} before {@code now}; returns how many. */
    long purge(Instant now) {
        long cutoff = now.minus(RtbLog.RETENTION).toEpochMilli();
        long total = 0;
        while (true) {
            // in chunks, so the writer (and on SQLite every other writer) waits for short transactions only
            int deleted = jdbi.withHandle(handle -> handle.createUpdate("""
                            DELETE FROM rtb_pings WHERE id IN
                                (SELECT id FROM rtb_pings WHERE created_at < :cutoff LIMIT :chunk)""")
                    .bind("cutoff", cutoff)
                    .bind("chunk", PURGE_CHUNK)
                    .execute());
            total += deleted;
            if (deleted < PURGE_CHUNK) {
                return total;
            }
        }
    }

    private void purgePeriodically() {
        while (true) {
            try {
                if (stop.await(RtbLog.PURGE_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                purge(clock.instant());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "purging the RTB log failed; trying again later", e);
            }
        }
    }

    /** Stops the periodic purge; one under way finishes (it is not interrupted, see {@link RtbLog#close}). */
    void stop() {
        stop.countDown();
    }

    void join(Duration wait) throws InterruptedException {
        thread.join(wait);
    }
}
