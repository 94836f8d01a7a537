package org.switchboard.rtb;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.db.Where;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.time.IsoMillis;
import org.switchboard.tag.TagSet;

/**
 * Reads the RTB log, account-scoped: one ping, a filtered page, the dashboard's counts, each row as the wire's
 * {@link RtbPingOut}. Written rows only: {@link RtbLog} first waits for what is queued.
 */
final class RtbLogReader {
    private final Jdbi jdbi;
    private final Clock clock;

    RtbLogReader(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The account's ping with this UUID. */
    Optional<RtbPingOut> find(AccountId account, String uuid) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM rtb_pings WHERE account_id = :account AND uuid = :uuid")
                        .bind("account", account.value())
                        .bind("uuid", uuid)
                        .map((rs, ctx) -> out(rs))
                        .findOne());
    }

    /** One page of the account's pings matching {@code filter}, newest first. */
    Page<RtbPingOut> list(AccountId account, RtbLog.Filter filter, PageRequest page) {
        return Where.account(account)
                .and("key_id = :key", "key", filter.keyId())
                .and("publisher_id = :publisher", "publisher", filter.publisherId())
                .and(
                        "(status = :status OR final_status = :status)",
                        "status",
                        filter.status().map(s -> s.word()))
                .and("caller_number = :caller", "caller", filter.callerNumber())
                .between("created_at", filter.from(), filter.to())
                .page(jdbi, "rtb_pings", "created_at", (rs, ctx) -> out(rs), page);
    }

    /**
     * The account's pings in {@code [from, to)} counted for the dashboard; the log keeps {@link RtbLog#RETENTION}, so older
     * pings are no longer counted.
     */
    RtbLog.RangeCounts counts(AccountId account, Instant from, Instant to) {
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
                .map((rs, ctx) -> new RtbLog.RangeCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .one());
    }

    /**
     * Counts of the account's pings since {@code since} by status (the final status once there is one: claimed,
     * confirmed, expired; else the answer), in total, per key and per publisher.
     */
    RtbDashboardOut dashboard(AccountId account, Instant since) {
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
                .map((rs, ctx) ->
                        new Group(Columns.nullableLong(rs, "publisher_id"), null, rs.getString(2), rs.getLong(3)))
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
                rs.getString("final_status"),
                rs.getBoolean("shielded"),
                rs.getString("info"),
                rs.getLong("key_id"),
                rs.getString("key_name"),
                rs.getLong("campaign_id"),
                Columns.nullableLong(rs, "publisher_id"),
                rs.getString("caller_number"),
                rs.getString("inbound_number"),
                rs.getString("reservation_uuid"),
                Columns.nullableLong(rs, "buyer_id"),
                Columns.optionalLong(rs, "payout_micros")
                        .map(RtbLogRows::dollars)
                        .orElse(null),
                Columns.optionalInt(rs, "seconds").orElse(null),
                isoOrNull(rs, "expires_at"),
                IsoMillis.format(Columns.instant(rs, "created_at")),
                isoOrNull(rs, "claimed_at"),
                rs.getString("call_uuid"),
                isoOrNull(rs, "confirmed_at"),
                rs.getString("confirmation"),
                isoOrNull(rs, "expired_at"),
                readJson(rs, "params"),
                TagSet.fromStored(rs.getString("tags")).asMap(),
                readJson(rs, "passthrough"),
                readJson(rs, "considered"));
    }

    private static @Nullable String isoOrNull(ResultSet rs, String column) throws SQLException {
        return Columns.optionalInstant(rs, column).map(IsoMillis::format).orElse(null);
    }

    private static JsonNode readJson(ResultSet rs, String column) throws SQLException {
        try {
            return Json.MAPPER.readTree(rs.getString(column));
        } catch (IOException e) {
            throw new SQLException("unreadable " + column + " in the RTB log", e);
        }
    }
}
