package org.switchboard.rtb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.time.IsoMillis;
import org.switchboard.tag.TagSet;

/**
 * The RTB log: every ping for 24 hours, then purged.
 *
 * <p>Writing never makes a ping wait for SQL. {@link #record} and the later events ({@link #claimed},
 * {@link #confirmation}, {@link #expired}) put a row on a bounded queue and return; one virtual thread drains it every
 * {@link #BATCH_WINDOW} or {@link #MAX_BATCH} rows, whichever comes first, and writes the batch (inserts, then
 * updates, in queue order) in one transaction. When the queue is full (the store is down or far behind) the row is
 * dropped, counted ({@link #dropped}) and logged at most every ten seconds, rather than blocking pings. A batch that
 * fails is retried row by row, so one bad row loses no other. A purge deletes rows older than {@link #RETENTION}
 * every {@link #PURGE_EVERY}.
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
    private static final int PURGE_CHUNK = 5_000;
    private static final Logger LOG = Logger.getLogger(RtbLog.class.getName());

    private final Jdbi jdbi;
    private final Clock clock;
    private final BlockingQueue<Item> queue;
    /** Pings (by UUID) with a row or an event queued but not written yet: how many of each. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> unwritten =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long lastDropLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
    private final Thread writer;
    /** Completed when the writer has stopped: a flush marker put after its last look at the queue is never taken. */
    private final CompletableFuture<Void> writerStopped = new CompletableFuture<>();

    private final Thread purger;
    private volatile boolean closing;
    private final CountDownLatch stopPurge = new CountDownLatch(1);

    public RtbLog(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, DEFAULT_CAPACITY);
    }

    /** {@code capacity}: rows waiting to be written before new ones are dropped. */
    public RtbLog(Jdbi jdbi, Clock clock, int capacity) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(capacity);
        // a platform thread: SQLite's native calls would pin a virtual thread's carrier for the whole batch anyway
        this.writer = Thread.ofPlatform().daemon().name("rtb-log-writer").start(this::writeBatches);
        this.purger = Thread.ofVirtual().name("rtb-log-purge").start(this::purgePeriodically);
    }

    /** What waits on the queue: a row, an event on a logged reservation, or a flush marker. */
    private sealed interface Item {}

    private record Insert(RtbPing ping) implements Item {}

    private record Claimed(String reservationUuid, String callUuid, Instant at) implements Item {}

    private record Confirmation(String reservationUuid, RtbStatus answer, Instant at) implements Item {}

    private record Expired(String reservationUuid, Instant at) implements Item {}

    private record Flush(CompletableFuture<Void> done) implements Item {}

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

    private void offer(Item item) {
        String uuid = uuidOf(item);
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
        }
    }

    private static String uuidOf(Item item) {
        return switch (item) {
            case Insert i -> i.ping().uuid();
            case Claimed c -> c.reservationUuid();
            case Confirmation c -> c.reservationUuid();
            case Expired e -> e.reservationUuid();
            case Flush f -> throw new IllegalArgumentException("a flush marker is not a ping's");
        };
    }

    private void written(String uuid) {
        unwritten.computeIfPresent(uuid, (k, count) -> count == 1 ? null : count - 1);
    }

    /**
     * Back-pressure: a store that is only slower than the pings makes them wait a moment for room (so the log keeps
     * every ping and the sustainable rate is what is measured); one that is down or stuck still drops, after
     * {@link #OFFER_WAIT}, rather than hold pings up.
     */
    private boolean offerWaiting(Item item) {
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
        stopPurge.countDown();
        // neither thread is interrupted: an interrupt closes the socket of a JDBC call under way on a virtual thread
        flush();
        try {
            writer.join(Duration.ofSeconds(10));
            purger.join(Duration.ofSeconds(10));
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
        List<Item> batch = new ArrayList<>(MAX_BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                Item first = queue.poll(retries.isEmpty() ? 1_000 : RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!retries.isEmpty()) {
                        write(batch);
                    }
                    continue;
                }
                batch.add(first);
                // gather more for one window so a burst costs one commit, unless a flush is waiting
                long deadline = System.nanoTime() + BATCH_WINDOW.toNanos();
                while (batch.size() < MAX_BATCH && !(batch.getLast() instanceof Flush)) {
                    if (queue.drainTo(batch, 1) == 0) {
                        long left = deadline - System.nanoTime();
                        Item next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                        if (next == null) {
                            break;
                        }
                        batch.add(next);
                    }
                }
            } catch (InterruptedException e) {
                queue.drainTo(batch);
            }
            write(batch);
            batch.clear();
        }
    }

    /**
     * Claims and confirmations whose ping's row was not there yet, with when they first missed it: with several nodes
     * the call that claims a reservation may be logged by another node before the node that answered the ping has
     * written its row. They are tried again with every batch (at least every {@link #RETRY_EVERY}) for
     * {@link #RETRY_FOR}. Only the writer thread touches this.
     */
    private final Map<Item, Long> retries = new LinkedHashMap<>();

    static final Duration RETRY_EVERY = Duration.ofMillis(100);
    static final Duration RETRY_FOR = Duration.ofSeconds(30);

    private void write(List<Item> batch) {
        List<Item> rows = new ArrayList<>(retries.keySet());
        batch.stream().filter(item -> !(item instanceof Flush)).forEach(rows::add);
        List<Item> missed = new ArrayList<>();
        try {
            if (!rows.isEmpty()) {
                missed = jdbi.inTransaction(handle -> writeAllOrFail(handle, rows));
            }
        } catch (RuntimeException e) {
            // one bad row must not lose the others, and nothing may end this thread: retry row by row
            missed = new ArrayList<>();
            for (Item row : rows) {
                try {
                    missed.addAll(jdbi.inTransaction(handle -> writeAllOrFail(handle, List.of(row))));
                } catch (RuntimeException single) {
                    failed.incrementAndGet();
                    LOG.log(Level.WARNING, "an RTB log row could not be written", single);
                }
            }
        }
        keepForRetry(missed);
        for (Item item : batch) {
            if (item instanceof Flush flush) {
                flush.done().complete(null);
            } else {
                written(uuidOf(item));
            }
        }
    }

    private void keepForRetry(List<Item> missed) {
        long now = System.nanoTime();
        Map<Item, Long> kept = new LinkedHashMap<>();
        for (Item item : missed) {
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

    /**
     * Writes a batch in the caller's transaction with plain JDBC batches: the log takes a row per ping, and binding
     * positional parameters costs a fraction of binding named ones (this runs on the same cores as the pings).
     * Returns the claims and confirmations that found no row of their ping.
     */
    private static List<Item> writeAll(Handle handle, List<Item> rows) throws SQLException {
        java.sql.Connection connection = handle.getConnection();
        try (java.sql.PreparedStatement inserts = connection.prepareStatement("""
                INSERT INTO rtb_pings (uuid, account_id, key_id, key_name, campaign_id, publisher_id, caller_number,
                    inbound_number, status, shielded, info, params, tags, passthrough, considered, reservation_uuid,
                    buyer_id, payout_micros, seconds, expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            int count = 0;
            for (Item item : rows) {
                if (item instanceof Insert(RtbPing p)) {
                    inserts.setString(1, p.uuid());
                    inserts.setLong(2, p.accountId().value());
                    inserts.setLong(3, p.keyId());
                    inserts.setString(4, p.keyName());
                    inserts.setLong(5, p.campaignId());
                    setLong(inserts, 6, p.publisherId());
                    inserts.setString(7, p.callerNumber().orElse(null));
                    inserts.setString(8, p.inboundNumber().orElse(null));
                    inserts.setString(9, p.status().word());
                    inserts.setBoolean(10, p.shielded());
                    inserts.setString(11, p.info().map(RtbLog::clip).orElse(null));
                    inserts.setString(12, Json.writeString(withoutSecrets(p.params())));
                    inserts.setString(13, p.tags().toStored());
                    inserts.setString(
                            14, p.passthrough().isEmpty() ? "[]" : Json.writeString(passthroughJson(p.passthrough())));
                    inserts.setString(15, Json.writeString(consideredJson(p.considered())));
                    inserts.setString(16, p.reservationUuid().orElse(null));
                    setLong(inserts, 17, p.buyerId());
                    setLong(inserts, 18, p.payout().map(RtbLog::micros));
                    setLong(
                            inserts,
                            19,
                            p.seconds().isPresent()
                                    ? Optional.of((long) p.seconds().getAsInt())
                                    : Optional.empty());
                    setLong(inserts, 20, p.expiresAt().map(Instant::toEpochMilli));
                    inserts.setLong(21, p.createdAt().toEpochMilli());
                    inserts.addBatch();
                    count++;
                }
            }
            if (count > 0) {
                inserts.executeBatch();
            }
        }
        // events after the inserts (a reservation's row may be in this very batch), each kind as one batch;
        // confirmations before claims and expiries, their order in time
        try (java.sql.PreparedStatement confirmations = connection.prepareStatement("""
                        UPDATE rtb_pings SET confirmed_at = ?, confirmation = ?,
                            final_status = CASE WHEN final_status IS NULL AND ? = 'confirmed'
                                THEN 'confirmed' ELSE final_status END
                        WHERE uuid = ?""");
                java.sql.PreparedStatement claims = connection.prepareStatement("""
                        UPDATE rtb_pings SET claimed_at = ?, call_uuid = ?, final_status = 'claimed'
                        WHERE uuid = ?""");
                java.sql.PreparedStatement expiries = connection.prepareStatement("""
                        UPDATE rtb_pings SET expired_at = ?, final_status = 'expired'
                        WHERE uuid = ? AND (final_status IS NULL OR final_status = 'confirmed')""")) {
            int[] counts = new int[3];
            List<Item> confirmed = new ArrayList<>();
            List<Item> claimed = new ArrayList<>();
            for (Item item : rows) {
                switch (item) {
                    case Confirmation c -> {
                        confirmations.setLong(1, c.at().toEpochMilli());
                        confirmations.setString(2, c.answer().word());
                        confirmations.setString(3, c.answer().word());
                        confirmations.setString(4, c.reservationUuid());
                        confirmations.addBatch();
                        confirmed.add(c);
                        counts[0]++;
                    }
                    case Claimed c -> {
                        claims.setLong(1, c.at().toEpochMilli());
                        claims.setString(2, c.callUuid());
                        claims.setString(3, c.reservationUuid());
                        claims.addBatch();
                        claimed.add(c);
                        counts[1]++;
                    }
                    case Expired e -> {
                        expiries.setLong(1, e.at().toEpochMilli());
                        expiries.setString(2, e.reservationUuid());
                        expiries.addBatch();
                        counts[2]++;
                    }
                    case Insert i -> {
                        // written above
                    }
                    case Flush f -> {
                        // not a row
                    }
                }
            }
            List<Item> missed = new ArrayList<>();
            if (counts[0] > 0) {
                missed(confirmations.executeBatch(), confirmed, missed);
            }
            if (counts[1] > 0) {
                missed(claims.executeBatch(), claimed, missed);
            }
            if (counts[2] > 0) {
                expiries.executeBatch();
            }
            return missed;
        }
    }

    /** The items whose update changed no row (a driver that does not count, answering a negative number, did write). */
    private static void missed(int[] updated, List<Item> items, List<Item> missed) {
        for (int i = 0; i < updated.length && i < items.size(); i++) {
            if (updated[i] == 0) {
                missed.add(items.get(i));
            }
        }
    }

    /** {@link #writeAll}, failing like JDBI does (unchecked), so the batch is retried row by row. */
    private static List<Item> writeAllOrFail(Handle handle, List<Item> rows) {
        try {
            return writeAll(handle, rows);
        } catch (SQLException e) {
            throw new IllegalStateException("writing the RTB log failed", e);
        }
    }

    private static void setLong(java.sql.PreparedStatement statement, int index, Optional<Long> value)
            throws SQLException {
        if (value.isPresent()) {
            statement.setLong(index, value.get());
        } else {
            statement.setNull(index, java.sql.Types.BIGINT);
        }
    }

    /** The request's parameters without anything that is a credential (the key must never be stored). */
    private static Map<String, String> withoutSecrets(Map<String, String> params) {
        Map<String, String> kept = new TreeMap<>(params);
        kept.keySet().removeIf(name -> name.equals("key") || name.equals("api_key") || name.equals("call_key"));
        return kept;
    }

    private static String clip(String text) {
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    /** Dollars to integer micro-dollars, rounding half up below a micro-dollar. */
    static long micros(BigDecimal dollars) {
        return dollars.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Micro-dollars to dollars without trailing zeros ({@code 1173000} is {@code 1.173}). */
    static BigDecimal dollars(long micros) {
        return Money.plain(BigDecimal.valueOf(micros, Money.SCALE));
    }

    private static ArrayNode passthroughJson(List<RtbPing.Passthrough> passthrough) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (RtbPing.Passthrough p : passthrough) {
            ObjectNode node = out.addObject();
            node.put("webhook_id", p.webhookId());
            node.put("name", p.name());
            node.put("status", p.status());
            node.put("elapsed_ms", p.elapsedMillis());
            node.set("response_tags", Json.tree(p.responseTags()));
        }
        return out;
    }

    private static ArrayNode consideredJson(List<RtbPing.ConsideredBuyer> considered) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (RtbPing.ConsideredBuyer c : considered) {
            ObjectNode node = out.addObject();
            node.put("buyer_id", c.buyerId());
            node.put("buyer_name", c.buyerName());
            node.put("chosen", c.chosen());
            node.put("status", c.status().map(RtbStatus::word).orElse(null));
            node.put("reason", c.reason());
        }
        return out;
    }

    // --- purge -----------------------------------------------------------------------------------------------------

    /** Deletes every account's rows created more than {@link #RETENTION} before {@code now}; returns how many. */
    public long purge(Instant now) {
        long cutoff = now.minus(RETENTION).toEpochMilli();
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
                if (stopPurge.await(PURGE_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
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

    /** The account's ping with this UUID. */
    public Optional<RtbPingOut> find(AccountId account, String uuid) {
        if (!Reservation.isUuid(uuid)) {
            return Optional.empty();
        }
        if (unwritten.containsKey(uuid)) {
            flush(); // answered but still in a batch: the owner looking it up sees it as the publisher did
        }
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM rtb_pings WHERE account_id = :account AND uuid = :uuid")
                        .bind("account", account.value())
                        .bind("uuid", uuid)
                        .map((rs, ctx) -> out(rs))
                        .findOne());
    }

    /** One page of the account's pings matching {@code filter}, newest first. */
    public Page<RtbPingOut> list(AccountId account, Filter filter, PageRequest page) {
        if (!unwritten.isEmpty()) {
            flush(); // every ping answered so far is listed
        }
        Map<String, Object> binds = new LinkedHashMap<>();
        List<String> conditions = new ArrayList<>(List.of("account_id = :account"));
        binds.put("account", account.value());
        filter.keyId().ifPresent(id -> {
            conditions.add("key_id = :key");
            binds.put("key", id);
        });
        filter.publisherId().ifPresent(id -> {
            conditions.add("publisher_id = :publisher");
            binds.put("publisher", id);
        });
        filter.status().ifPresent(status -> {
            conditions.add("(status = :status OR final_status = :status)");
            binds.put("status", status.word());
        });
        filter.callerNumber().ifPresent(caller -> {
            conditions.add("caller_number = :caller");
            binds.put("caller", caller);
        });
        filter.from().ifPresent(from -> {
            conditions.add("created_at >= :from");
            binds.put("from", from.toEpochMilli());
        });
        filter.to().ifPresent(to -> {
            conditions.add("created_at < :to");
            binds.put("to", to.toEpochMilli());
        });
        String where = " WHERE " + String.join(" AND ", conditions);
        return jdbi.withHandle(handle -> new Page<>(
                handle.createQuery("SELECT * FROM rtb_pings" + where
                                + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset")
                        .bindMap(binds)
                        .bind("limit", page.perPage())
                        .bind("offset", page.offset())
                        .map((rs, ctx) -> out(rs))
                        .list(),
                handle.createQuery("SELECT COUNT(*) FROM rtb_pings" + where)
                        .bindMap(binds)
                        .mapTo(Long.class)
                        .one()));
    }

    /** The pings of a range: how many, how many were answered reserved, and how many of those were claimed or expired. */
    public record RangeCounts(long pings, long reserved, long claimed, long expired) {}

    /**
     * The account's pings in {@code [from, to)} counted for the dashboard; the log keeps {@link #RETENTION}, so older
     * pings are no longer counted.
     */
    public RangeCounts counts(AccountId account, Instant from, Instant to) {
        if (!unwritten.isEmpty()) {
            flush(); // every ping answered so far is counted
        }
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT COUNT(*),
                            COALESCE(SUM(CASE WHEN status = :reserved THEN 1 ELSE 0 END), 0),
                            COALESCE(SUM(CASE WHEN final_status = :claimed THEN 1 ELSE 0 END), 0),
                            COALESCE(SUM(CASE WHEN final_status = :expired THEN 1 ELSE 0 END), 0)
                        FROM rtb_pings WHERE account_id = :account AND created_at >= :from AND created_at < :to""")
                .bind("account", account.value())
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .bind("reserved", RtbStatus.RESERVED.word())
                .bind("claimed", RtbStatus.CLAIMED.word())
                .bind("expired", RtbStatus.EXPIRED.word())
                .map((rs, ctx) -> new RangeCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .one());
    }

    /**
     * Counts of the account's pings since {@code since} by status (the final status once there is one: claimed,
     * confirmed, expired; else the answer), in total, per key and per publisher.
     */
    public RtbDashboardOut dashboard(AccountId account, Instant since) {
        Instant until = clock.instant();
        record Group(@Nullable Long id, @Nullable String name, String status, long count) {}
        String current = "COALESCE(final_status, status)";
        List<Group> byKey = jdbi.withHandle(handle -> handle.createQuery("SELECT key_id, MAX(key_name), " + current
                        + ", COUNT(*) FROM rtb_pings WHERE account_id = :account AND created_at >= :since"
                        + " GROUP BY key_id, " + current + " ORDER BY key_id")
                .bind("account", account.value())
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new Group(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .list());
        List<Group> byPublisher = jdbi.withHandle(handle -> handle.createQuery("SELECT publisher_id, " + current
                        + ", COUNT(*) FROM rtb_pings WHERE account_id = :account AND created_at >= :since"
                        + " GROUP BY publisher_id, " + current + " ORDER BY publisher_id")
                .bind("account", account.value())
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> {
                    long id = rs.getLong(1);
                    return new Group(rs.wasNull() ? null : id, null, rs.getString(2), rs.getLong(3));
                })
                .list());
        Map<String, Long> totals = new TreeMap<>();
        Map<Long, RtbDashboardOut.KeyCounts> keys = new LinkedHashMap<>();
        for (Group g : byKey) {
            totals.merge(g.status(), g.count(), Long::sum);
            RtbDashboardOut.KeyCounts counts =
                    keys.computeIfAbsent(g.id(), id -> new RtbDashboardOut.KeyCounts(id, g.name(), new TreeMap<>()));
            counts.statuses().merge(g.status(), g.count(), Long::sum);
        }
        Map<Optional<Long>, Map<String, Long>> publishers = new LinkedHashMap<>();
        for (Group g : byPublisher) {
            publishers
                    .computeIfAbsent(Optional.ofNullable(g.id()), id -> new TreeMap<>())
                    .merge(g.status(), g.count(), Long::sum);
        }
        return new RtbDashboardOut(
                IsoMillis.format(since),
                IsoMillis.format(until),
                totals.values().stream().mapToLong(Long::longValue).sum(),
                totals,
                keys.values().stream()
                        .map(k -> new RtbDashboardOut.KeyOut(
                                k.keyId(),
                                k.keyName(),
                                k.statuses().values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum(),
                                k.statuses()))
                        .toList(),
                publishers.entrySet().stream()
                        .map(e -> new RtbDashboardOut.PublisherOut(
                                e.getKey().orElse(null),
                                e.getValue().values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum(),
                                e.getValue()))
                        .toList());
    }

    private static RtbPingOut out(ResultSet rs) throws SQLException {
        return new RtbPingOut(
                rs.getString("uuid"),
                rs.getString("status"),
                optionalText(rs, "final_status"),
                rs.getBoolean("shielded"),
                optionalText(rs, "info"),
                rs.getLong("key_id"),
                rs.getString("key_name"),
                rs.getLong("campaign_id"),
                optionalLong(rs, "publisher_id"),
                optionalText(rs, "caller_number"),
                optionalText(rs, "inbound_number"),
                optionalText(rs, "reservation_uuid"),
                optionalLong(rs, "buyer_id"),
                optionalLong(rs, "payout_micros") == null ? null : dollars(rs.getLong("payout_micros")),
                optionalLong(rs, "seconds") == null ? null : rs.getInt("seconds"),
                instant(rs, "expires_at"),
                IsoMillis.format(Instant.ofEpochMilli(rs.getLong("created_at"))),
                instant(rs, "claimed_at"),
                optionalText(rs, "call_uuid"),
                instant(rs, "confirmed_at"),
                optionalText(rs, "confirmation"),
                instant(rs, "expired_at"),
                readJson(rs, "params"),
                TagSet.fromStored(rs.getString("tags")).asMap(),
                readJson(rs, "passthrough"),
                readJson(rs, "considered"));
    }

    private static @Nullable String optionalText(ResultSet rs, String column) throws SQLException {
        return rs.getString(column);
    }

    private static @Nullable Long optionalLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static @Nullable String instant(ResultSet rs, String column) throws SQLException {
        Long millis = optionalLong(rs, column);
        return millis == null ? null : IsoMillis.format(Instant.ofEpochMilli(millis));
    }

    private static JsonNode readJson(ResultSet rs, String column) throws SQLException {
        try {
            return Json.MAPPER.readTree(rs.getString(column));
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable " + column + " in the RTB log", e);
        }
    }
}
