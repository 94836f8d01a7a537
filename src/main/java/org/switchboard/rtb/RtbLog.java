package org.switchboard.rtb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;
import org.switchboard.rtb.RtbLogItem.Claimed;
import org.switchboard.rtb.RtbLogItem.Confirmation;
import org.switchboard.rtb.RtbLogItem.Expired;
import org.switchboard.rtb.RtbLogItem.Flush;
import org.switchboard.rtb.RtbLogItem.Insert;

/**
 * The RTB log: every ping for 24 hours, then purged.
 *
 * <p>Writing never makes a ping wait for SQL. {@link #record} and the later events ({@link #claimed},
 * {@link #confirmation}, {@link #expired}) put a row on a bounded queue and return; one platform thread drains it
 * every {@link #BATCH_WINDOW} or {@link #MAX_BATCH} rows, whichever comes first, and writes the batch (inserts, then
 * updates, in queue order) in one transaction. While a batch gathers, the writer sleeps out the window instead of
 * waking for each row: a row wakes it only once the rows waiting would fill the batch (or for a flush), so a ping does
 * not pay for waking a thread and switching to it. When the queue is full (the store is down or far behind) the row is
 * dropped, counted ({@link #dropped}) and logged at most every ten seconds, rather than blocking pings. A batch that
 * fails is retried row by row, so one bad row loses no other. A purge deletes rows older than {@link #RETENTION}
 * every {@link #PURGE_EVERY}.
 *
 * <p>This class is the writer and the front door; the rest is beside it: {@link RtbLogRows} writes the rows (JDBC
 * batches), {@link RtbLogPurge} deletes old ones, {@link RtbLogReader} reads them as {@link RtbPingOut}. The writer
 * does not use {@code GroupCommit}: a ping never waits for its row (GroupCommit's callers wait until theirs is
 * durable), a full queue drops rows instead of growing, a batch gathers for {@link #BATCH_WINDOW}, and an event whose
 * ping's row another node has not written yet is retried for {@link #RETRY_FOR}.
 *
 * <p>Reads are account-scoped: another account's UUID is not found. A read never misses a ping that was answered: a
 * lookup of one whose row or event is still queued, or a list while any is, first waits for the queue to be written
 * (one batch window at most).
 */
public final class RtbLog implements AutoCloseable {
    public static final Duration RETENTION = Duration.ofHours(24);
    static final Duration BATCH_WINDOW = Duration.ofMillis(50);
    static final int MAX_BATCH = 500;
    static final int DEFAULT_CAPACITY = 20_000;
    static final Duration PURGE_EVERY = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(RtbLog.class.getName());

    private final Jdbi jdbi;
    private final BlockingQueue<RtbLogItem> queue;
    /** Pings (by UUID) with a row or an event queued but not written yet: how many of each. */
    private final ConcurrentHashMap<String, Integer> unwritten = new ConcurrentHashMap<>();

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long lastDropLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
    private final Thread writer;
    /**
     * While the writer sleeps out a batch window: how many queued rows would fill its batch (an offer that brings the
     * queue there wakes it); otherwise {@link Integer#MAX_VALUE}, and offers leave it alone.
     */
    private volatile int wakeAtQueued = Integer.MAX_VALUE;
    /** Completed when the writer has stopped: a flush marker put after its last look at the queue is never taken. */
    private final CompletableFuture<Void> writerStopped = new CompletableFuture<>();

    private final RtbLogPurge purge;
    private final RtbLogReader reader;
    private volatile boolean closing;

    public RtbLog(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, DEFAULT_CAPACITY);
    }

    /** {@code capacity}: rows waiting to be written before new ones are dropped. */
    public RtbLog(Jdbi jdbi, Clock clock, int capacity) {
        this.jdbi = jdbi;
        this.queue = new ArrayBlockingQueue<>(capacity);
        // a platform thread: SQLite's native calls would pin a virtual thread's carrier for the whole batch anyway
        this.writer = Thread.ofPlatform().daemon().name("rtb-log-writer").start(this::writeBatches);
        this.purge = new RtbLogPurge(jdbi, clock);
        this.reader = new RtbLogReader(jdbi, clock);
    }

    // --- writing ---------------------------------------------------------------------------------------------------

    /**
     * Logs a ping. A full queue makes it wait up to {@link #OFFER_WAIT} for room (see {@link #offerWaiting}), then
     * drops it (counted).
     */
    public void record(RtbPing ping) {
        offer(new Insert(ping));
    }

    /** Logs that a call claimed the reservation. */
    public void claimed(String reservationUuid, String callUuid, Instant at) {
        offer(new Claimed(reservationUuid, callUuid, at));
    }

    /** Logs the answer to a confirmation of the reservation ({@code confirmed} or {@code no-target}). */
    public void confirmation(String reservationUuid, RtbStatus answer, Instant at) {
        offer(new Confirmation(reservationUuid, answer, at));
    }

    /** Logs that the reservation's TTL passed unclaimed. */
    public void expired(String reservationUuid, Instant at) {
        offer(new Expired(reservationUuid, at));
    }

    /**
     * At start with the live state in memory: the reservations the last run held are gone with it (they can no longer
     * be claimed, and their caps were given back when the counters went), so every logged one still open is marked
     * expired, now. With Redis the reservations outlive a node and expire through their queue instead.
     *
     * @return how many were marked
     */
    public int expireLostReservations(Instant now) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE rtb_pings SET expired_at = :now, final_status = 'expired'
                        WHERE status = :reserved AND shielded = :no AND claimed_at IS NULL
                            AND (final_status IS NULL OR final_status = 'confirmed')""")
                .bind("now", now.toEpochMilli())
                .bind("reserved", RtbStatus.RESERVED.word())
                .bind("no", false)
                .execute());
    }

    /** Rows dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Rows waiting to be written. */
    public int queued() {
        return queue.size();
    }

    /** Rows that could not be written (each was tried on its own), since start. */
    public long failed() {
        return failed.get();
    }

    private void offer(RtbLogItem item) {
        String uuid = RtbLogItem.uuidOf(item);
        // counted before it is queued, so a reader never misses a ping whose answer has been sent
        unwritten.merge(uuid, 1, Integer::sum);
        if (closing || !(queue.offer(item) || offerWaiting(item))) {
            written(uuid);
            long total = dropped.incrementAndGet();
            long now = System.nanoTime();
            long last = lastDropLogNanos;
            if (now - last > TimeUnit.SECONDS.toNanos(10)) {
                lastDropLogNanos = now;
                LOG.warning("RTB log queue full: " + total + " rows dropped so far (is the SQL store down or slow?)");
            }
        } else {
            // the mark first: the queue's size takes the queue's lock, needed only while the writer sleeps
            int wakeAt = wakeAtQueued;
            if (wakeAt != Integer.MAX_VALUE && queue.size() >= wakeAt) {
                LockSupport.unpark(writer);
            }
        }
    }

    private void written(String uuid) {
        unwritten.computeIfPresent(uuid, (k, count) -> count == 1 ? null : count - 1);
    }

    /**
     * Back-pressure: a store that is only slower than the pings makes them wait a moment for room (so the log keeps
     * every ping and the sustainable rate is what is measured); one that is down or stuck still drops, after
     * {@link #OFFER_WAIT}, rather than hold pings up.
     */
    private boolean offerWaiting(RtbLogItem item) {
        try {
            return queue.offer(item, OFFER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How long a ping waits for room in a full queue before its row is dropped. */
    static final Duration OFFER_WAIT = Duration.ofMillis(200);

    /** Waits until everything queued before the call is written (tests, shutdown). */
    public void flush() {
        if (!writer.isAlive()) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Flush marker = new Flush(done);
        try {
            queue.put(marker);
            LockSupport.unpark(writer); // a flush does not wait out a batch window
            // the writer may have stopped (closing, with the queue empty) just after the check above: then nothing
            // takes the marker, and nothing queued after its end would be written anyway
            CompletableFuture.anyOf(done, writerStopped).get(60, TimeUnit.SECONDS);
            if (!done.isDone()) {
                queue.remove(marker);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flushing the RTB log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the RTB log did not flush", e);
        }
    }

    /** Writes what is queued, then stops the writer and the purge. Rows logged afterwards are dropped. */
    @Override
    public void close() {
        closing = true;
        purge.stop();
        // neither thread is interrupted: an interrupt closes the socket of a JDBC call under way on a virtual thread
        flush();
        try {
            writer.join(Duration.ofSeconds(10));
            purge.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeBatches() {
        try {
            writeUntilClosed();
        } finally {
            writerStopped.complete(null);
        }
    }

    private void writeUntilClosed() {
        List<RtbLogItem> batch = new ArrayList<>(MAX_BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                RtbLogItem first =
                        queue.poll(retries.isEmpty() ? 1_000 : RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!retries.isEmpty()) {
                        write(batch);
                    }
                    continue;
                }
                batch.add(first);
                if (!(first instanceof Flush)) {
                    gather(batch, System.nanoTime() + BATCH_WINDOW.toNanos());
                }
            } catch (InterruptedException e) {
                queue.drainTo(batch);
            }
            write(batch);
            batch.clear();
        }
    }

    /**
     * Adds what is queued to {@code batch} until it is full, holds a flush, the window ends at {@code deadline}
     * ({@link System#nanoTime}) or the log closes. Between looks the writer sleeps, woken early only by an offer that
     * fills the batch or by a flush: woken for every row, as it was while it waited on the queue, it switched in about
     * every other ping at half the full rate, and that cost more than the rows.
     */
    private void gather(List<RtbLogItem> batch, long deadline) throws InterruptedException {
        while (true) {
            int before = batch.size();
            queue.drainTo(batch, MAX_BATCH - before);
            if (batch.size() >= MAX_BATCH || holdsFlush(batch, before) || closing) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wakeAtQueued = MAX_BATCH - batch.size();
            // rows offered since the drain may fill the batch already: then look again instead of sleeping
            if (queue.size() < wakeAtQueued) {
                LockSupport.parkNanos(this, left);
            }
            wakeAtQueued = Integer.MAX_VALUE;
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static boolean holdsFlush(List<RtbLogItem> batch, int from) {
        for (int i = from; i < batch.size(); i++) {
            if (batch.get(i) instanceof Flush) {
                return true;
            }
        }
        return false;
    }

    /**
     * Claims and confirmations whose ping's row was not there yet, with when they first missed it: with several nodes
     * the call that claims a reservation may be logged by another node before the node that answered the ping has
     * written its row. They are tried again with every batch (at least every {@link #RETRY_EVERY}) for
     * {@link #RETRY_FOR}. Only the writer thread touches this.
     */
    private final Map<RtbLogItem, Long> retries = new LinkedHashMap<>();

    static final Duration RETRY_EVERY = Duration.ofMillis(100);
    static final Duration RETRY_FOR = Duration.ofSeconds(30);

    private void write(List<RtbLogItem> batch) {
        List<RtbLogItem> rows = new ArrayList<>(retries.keySet());
        batch.stream().filter(item -> !(item instanceof Flush)).forEach(rows::add);
        List<RtbLogItem> missed = new ArrayList<>();
        try {
            if (!rows.isEmpty()) {
                missed = jdbi.inTransaction(handle -> RtbLogRows.writeOrFail(handle, rows));
            }
        } catch (RuntimeException e) {
            // one bad row must not lose the others, and nothing may end this thread: retry row by row
            missed = new ArrayList<>();
            for (RtbLogItem row : rows) {
                try {
                    missed.addAll(jdbi.inTransaction(handle -> RtbLogRows.writeOrFail(handle, List.of(row))));
                } catch (RuntimeException single) {
                    failed.incrementAndGet();
                    LOG.log(Level.WARNING, "an RTB log row could not be written", single);
                }
            }
        }
        keepForRetry(missed);
        for (RtbLogItem item : batch) {
            if (item instanceof Flush flush) {
                flush.done().complete(null);
            } else {
                written(RtbLogItem.uuidOf(item));
            }
        }
    }

    private void keepForRetry(List<RtbLogItem> missed) {
        long now = System.nanoTime();
        Map<RtbLogItem, Long> kept = new LinkedHashMap<>();
        for (RtbLogItem item : missed) {
            long since = retries.getOrDefault(item, now);
            if (now - since < RETRY_FOR.toNanos()) {
                kept.put(item, since);
            } else {
                failed.incrementAndGet();
                LOG.warning("an RTB log event found no ping row for " + RETRY_FOR.toSeconds() + " s; dropped");
            }
        }
        retries.clear();
        retries.putAll(kept);
    }

    // --- reading ---------------------------------------------------------------------------------------------------

    /**
     * Which pings a list shows; empty parts do not filter. {@code status} matches the answer or the final status,
     * {@code callerNumber} is E.164.
     */
    public record Filter(
            Optional<Long> keyId,
            Optional<Long> publisherId,
            Optional<RtbStatus> status,
            Optional<String> callerNumber,
            Optional<Instant> from,
            Optional<Instant> to) {
        public static final Filter NONE = new Filter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());

        /**
         * The filters from request parameters ({@code query} answers a parameter's stripped, non-blank value), shared
         * by the API and the console's RTB log; a bad value is a 400 naming its parameter. {@code from} and {@code to}
         * take an instant or a date ({@link Http#parseFrom}, {@link Http#parseTo}).
         */
        public static Filter parse(Function<String, Optional<String>> query) {
            return new Filter(
                    query.apply("key_id").map(raw -> Http.parseId("key_id", raw)),
                    query.apply("publisher_id").map(raw -> Http.parseId("publisher_id", raw)),
                    query.apply("status")
                            .map(word -> RtbStatus.fromWord(word)
                                    .orElseThrow(() -> new Problem.Invalid("status", "is not an RTB status word"))),
                    query.apply("caller_number").map(raw -> PhoneNumbers.requireE164("caller_number", raw)),
                    query.apply("from").map(raw -> Http.parseFrom("from", raw)),
                    query.apply("to").map(raw -> Http.parseTo("to", raw)));
        }
    }

    /** The pings of a range: how many, how many were answered reserved, and how many of those were claimed or expired. */
    public record RangeCounts(long pings, long reserved, long claimed, long expired) {}

    /** Deletes every account's rows created more than {@link #RETENTION} before {@code now}; returns how many. */
    public long purge(Instant now) {
        return purge.purge(now);
    }

    /** The account's ping with this UUID. */
    public Optional<RtbPingOut> find(AccountId account, String uuid) {
        if (!Reservation.isUuid(uuid)) {
            return Optional.empty();
        }
        if (unwritten.containsKey(uuid)) {
            flush(); // answered but still in a batch: the owner looking it up sees it as the publisher did
        }
        return reader.find(account, uuid);
    }

    /** One page of the account's pings matching {@code filter}, newest first. */
    public Page<RtbPingOut> list(AccountId account, Filter filter, PageRequest page) {
        if (!unwritten.isEmpty()) {
            flush(); // every ping answered so far is listed
        }
        return reader.list(account, filter, page);
    }

    /**
     * The account's pings in {@code [from, to)} counted for the dashboard; the log keeps {@link #RETENTION}, so older
     * pings are no longer counted.
     */
    public RangeCounts counts(AccountId account, Instant from, Instant to) {
        if (!unwritten.isEmpty()) {
            flush(); // every ping answered so far is counted
        }
        return reader.counts(account, from, to);
    }

    /**
     * Counts of the account's pings since {@code since} by status (the final status once there is one: claimed,
     * confirmed, expired; else the answer), in total, per key and per publisher.
     */
    public RtbDashboardOut dashboard(AccountId account, Instant since) {
        return reader.dashboard(account, since);
    }
}
