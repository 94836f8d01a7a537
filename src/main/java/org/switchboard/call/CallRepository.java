package org.switchboard.call;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.db.FixedStatement;
import org.switchboard.platform.db.ManyKeys;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.routing.Consideration;
import org.switchboard.tag.TagSet;

/**
 * Calls with their attempts and events. Look-ups by UUID or carrier id serve carriers (the account comes from the
 * call); every admin read takes the account first.
 */
public final class CallRepository {
    /**
     * The columns of a {@link Call}, in the order {@link #map} reads them: by position, so no statement builds the
     * driver's map of column names ({@code SELECT *} read by name did, for every call read).
     */
    private static final String COLUMNS = "id, uuid, account_id, campaign_id, tracking_number_id, publisher_id,"
            + " carrier, carrier_call_id, caller_number, dialed_number, state, outcome, buyer_id, tags, routing,"
            + " started_at, connected_at, ended_at, duration_seconds, connected_seconds, transferred_to";

    /**
     * The latest calls of many callers in one statement: for each, the index {@code calls_caller (account_id,
     * caller_number, started_at)} read backwards (SQLite sorts nothing, its index ends with the row id; PostgreSQL
     * sorts only the calls sharing the newest start time, by id). {@code [publisher]}: the second form keeps the calls
     * of one publisher.
     */
    private static final ManyKeys[] LATEST_OF_SOME_CALLERS = {
        latestOfSomeCallers(""), latestOfSomeCallers(" AND c.publisher_id = ?")
    };

    private static ManyKeys latestOfSomeCallers(String publisher) {
        return new ManyKeys(
                true,
                callers -> "WITH k (caller_number) AS (VALUES " + callers + ") SELECT " + COLUMNS
                        + " FROM calls WHERE id IN (SELECT (SELECT c.id FROM calls c WHERE c.account_id = ?"
                        + " AND c.caller_number = k.caller_number" + publisher
                        + " ORDER BY c.started_at DESC, c.id DESC LIMIT 1) FROM k)");
    }

    /**
     * Calls by their UUIDs, many in one statement, on the UUID's index alone: with the account in the statement too,
     * SQLite (no statistics) reads the account's calls instead.
     */
    private static final ManyKeys BY_UUIDS =
            new ManyKeys(false, uuids -> "SELECT " + COLUMNS + " FROM calls WHERE uuid IN (" + uuids + ")");

    private static final FixedStatement BY_UUID =
            new FixedStatement("SELECT " + COLUMNS + " FROM calls WHERE uuid = ?");

    private static final FixedStatement BY_ACCOUNT_AND_UUID =
            new FixedStatement("SELECT " + COLUMNS + " FROM calls WHERE uuid = ? AND account_id = ?");

    private static final FixedStatement BY_ID = new FixedStatement("SELECT " + COLUMNS + " FROM calls WHERE id = ?");

    /** {@link #map} for JDBI's queries. */
    private static final RowMapper<Call> MAPPER = (rs, ctx) -> map(rs);

    private final Jdbi jdbi;

    /** Whether the store is SQLite (the tag filter's JSON functions differ), asked of the driver once. */
    private volatile @Nullable Boolean sqlite;

    private boolean sqlite() {
        Boolean known = sqlite;
        if (known == null) {
            try {
                known = jdbi.withHandle(
                        handle -> handle.getConnection().getMetaData().getURL().startsWith("jdbc:sqlite:"));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot tell the database engine", e);
            }
            sqlite = known;
        }
        return known;
    }

    public CallRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * How many calls of every account are in each state short of ended: an operator's figure for {@code /metrics},
     * the one read of calls not scoped to an account (it returns counts only).
     */
    public EnumMap<CallState, Long> countOpenByState() {
        EnumMap<CallState, Long> stateToCount = new EnumMap<>(CallState.class);
        for (CallState state : CallState.values()) {
            if (state != CallState.ENDED) {
                stateToCount.put(state, 0L);
            }
        }
        jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT state, COUNT(*) AS n FROM calls WHERE state <> :ended GROUP BY state")
                .bind("ended", CallState.ENDED.name())
                .map((rs, ctx) -> Map.entry(CallState.valueOf(rs.getString("state")), rs.getLong("n")))
                .forEach(e -> stateToCount.put(e.getKey(), e.getValue())));
        return stateToCount;
    }

    /** What an arriving call is stored with. */
    record NewCall(
            String uuid,
            AccountId account,
            long campaignId,
            long trackingNumberId,
            Optional<Long> publisherId,
            String carrier,
            String carrierCallId,
            String callerNumber,
            String dialedNumber,
            String callKeyDigest,
            TagSet tags,
            Instant startedAt) {}

    Call insert(NewCall call) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO calls (uuid, account_id, campaign_id, tracking_number_id, publisher_id, carrier,
                            carrier_call_id, caller_number, dialed_number, call_key_digest, state, tags, routing,
                            started_at)
                        VALUES (:uuid, :account, :campaign, :number, :publisher, :carrier, :carrier_call_id, :caller,
                            :dialed, :key_digest, :state, :tags, :routing, :started)""")
                .bind("uuid", call.uuid())
                .bind("account", call.account().value())
                .bind("campaign", call.campaignId())
                .bind("number", call.trackingNumberId())
                .bind("publisher", call.publisherId().orElse(null))
                .bind("carrier", call.carrier())
                .bind("carrier_call_id", call.carrierCallId())
                .bind("caller", call.callerNumber())
                .bind("dialed", call.dialedNumber())
                .bind("key_digest", call.callKeyDigest())
                .bind("state", CallState.RINGING.name())
                .bind("tags", call.tags().toStored())
                .bind("routing", routingJson(List.of(), List.of()))
                .bind("started", call.startedAt().toEpochMilli())
                .execute());
        return findByUuid(call.uuid()).orElseThrow();
    }

    /**
     * Runs {@code reads} with one handle that every read of this store made on this thread meanwhile shares (JDBI lends
     * a nested handle request the open one): several reads of one request borrow one connection instead of one each.
     * The handle is closed before this returns, so nothing may wait on another thread's work inside {@code reads}.
     */
    public <T> T sharingOneHandle(Supplier<T> reads) {
        return jdbi.withHandle(handle -> reads.get());
    }

    /**
     * Runs {@code writes} in one transaction that every statement of this store made on this thread meanwhile joins
     * (JDBI lends a nested handle request the open one, and a nested transaction joins the open one): rows that belong
     * together commit together, at one disk sync instead of one each. Nothing inside may wait on another thread's work
     * with the store (a group-commit writer) or on a partner (a webhook): on SQLite the transaction holds the only
     * write lock until it ends.
     */
    public <T> T inOneTransaction(Supplier<T> writes) {
        return jdbi.inTransaction(handle -> writes.get());
    }

    public Optional<Call> findByUuid(String uuid) {
        return BY_UUID.first(jdbi, CallRepository::map, uuid);
    }

    /**
     * The UUIDs of every account's calls not yet ended, oldest first: what a node starting up must pick up (an
     * operator's task, so not scoped to an account; the calls are then handled one by one, each under its own lock).
     */
    List<String> openCallUuids() {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT uuid FROM calls WHERE state <> :ended ORDER BY started_at, id")
                        .bind("ended", CallState.ENDED.name())
                        .mapTo(String.class)
                        .list());
    }

    /**
     * Claims the firing of a connected call's timer webhooks at {@code atSeconds}: true for the one caller that
     * inserts the row, false for every later one (another node, or this one again after a restart).
     */
    boolean claimTimer(long callId, long atSeconds, Instant now) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                                INSERT INTO call_timer_firings (call_id, at_seconds, fired_at)
                                VALUES (:call, :at, :now)
                                ON CONFLICT (call_id, at_seconds) DO NOTHING""")
                        .bind("call", callId)
                        .bind("at", atSeconds)
                        .bind("now", now.toEpochMilli())
                        .execute())
                == 1;
    }

    public Optional<Call> findById(long id) {
        return jdbi.withHandle(handle -> findById(handle, id));
    }

    /** The call with this id, read in the caller's transaction. */
    public static Optional<Call> findById(Handle handle, long id) {
        return BY_ID.first(handle, CallRepository::map, id);
    }

    public Optional<Call> find(AccountId account, String uuid) {
        return BY_ACCOUNT_AND_UUID.first(jdbi, CallRepository::map, uuid, account.value());
    }

    /** A caller on an account, and the publisher whose calls alone count, if any: what a latest call is read by. */
    public record CallerOf(AccountId account, String callerNumber, Optional<Long> publisherId) {}

    /**
     * Each caller's most recent call on the account (the latest start; of calls started in the same millisecond, the
     * last stored), only among calls through the publisher's numbers when one is given; read for many callers at once:
     * one statement for each account and publisher among them (per {@link ManyKeys#MAX} callers), not one per caller.
     * A caller with no call is left out.
     */
    public static final DurableWrites.BatchRead<CallerOf, Call> LATEST_OF_CALLERS = (handle, callers) -> {
        Map<CallerOf, List<String>> groups = new LinkedHashMap<>();
        for (CallerOf caller : callers) {
            groups.computeIfAbsent(new CallerOf(caller.account(), "", caller.publisherId()), g -> new ArrayList<>())
                    .add(caller.callerNumber());
        }
        Map<CallerOf, Call> found = new HashMap<>();
        groups.forEach((group, numbers) -> {
            Object[] after = group.publisherId().isPresent()
                    ? new Object[] {group.account().value(), group.publisherId().get()}
                    : new Object[] {group.account().value()};
            for (Call call : LATEST_OF_SOME_CALLERS[after.length - 1].all(
                    handle, CallRepository::map, numbers, FixedStatement.Null.VARCHAR, after)) {
                found.put(new CallerOf(group.account(), call.callerNumber(), group.publisherId()), call);
            }
        });
        return found;
    };

    /** A call named by its UUID on an account. */
    public record Named(AccountId account, String uuid) {}

    /**
     * Calls by their UUIDs ({@link #find}), read for many at once: one statement, whatever their accounts. A UUID no
     * call of its account has is left out.
     */
    public static final DurableWrites.BatchRead<Named, Call> NAMED = (handle, named) -> {
        List<String> uuids = named.stream().map(Named::uuid).distinct().toList();
        Map<Named, Call> found = new HashMap<>();
        for (Call call : BY_UUIDS.all(handle, CallRepository::map, uuids, FixedStatement.Null.VARCHAR)) {
            Named asked = new Named(call.accountId(), call.uuid());
            if (named.contains(asked)) {
                found.put(asked, call);
            }
        }
        return found;
    };

    public Optional<Call> findByCarrierId(String carrier, String carrierCallId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + COLUMNS + " FROM calls WHERE carrier = :carrier AND carrier_call_id = :id")
                .bind("carrier", carrier)
                .bind("id", carrierCallId)
                .map(MAPPER)
                .findOne());
    }

    /** The call key digest of a call, for the holder of its UUID and key. */
    public Optional<String> keyDigest(String uuid) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT call_key_digest FROM calls WHERE uuid = :uuid")
                .bind("uuid", uuid)
                .mapTo(String.class)
                .findOne());
    }

    void updateRouting(long callId, TagSet tags, List<Long> order, List<Consideration> considered) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE calls SET tags = :tags, routing = :routing WHERE id = :id")
                .bind("tags", tags.toStored())
                .bind("routing", routingJson(order, considered))
                .bind("id", callId)
                .execute());
    }

    void updateState(long callId, CallState state, Optional<CallOutcome> outcome, Optional<Long> buyerId) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE calls SET state = :state, outcome = :outcome, buyer_id = :buyer WHERE id = :id")
                .bind("state", state.name())
                .bind("outcome", outcome.map(Enum::name).orElse(null))
                .bind("buyer", buyerId.orElse(null))
                .bind("id", callId)
                .execute());
    }

    void markConnected(long callId, long buyerId, Instant at) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE calls SET state = :state, buyer_id = :buyer, connected_at = :at WHERE id = :id")
                .bind("state", CallState.CONNECTED.name())
                .bind("buyer", buyerId)
                .bind("at", at.toEpochMilli())
                .bind("id", callId)
                .execute());
    }

    /** The buyer handed the answered call back: it is dialling again, with no buyer and no connection. */
    void markRejected(long callId, int seq, Instant at) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("UPDATE call_attempts SET outcome = :outcome, ended_at = :at"
                            + " WHERE call_id = :call AND seq = :seq")
                    .bind("outcome", AttemptOutcome.REJECTED.name())
                    .bind("at", at.toEpochMilli())
                    .bind("call", callId)
                    .bind("seq", seq)
                    .execute();
            handle.createUpdate("UPDATE calls SET state = :state, buyer_id = NULL, connected_at = NULL WHERE id = :id")
                    .bind("state", CallState.DIALING.name())
                    .bind("id", callId)
                    .execute();
        });
    }

    void markTransferred(long callId, String destination, Instant at) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE calls SET transferred_to = :to, transferred_at = :at WHERE id = :id")
                .bind("to", destination)
                .bind("at", at.toEpochMilli())
                .bind("id", callId)
                .execute());
    }

    /** Where a carrier-neutral call asked to be sent new instructions, if it did. */
    public Optional<String> controlUrl(long callId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT control_url FROM calls WHERE id = :id")
                .bind("id", callId)
                .mapTo(String.class)
                .findOne());
    }

    public void setControlUrl(String uuid, String url) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE calls SET control_url = :url WHERE uuid = :uuid")
                .bind("url", url)
                .bind("uuid", uuid)
                .execute());
    }

    void markEnded(
            long callId, CallOutcome outcome, Instant at, int durationSeconds, Optional<Integer> connectedSeconds) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE calls SET state = :state, outcome = :outcome, ended_at = :at, duration_seconds = :duration,
                            connected_seconds = :connected
                        WHERE id = :id""")
                .bind("state", CallState.ENDED.name())
                .bind("outcome", outcome.name())
                .bind("at", at.toEpochMilli())
                .bind("duration", durationSeconds)
                .bind("connected", connectedSeconds.orElse(null))
                .bind("id", callId)
                .execute());
    }

    void addEvent(long callId, Instant at, CallState state, String detail) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO call_events (call_id, seq, at, state, detail)
                        VALUES (:call, (SELECT COALESCE(MAX(seq), 0) + 1 FROM call_events WHERE call_id = :call), :at,
                            :state, :detail)""")
                .bind("call", callId)
                .bind("at", at.toEpochMilli())
                .bind("state", state.name())
                .bind("detail", detail.length() > 500 ? detail.substring(0, 500) : detail)
                .execute());
    }

    /** What one source added to or removed from a call's tags, and when. */
    public record TagChange(Instant at, String source, TagSet added, TagSet removed) {
        boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }
    }

    /** Records where the call's tags came from; changes that added and removed nothing are left out. */
    void addTagChanges(long callId, List<TagChange> changes) {
        if (changes.stream().anyMatch(c -> !c.isEmpty())) {
            jdbi.useHandle(handle -> addTagChanges(handle, callId, changes));
        }
    }

    /** {@link #addTagChanges(long, List)} in the caller's transaction. */
    static void addTagChanges(Handle handle, long callId, List<TagChange> changes) {
        List<TagChange> kept = changes.stream().filter(c -> !c.isEmpty()).toList();
        if (kept.isEmpty()) {
            return;
        }
        var batch = handle.prepareBatch("""
                INSERT INTO call_tag_changes (call_id, at, source, added, removed)
                VALUES (:call, :at, :source, :added, :removed)""");
        for (TagChange change : kept) {
            batch.bind("call", callId)
                    .bind("at", change.at().toEpochMilli())
                    .bind(
                            "source",
                            change.source().length() > 200 ? change.source().substring(0, 200) : change.source())
                    .bind("added", change.added().toStored())
                    .bind("removed", change.removed().toStored())
                    .add();
        }
        batch.execute();
    }

    /** A call's id and tags as stored, read in the caller's transaction. */
    record StoredTags(long callId, TagSet tags) {}

    static Optional<StoredTags> tags(Handle handle, String uuid) {
        return handle.createQuery("SELECT id, tags FROM calls WHERE uuid = :uuid")
                .bind("uuid", uuid)
                .map((rs, ctx) -> new StoredTags(rs.getLong("id"), TagSet.fromStored(rs.getString("tags"))))
                .findOne();
    }

    /** Sets a call's tags in the caller's transaction. */
    static void updateTags(Handle handle, long callId, TagSet tags) {
        handle.createUpdate("UPDATE calls SET tags = :tags WHERE id = :id")
                .bind("tags", tags.toStored())
                .bind("id", callId)
                .execute();
    }

    /** Where the call's tags came from, in the order they were applied. */
    public List<TagChange> tagChanges(long callId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT at, source, added, removed FROM call_tag_changes WHERE call_id = :call ORDER BY id")
                .bind("call", callId)
                .map((rs, ctx) -> new TagChange(
                        Instant.ofEpochMilli(rs.getLong("at")),
                        rs.getString("source"),
                        TagSet.fromStored(rs.getString("added")),
                        TagSet.fromStored(rs.getString("removed"))))
                .list());
    }

    public List<CallEvent> events(long callId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT seq, at, state, detail FROM call_events WHERE call_id = :call ORDER BY seq")
                .bind("call", callId)
                .map((rs, ctx) -> new CallEvent(
                        rs.getInt("seq"),
                        Instant.ofEpochMilli(rs.getLong("at")),
                        CallState.valueOf(rs.getString("state")),
                        rs.getString("detail")))
                .list());
    }

    int addAttempt(long callId, long buyerId, String destination, Instant at) {
        return jdbi.inTransaction(handle -> {
            int seq = handle.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM call_attempts WHERE call_id = :call")
                    .bind("call", callId)
                    .mapTo(Integer.class)
                    .one();
            handle.createUpdate("""
                            INSERT INTO call_attempts (call_id, seq, buyer_id, destination, started_at)
                            VALUES (:call, :seq, :buyer, :destination, :at)""")
                    .bind("call", callId)
                    .bind("seq", seq)
                    .bind("buyer", buyerId)
                    .bind("destination", destination)
                    .bind("at", at.toEpochMilli())
                    .execute();
            return seq;
        });
    }

    void endAttempt(long callId, int seq, AttemptOutcome outcome, Instant at) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE call_attempts SET outcome = :outcome, ended_at = :at
                        WHERE call_id = :call AND seq = :seq AND outcome IS NULL""")
                .bind("outcome", outcome.name())
                .bind("at", at.toEpochMilli())
                .bind("call", callId)
                .bind("seq", seq)
                .execute());
    }

    public List<Attempt> attempts(long callId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT * FROM call_attempts WHERE call_id = :call ORDER BY seq")
                .bind("call", callId)
                .map((rs, ctx) -> {
                    Optional<Instant> endedAt = Columns.optionalInstant(rs, "ended_at");
                    String outcome = rs.getString("outcome");
                    return new Attempt(
                            rs.getInt("seq"),
                            rs.getLong("buyer_id"),
                            rs.getString("destination"),
                            Instant.ofEpochMilli(rs.getLong("started_at")),
                            endedAt,
                            Optional.ofNullable(outcome).map(AttemptOutcome::valueOf));
                })
                .list());
    }

    /** The most recent earlier call of this caller on the campaign that started after {@code since}. */
    Optional<Call> previousCall(
            AccountId account, long campaignId, String callerNumber, Instant since, String exceptUuid) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT %s FROM calls WHERE account_id = :account AND campaign_id = :campaign
                            AND caller_number = :caller AND started_at >= :since AND uuid <> :except
                        ORDER BY started_at DESC, id DESC LIMIT 1""".formatted(COLUMNS))
                .bind("account", account.value())
                .bind("campaign", campaignId)
                .bind("caller", callerNumber)
                .bind("since", since.toEpochMilli())
                .bind("except", exceptUuid)
                .map(MAPPER)
                .findOne());
    }

    /** The buyer that answered this caller's most recent connected call on the campaign since an instant. */
    Optional<Long> previousConnectedBuyer(
            AccountId account, long campaignId, String callerNumber, Instant since, String exceptUuid) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT buyer_id FROM calls WHERE account_id = :account AND campaign_id = :campaign
                            AND caller_number = :caller AND started_at >= :since AND uuid <> :except
                            AND buyer_id IS NOT NULL
                        ORDER BY started_at DESC, id DESC LIMIT 1""")
                .bind("account", account.value())
                .bind("campaign", campaignId)
                .bind("caller", callerNumber)
                .bind("since", since.toEpochMilli())
                .bind("except", exceptUuid)
                .mapTo(Long.class)
                .findOne());
    }

    /** Buyers that answered calls of this caller on the account since an instant. */
    Set<Long> buyersThatTookCaller(AccountId account, String callerNumber, Instant since) {
        return Set.copyOf(jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT DISTINCT a.buyer_id FROM call_attempts a JOIN calls c ON c.id = a.call_id
                        WHERE c.account_id = :account AND c.caller_number = :caller AND a.outcome = 'ANSWERED'
                            AND a.started_at >= :since""")
                .bind("account", account.value())
                .bind("caller", callerNumber)
                .bind("since", since.toEpochMilli())
                .mapTo(Long.class)
                .list()));
    }

    /** Answered attempts of a buyer, or of a group's current members, since an instant (cap seeds). */
    public long connectedSince(String ownerType, long ownerId, Instant since) {
        String buyers = ownerType.equals("group")
                ? "a.buyer_id IN (SELECT buyer_id FROM buyer_group_members WHERE group_id = :owner)"
                : "a.buyer_id = :owner";
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM call_attempts a WHERE " + buyers
                        + " AND a.outcome = 'ANSWERED' AND a.started_at >= :since")
                .bind("owner", ownerId)
                .bind("since", since.toEpochMilli())
                .mapTo(Long.class)
                .one());
    }

    /** Filters of the call log; empty ones do not filter. */
    public record Filter(
            Optional<Instant> from,
            Optional<Instant> to,
            Optional<Long> campaignId,
            Optional<Long> publisherId,
            Optional<Long> buyerId,
            Optional<String> caller,
            Optional<String> status,
            Optional<TagMatch> tag,
            Order order) {

        /** A caller's calls, through one publisher's numbers when {@code publisherId} is given. */
        public static Filter ofCaller(String caller, Optional<Long> publisherId) {
            return new Filter(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    publisherId,
                    Optional.empty(),
                    Optional.of(caller),
                    Optional.empty(),
                    Optional.empty(),
                    Order.NEWEST);
        }
    }

    /** The order of the call log: newest first unless asked otherwise; calls still without a duration sort last. */
    public enum Order {
        NEWEST("started_at DESC, id DESC"),
        OLDEST("started_at ASC, id ASC"),
        LONGEST("COALESCE(duration_seconds, -1) DESC, id DESC"),
        SHORTEST("COALESCE(duration_seconds, 2147483647) ASC, id ASC");

        private final String sql;

        Order(String sql) {
            this.sql = sql;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Order> fromWord(String word) {
            return Arrays.stream(values()).filter(o -> o.word().equals(word)).findFirst();
        }
    }

    /** Calls carrying the tag {@code key} with {@code value} among its values (key normalised as tags store it). */
    public record TagMatch(String key, String value) {}

    public Page<Call> list(AccountId account, Filter filter, PageRequest page) {
        Map<String, Object> binds = new LinkedHashMap<>();
        String where = where(account, filter, binds);
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM calls" + where)
                    .bindMap(binds)
                    .mapTo(Long.class)
                    .one();
            List<Call> items = handle.createQuery("SELECT " + COLUMNS + " FROM calls" + where + " ORDER BY "
                            + filter.order().sql
                            + " LIMIT :limit OFFSET :offset")
                    .bindMap(binds)
                    .bind("limit", page.perPage())
                    .bind("offset", page.offset())
                    .map(MAPPER)
                    .list();
            return new Page<>(items, total);
        });
    }

    /**
     * The first {@code limit} matching calls in the filter's order, without counting them all as {@link #list} does (a
     * keyed request looking for a caller's latest call needs no total).
     */
    public List<Call> first(AccountId account, Filter filter, int limit) {
        List<Call> calls = new ArrayList<>(Math.min(limit, 64));
        forEach(account, filter, limit, calls::add);
        return calls;
    }

    /** Streams every matching call, in the filter's order, to {@code sink} (for the CSV export). */
    public void forEach(AccountId account, Filter filter, int limit, Consumer<Call> sink) {
        Map<String, Object> binds = new LinkedHashMap<>();
        String where = where(account, filter, binds);
        jdbi.useHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM calls" + where + " ORDER BY "
                        + filter.order().sql + " LIMIT :limit")
                .bindMap(binds)
                .bind("limit", limit)
                .map(MAPPER)
                .forEach(sink));
    }

    private String where(AccountId account, Filter filter, Map<String, Object> binds) {
        List<String> conditions = new ArrayList<>();
        conditions.add("account_id = :account");
        binds.put("account", account.value());
        filter.from().ifPresent(from -> {
            conditions.add("started_at >= :from");
            binds.put("from", from.toEpochMilli());
        });
        filter.to().ifPresent(to -> {
            conditions.add("started_at < :to");
            binds.put("to", to.toEpochMilli());
        });
        filter.campaignId().ifPresent(id -> {
            conditions.add("campaign_id = :campaign");
            binds.put("campaign", id);
        });
        filter.publisherId().ifPresent(id -> {
            conditions.add("publisher_id = :publisher");
            binds.put("publisher", id);
        });
        filter.buyerId().ifPresent(id -> {
            conditions.add("id IN (SELECT call_id FROM call_attempts WHERE buyer_id = :buyer)");
            binds.put("buyer", id);
        });
        filter.caller().ifPresent(caller -> {
            conditions.add("caller_number = :caller");
            binds.put("caller", caller);
        });
        filter.status().ifPresent(status -> {
            switch (status) {
                case "ringing", "dialing", "connected" -> {
                    conditions.add("state = :state");
                    binds.put("state", status.toUpperCase(Locale.ROOT));
                }
                default -> {
                    conditions.add("outcome = :outcome");
                    binds.put("outcome", status.toUpperCase(Locale.ROOT));
                }
            }
        });
        filter.tag().ifPresent(tag -> {
            // tags are JSON text ({"key": ["value", ...]}) written by our JSON writer, so a call with the value holds
            // its JSON string literally: that cheap text test skips parsing the JSON of almost every other call, then
            // each engine's JSON functions decide whether the value is under the key
            binds.put("tag_text", Json.writeString(tag.value()));
            if (sqlite()) {
                conditions.add("instr(tags, :tag_text) > 0 AND EXISTS (SELECT 1 FROM json_each(calls.tags, :tag_path)"
                        + " WHERE json_each.value = :tag_value)");
                binds.put("tag_path", "$.\"" + tag.key().replace("\"", "") + "\"");
            } else {
                conditions.add(
                        "strpos(tags, :tag_text) > 0 AND jsonb_exists(CAST(tags AS jsonb) -> :tag_key, :tag_value)");
                binds.put("tag_key", tag.key());
            }
            binds.put("tag_value", tag.value());
        });
        return " WHERE " + String.join(" AND ", conditions);
    }

    private static String routingJson(List<Long> order, List<Consideration> considered) {
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("order", order);
        routing.put("considered", considered);
        return Json.writeString(routing);
    }

    /** A call from a row of {@link #COLUMNS}, read by position. */
    private static Call map(ResultSet rs) throws SQLException {
        String outcome = rs.getString(12);
        StoredRouting routing = new StoredRouting(rs.getString(15));
        return new Call(
                rs.getLong(1),
                rs.getString(2),
                new AccountId(rs.getLong(3)),
                rs.getLong(4),
                rs.getLong(5),
                Columns.optionalLong(rs, 6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                CallState.valueOf(rs.getString(11)),
                outcome == null ? Optional.empty() : Optional.of(CallOutcome.valueOf(outcome)),
                Columns.optionalLong(rs, 13),
                TagSet.fromStored(rs.getString(14)),
                routing.order(),
                routing.considered(),
                Instant.ofEpochMilli(rs.getLong(16)),
                Columns.optionalInstant(rs, 17),
                Columns.optionalInstant(rs, 18),
                Columns.optionalInt(rs, 19),
                Columns.optionalInt(rs, 20),
                Optional.ofNullable(rs.getString(21)));
    }
}
