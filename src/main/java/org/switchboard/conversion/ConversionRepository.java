package org.switchboard.conversion;

import io.micrometer.core.instrument.Counter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;
import org.jspecify.annotations.Nullable;
import org.switchboard.call.CallState;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.db.FixedStatement;
import org.switchboard.platform.db.ManyKeys;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.money.Money;

/**
 * Conversion decisions, one row per call. Rows change only through conditional statements (insert if absent, update
 * from an expected state), and each caller learns whether it won: that is what makes a conversion count once and the
 * post-call webhooks fire once, whatever races (postbacks, the timeout, other nodes).
 */
public final class ConversionRepository {
    /** The columns of a {@link Conversion}, in the order {@link #map} reads them (by position, not by name). */
    private static final String COLUMNS = "call_id, account_id, state, criterion_id, reason, deadline_at, decided_at,"
            + " converted_at, revenue_micros, payout_micros, posted_micros, postback_at, buyer_criterion_id,"
            + " buyer_converted, buyer_revenue_micros, post_call_fired";

    private static final FixedStatement BY_CALL =
            new FixedStatement("SELECT " + COLUMNS + " FROM call_conversions WHERE call_id = ?");

    private static final ManyKeys BY_CALLS =
            new ManyKeys(false, ids -> "SELECT " + COLUMNS + " FROM call_conversions WHERE call_id IN (" + ids + ")");

    private final Jdbi jdbi;
    private final Counter[] decisionsByState;
    private final Counter revenue;
    private final Counter payout;

    /** {@code metrics}: every decision stored is counted once, by state, with a conversion's revenue and payout. */
    public ConversionRepository(Jdbi jdbi, Metrics metrics) {
        this.jdbi = jdbi;
        Conversion.State[] states = Conversion.State.values();
        this.decisionsByState = new Counter[states.length];
        for (Conversion.State state : states) {
            decisionsByState[state.ordinal()] = metrics.counter(
                    "switchboard.conversions",
                    "Conversion decisions stored, by state (a later conversion of a call counts again as converted)",
                    "state",
                    state.word());
        }
        this.revenue = metrics.counter("switchboard.conversions.revenue", "Revenue of conversions, in the currency");
        this.payout = metrics.counter("switchboard.conversions.payout", "Payout of conversions, in the currency");
    }

    private boolean counted(boolean stored, Conversion conversion) {
        if (stored) {
            decisionsByState[conversion.state().ordinal()].increment();
            if (conversion.converted()) {
                revenue.increment(conversion.revenue().toMicros() / 1_000_000.0);
                payout.increment(conversion.payout().toMicros() / 1_000_000.0);
            }
        }
        return stored;
    }

    public Optional<Conversion> find(long callId) {
        return BY_CALL.first(jdbi, ConversionRepository::map, callId);
    }

    /** The call's decision, read in the caller's transaction. */
    static Optional<Conversion> find(Handle handle, long callId) {
        return BY_CALL.first(handle, ConversionRepository::map, callId);
    }

    /** The decisions of these calls, by call id, read in the caller's transaction; a call not decided is left out. */
    static Map<Long, Conversion> findAll(Handle handle, List<Long> callIds) {
        Map<Long, Conversion> found = new HashMap<>();
        for (Conversion conversion :
                BY_CALLS.all(handle, ConversionRepository::map, callIds, FixedStatement.Null.BIGINT)) {
            found.put(conversion.callId(), conversion);
        }
        return found;
    }

    /** Counts a decision stored by a transaction that has committed ({@link #insertIfAbsent(Handle, Conversion, Instant)}). */
    void count(Conversion conversion) {
        counted(true, conversion);
    }

    /** The decisions of several calls of the account at once (for call log pages). */
    public Map<Long, Conversion> forCalls(AccountId account, List<Long> callIds) {
        Map<Long, Conversion> callToConversion = new HashMap<>();
        if (callIds.isEmpty()) {
            return callToConversion;
        }
        jdbi.useHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM call_conversions WHERE account_id = :account AND call_id IN (<calls>)")
                .bind("account", account.value())
                .bindList("calls", callIds)
                .map((rs, ctx) -> map(rs))
                .forEach(c -> callToConversion.put(c.callId(), c)));
        return callToConversion;
    }

    /** Stores {@code conversion} unless the call already has a decision; true when this one was stored. */
    boolean insertIfAbsent(Conversion conversion, Instant now) {
        return counted(insertRow(conversion, now), conversion);
    }

    private boolean insertRow(Conversion conversion, Instant now) {
        return jdbi.withHandle(handle -> insertIfAbsent(handle, conversion, now));
    }

    /**
     * {@link #insertIfAbsent(Conversion, Instant)} in the caller's transaction, not yet counted: the caller counts it
     * ({@link #count}) once committed.
     */
    static boolean insertIfAbsent(Handle handle, Conversion conversion, Instant now) {
        return bindAll(handle.createUpdate("""
                        INSERT INTO call_conversions (call_id, account_id, state, criterion_id, reason, deadline_at,
                            decided_at, converted_at, revenue_micros, payout_micros, posted_micros, postback_at,
                            buyer_criterion_id, buyer_converted, buyer_revenue_micros, post_call_fired, late_due,
                            updated_at)
                        VALUES (:call, :account, :state, :criterion, :reason, :deadline, :decided, :converted,
                            :revenue, :payout, :posted, :postback_at, :buyer_criterion, :buyer_converted,
                            :buyer_revenue, :fired, :no, :now)
                        ON CONFLICT (call_id) DO NOTHING"""), conversion, now)
                        .bind("fired", conversion.postCallFired())
                        .bind("no", false)
                        .execute()
                == 1;
    }

    /**
     * Replaces the call's decision with {@code conversion} if it is still in {@code expected} state (its post-call
     * flags are kept); true when this update won. A conversion replacing a non-conversion whose post-call webhooks
     * were already being delivered owes its own conversion webhooks: it is marked late.
     */
    boolean replace(Conversion conversion, Conversion.State expected, Instant now) {
        return counted(replaceRow(conversion, expected, now), conversion);
    }

    private boolean replaceRow(Conversion conversion, Conversion.State expected, Instant now) {
        return jdbi.withHandle(handle -> replace(handle, conversion, expected, now));
    }

    /** {@link #replace(Conversion, Conversion.State, Instant)} in the caller's transaction, not yet counted. */
    static boolean replace(Handle handle, Conversion conversion, Conversion.State expected, Instant now) {
        return bindAll(handle.createUpdate("""
                        UPDATE call_conversions SET state = :state, criterion_id = :criterion, reason = :reason,
                            deadline_at = :deadline, decided_at = :decided, converted_at = :converted,
                            revenue_micros = :revenue, payout_micros = :payout, posted_micros = :posted,
                            postback_at = :postback_at, buyer_criterion_id = :buyer_criterion,
                            buyer_converted = :buyer_converted, buyer_revenue_micros = :buyer_revenue,
                            late_due = CASE WHEN :late_if_started AND post_call_claimed_at IS NOT NULL THEN :yes
                                ELSE late_due END,
                            updated_at = :now
                        WHERE call_id = :call AND state = :expected"""), conversion, now)
                        .bind("expected", expected.name())
                        .bind("late_if_started", expected == Conversion.State.NOT_CONVERTED && conversion.converted())
                        .bind("yes", true)
                        .execute()
                == 1;
    }

    /** The decision as it stood when the post-call webhooks were claimed: what they must say. */
    record PostCallClaim(boolean converted, boolean postedBack) {}

    /**
     * In the caller's transaction: marks the call's post-call webhooks queued, once, if it is decided, and answers
     * the decision as it stood then, which is what they must say. A conversion replacing it afterwards sees the mark
     * and is queued as a late one ({@link #replace}), so read any later it would go out twice.
     */
    Optional<PostCallClaim> claimPostCall(Handle handle, long callId, Instant now) {
        return handle.createQuery("""
                        UPDATE call_conversions SET post_call_fired = :yes, post_call_claimed_at = :now,
                            updated_at = :now
                        WHERE call_id = :call AND post_call_fired = :no AND state <> :pending
                        RETURNING state, postback_at""")
                .bind("yes", true)
                .bind("no", false)
                .bind("pending", Conversion.State.PENDING.name())
                .bind("now", now.toEpochMilli())
                .bind("call", callId)
                .map((rs, ctx) -> new PostCallClaim(
                        Conversion.State.valueOf(rs.getString("state")) == Conversion.State.CONVERTED,
                        Columns.optionalInstant(rs, "postback_at").isPresent()))
                .findOne();
    }

    /** Runs {@code reads} on a connection of its own, outside any transaction. */
    <T> T read(Function<Handle, T> reads) {
        return jdbi.withHandle(reads::apply);
    }

    /** Runs {@code work} in one transaction (a claim and the deliveries it queues). */
    <T> T inTransaction(Function<Handle, T> work) {
        return jdbi.inTransaction(work::apply);
    }

    /** The buyer's own view of the call, judged again once it ended. */
    void setBuyerView(long callId, Optional<Long> criterionId, boolean converted, Money revenue, Instant now) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE call_conversions SET buyer_criterion_id = :criterion, buyer_converted = :converted,
                            buyer_revenue_micros = :revenue, updated_at = :now
                        WHERE call_id = :call""")
                .bind("criterion", criterionId.orElse(null))
                .bind("converted", converted)
                .bind("revenue", revenue.toMicros())
                .bind("now", now.toEpochMilli())
                .bind("call", callId)
                .execute());
    }

    /** In the caller's transaction: marks a late conversion's webhooks queued, once; true for the one that did. */
    boolean claimLate(Handle handle, long callId, Instant now) {
        return handle.createUpdate("""
                                UPDATE call_conversions SET late_due = :no, late_claimed_at = :now, updated_at = :now
                                WHERE call_id = :call AND late_due = :yes""")
                        .bind("yes", true)
                        .bind("no", false)
                        .bind("now", now.toEpochMilli())
                        .bind("call", callId)
                        .execute()
                == 1;
    }

    /** Late conversions whose webhooks are still to be queued. */
    List<Long> lateDue(int limit) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT call_id FROM call_conversions WHERE late_due = :yes LIMIT :limit")
                        .bind("yes", true)
                        .bind("limit", limit)
                        .mapTo(Long.class)
                        .list());
    }

    /** Calls waiting for a postback whose timeout has passed, oldest deadline first. */
    List<Long> due(Instant now, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT call_id FROM call_conversions WHERE state = :pending AND deadline_at <= :now
                        ORDER BY deadline_at LIMIT :limit""")
                .bind("pending", Conversion.State.PENDING.name())
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .mapTo(Long.class)
                .list());
    }

    /**
     * Ended, decided calls whose post-call webhooks were never queued (a node stopped in between), decided before.
     * A call a postback converted while it was live is left out until it ends.
     */
    List<Long> unfired(Instant decidedBefore, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT v.call_id FROM call_conversions v JOIN calls c ON c.id = v.call_id
                        WHERE v.post_call_fired = :no AND v.state <> :pending AND v.decided_at < :before
                            AND c.state = :ended
                        ORDER BY v.decided_at LIMIT :limit""")
                .bind("no", false)
                .bind("ended", CallState.ENDED.name())
                .bind("pending", Conversion.State.PENDING.name())
                .bind("before", decidedBefore.toEpochMilli())
                .bind("limit", limit)
                .mapTo(Long.class)
                .list());
    }

    /**
     * Calls that ended in [{@code from}, {@code to}) without a decision: a node stopped between ending a call and
     * deciding it. Oldest first.
     */
    List<Long> undecided(Instant from, Instant to, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT c.id FROM calls c LEFT JOIN call_conversions v ON v.call_id = c.id
                        WHERE c.ended_at >= :from AND c.ended_at < :to AND c.state = :ended AND v.call_id IS NULL
                        ORDER BY c.ended_at LIMIT :limit""")
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .bind("ended", CallState.ENDED.name())
                .bind("limit", limit)
                .mapTo(Long.class)
                .list());
    }

    /** Whether the caller converted for this buyer on the account since an instant, on a call other than this one. */
    static boolean convertedForBuyerSince(
            Handle handle, AccountId account, String callerNumber, long buyerId, Instant since, long exceptCallId) {
        return handle.createQuery("""
                        SELECT 1 FROM call_conversions v JOIN calls c ON c.id = v.call_id
                        WHERE c.account_id = :account AND c.caller_number = :caller AND c.buyer_id = :buyer
                            AND v.state = :converted AND v.converted_at >= :since AND c.id <> :except
                        LIMIT 1""")
                .bind("account", account.value())
                .bind("caller", callerNumber)
                .bind("buyer", buyerId)
                .bind("converted", Conversion.State.CONVERTED.name())
                .bind("since", since.toEpochMilli())
                .bind("except", exceptCallId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }

    private static Update bindAll(Update update, Conversion c, Instant now) {
        return update.bind("call", c.callId())
                .bind("account", c.accountId().value())
                .bind("state", c.state().name())
                .bind("criterion", c.criterionId().orElse(null))
                .bind("reason", c.reason().length() > 300 ? c.reason().substring(0, 300) : c.reason())
                .bind("deadline", millis(c.deadlineAt()))
                .bind("decided", millis(c.decidedAt()))
                .bind("converted", millis(c.convertedAt()))
                .bind("revenue", c.revenue().toMicros())
                .bind("payout", c.payout().toMicros())
                .bind("posted", c.posted().map(Money::toMicros).orElse(null))
                .bind("postback_at", millis(c.postbackAt()))
                .bind("buyer_criterion", c.buyerCriterionId().orElse(null))
                .bind("buyer_converted", c.buyerConverted())
                .bind("buyer_revenue", c.buyerRevenue().toMicros())
                .bind("now", now.toEpochMilli());
    }

    private static @Nullable Long millis(Optional<Instant> instant) {
        return instant.map(Instant::toEpochMilli).orElse(null);
    }

    /** A decision from a row of {@link #COLUMNS}, read by position. */
    private static Conversion map(ResultSet rs) throws SQLException {
        return new Conversion(
                rs.getLong(1),
                new AccountId(rs.getLong(2)),
                Conversion.State.valueOf(rs.getString(3)),
                Columns.optionalLong(rs, 4),
                rs.getString(5),
                Columns.optionalInstant(rs, 6),
                Columns.optionalInstant(rs, 7),
                Columns.optionalInstant(rs, 8),
                Money.ofMicros(rs.getLong(9)),
                Money.ofMicros(rs.getLong(10)),
                Columns.optionalLong(rs, 11).map(Money::ofMicros),
                Columns.optionalInstant(rs, 12),
                Columns.optionalLong(rs, 13),
                rs.getBoolean(14),
                Money.ofMicros(rs.getLong(15)),
                rs.getBoolean(16));
    }
}
