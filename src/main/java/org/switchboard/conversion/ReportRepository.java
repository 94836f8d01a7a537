package org.switchboard.conversion;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.id.AccountId;

/**
 * The money report's aggregation: calls joined with their conversion decisions, summed per group in one SQL statement
 * on either engine, so the database returns one row per campaign, publisher, buyer or day bucket however many calls
 * there are. Amounts are summed as {@code BIGINT} micro-dollars.
 *
 * <p>Grouped by a tag's value, SQL sums per stored tag set (the {@code tags} JSON text, portable to both engines, where
 * reading a key out of the JSON is not) and {@link Report#ofTagValues} folds those sums by the tag's value in Java: one
 * row comes back per distinct tag set among the range's calls, at worst one per call, each parsed once.
 */
public final class ReportRepository {
    private final Jdbi jdbi;

    public ReportRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** What calls are grouped by in SQL, and the table that names the groups (none for day buckets). */
    private record Grouping(String key, Optional<String> names) {}

    /** The account's calls in the request's range and filters, summed per group. */
    public Report report(AccountId account, ReportRequest request) {
        ReportDays days = request.groupBy() == ReportRequest.GroupBy.HOUR
                ? ReportDays.hoursOf(request.from(), request.to(), request.timeZone())
                : ReportDays.of(request.from(), request.to(), request.timeZone());
        if (request.groupBy() == ReportRequest.GroupBy.TAG) {
            return Report.ofTagValues(
                    request,
                    aggregate(
                            account,
                            request,
                            days,
                            (rs, counters) -> new Report.TagGroup(rs.getString("grp"), counters)));
        }
        return Report.of(
                request,
                days,
                aggregate(
                        account,
                        request,
                        days,
                        (rs, counters) -> new Report.Group(
                                Columns.nullableLong(rs, "grp"), Optional.ofNullable(rs.getString("name")), counters)));
    }

    /** Reads one SQL group: its key column {@code grp}, its {@code name} and its counters. */
    @FunctionalInterface
    private interface GroupReader<T> {
        T read(ResultSet rs, ReportCounters counters) throws SQLException;
    }

    /**
     * The SQL groups: entity ids (null for calls without one) with names, bucket numbers of {@code days}, or stored tag
     * sets.
     */
    private <T> List<T> aggregate(AccountId account, ReportRequest request, ReportDays days, GroupReader<T> reader) {
        Map<String, Object> binds = new LinkedHashMap<>();
        binds.put("converted", Conversion.State.CONVERTED.name());
        binds.put("pending", Conversion.State.PENDING.name());
        List<String> conditions = conditions(account, request, binds);
        Grouping grouping = grouping(request, days, binds);
        // Money counts once the decision is final: pending calls (waiting for a postback) and live calls (no decision
        // row yet) add to calls and connected only. Names are joined after grouping, on one row per group; GROUP BY 1
        // because PostgreSQL does not see two uses of a bound parameter as the same expression.
        String sql = """
                SELECT g.grp, g.calls, g.connected, g.converted, g.revenue, g.payout, g.buyer_revenue, %s AS name
                FROM (
                    SELECT %s AS grp, COUNT(*) AS calls,
                        SUM(CASE WHEN c.connected_at IS NOT NULL THEN 1 ELSE 0 END) AS connected,
                        SUM(CASE WHEN v.state = :converted THEN 1 ELSE 0 END) AS converted,
                        SUM(CASE WHEN v.state = :converted THEN v.revenue_micros ELSE 0 END) AS revenue,
                        SUM(CASE WHEN v.state = :converted THEN v.payout_micros ELSE 0 END) AS payout,
                        SUM(CASE WHEN v.state <> :pending THEN v.buyer_revenue_micros ELSE 0 END) AS buyer_revenue
                    FROM calls c LEFT JOIN call_conversions v ON v.call_id = c.id
                    WHERE %s
                    GROUP BY 1) g%s""".formatted(
                        grouping.names().isPresent() ? "n.name" : "NULL",
                        grouping.key(),
                        String.join(" AND ", conditions),
                        grouping.names()
                                .map(table -> " LEFT JOIN " + table + " n ON n.id = g.grp AND n.account_id = :account")
                                .orElse(""));
        return jdbi.withHandle(handle -> handle.createQuery(sql)
                .bindMap(binds)
                .map((rs, ctx) -> reader.read(
                        rs,
                        new ReportCounters(
                                rs.getLong("calls"),
                                rs.getLong("connected"),
                                rs.getLong("converted"),
                                rs.getLong("revenue"),
                                rs.getLong("payout"),
                                rs.getLong("buyer_revenue"))))
                .list());
    }

    /** The WHERE conditions of the request's account, range and filters; their values go into {@code binds}. */
    private static List<String> conditions(AccountId account, ReportRequest request, Map<String, Object> binds) {
        binds.put("account", account.value());
        binds.put("from", request.from().toEpochMilli());
        binds.put("to", request.to().toEpochMilli());
        List<String> conditions =
                new ArrayList<>(List.of("c.account_id = :account", "c.started_at >= :from", "c.started_at < :to"));
        request.campaignId().ifPresent(id -> {
            conditions.add("c.campaign_id = :campaign");
            binds.put("campaign", id);
        });
        request.publisherId().ifPresent(id -> {
            conditions.add("c.publisher_id = :publisher");
            binds.put("publisher", id);
        });
        request.buyerId().ifPresent(id -> {
            conditions.add("c.buyer_id = :buyer");
            binds.put("buyer", id);
        });
        return conditions;
    }

    /** What the request groups calls by; day and hour buckets put their origin and width into {@code binds}. */
    private static Grouping grouping(ReportRequest request, ReportDays days, Map<String, Object> binds) {
        Grouping grouping = switch (request.groupBy()) {
            case CAMPAIGN -> new Grouping("c.campaign_id", Optional.of("campaigns"));
            case PUBLISHER -> new Grouping("c.publisher_id", Optional.of("publishers"));
            case BUYER -> new Grouping("c.buyer_id", Optional.of("buyers"));
            case DAY, HOUR -> new Grouping("(c.started_at - :origin) / :bucket", Optional.empty());
            case TAG -> new Grouping("c.tags", Optional.empty());
        };
        if (request.groupBy() == ReportRequest.GroupBy.DAY || request.groupBy() == ReportRequest.GroupBy.HOUR) {
            binds.put("origin", days.originMillis());
            binds.put("bucket", days.bucketMillis());
        }
        return grouping;
    }
}
