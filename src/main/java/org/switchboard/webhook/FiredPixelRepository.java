package org.switchboard.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.db.GroupCommit;
import org.switchboard.platform.db.Where;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.tag.TagSet;

/** Fired pixels; every read is scoped to one account. */
public final class FiredPixelRepository {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final TypeReference<Map<String, List<String>>> LIST_MAP = new TypeReference<>() {};
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final GroupCommit<FiredPixel, Long> writes;

    public FiredPixelRepository(Jdbi jdbi, Metrics metrics) {
        this.jdbi = jdbi;
        this.writes = new GroupCommit<>(jdbi, "fired-pixel", FiredPixelRepository::insertIn, metrics);
    }

    /**
     * Stores a pixel and returns its id once it is committed; concurrent webhooks share commits ({@link GroupCommit}),
     * so a burst of webhooks costs a few disk syncs, not one each.
     */
    long insert(FiredPixel p) {
        return writes.write(p);
    }

    static long insertIn(Handle handle, FiredPixel p) {
        return handle.createQuery("""
                        INSERT INTO fired_pixels (account_id, call_id, webhook_id, webhook_name, trigger_name, test_fire,
                            method, url, request_headers, request_body, status, response_headers, response_body,
                            started_at, elapsed_ms, error_kind, error_detail, missing_tokens, tags_applied, delivery_id)
                        VALUES (:account, :call, :webhook, :name, :trigger, :test, :method, :url, :request_headers,
                            :request_body, :status, :response_headers, :response_body, :started, :elapsed, :error_kind,
                            :error_detail, :missing, :tags, :delivery) RETURNING id""")
                .bind("account", p.accountId().value())
                .bind("call", p.callId().orElse(null))
                .bind("webhook", p.webhookId())
                .bind("name", p.webhookName())
                .bind("trigger", p.trigger().word())
                .bind("test", p.testFire())
                .bind("method", p.method())
                .bind("url", p.url())
                .bind("request_headers", Json.writeString(p.requestHeaders()))
                .bind("request_body", p.requestBody().orElse(null))
                .bind("status", p.status().orElse(null))
                .bind("response_headers", Json.writeString(p.responseHeaders()))
                .bind("response_body", p.responseBody().orElse(null))
                .bind("started", p.startedAt().toEpochMilli())
                .bind("elapsed", (int) Math.min(Integer.MAX_VALUE, p.elapsedMillis()))
                .bind("error_kind", p.errorKind().orElse(null))
                .bind(
                        "error_detail",
                        p.errorDetail()
                                .map(d -> d.length() > 500 ? d.substring(0, 500) : d)
                                .orElse(null))
                .bind("missing", Json.writeString(p.missingTokens()))
                .bind("tags", p.tagsApplied().toStored())
                .bind("delivery", p.deliveryId().orElse(null))
                .mapTo(Long.class)
                .one();
    }

    /** Filters of the fired-pixel list; {@code status} is an HTTP status, {@code ok} (2xx) or {@code error}. */
    public record Filter(
            Optional<Long> webhookId, Optional<String> status, Optional<Instant> from, Optional<Instant> to) {}

    public Page<FiredPixel> list(AccountId account, Filter filter, PageRequest page) {
        Where where = Where.account(account).and("webhook_id = :webhook", "webhook", filter.webhookId());
        filter.status().ifPresent(status -> {
            switch (status) {
                case "ok" -> where.and("status >= 200 AND status < 300 AND error_kind IS NULL");
                case "error" -> where.and("(error_kind IS NOT NULL OR status IS NULL OR status >= 300)");
                default -> where.and("status = :status", "status", Integer.parseInt(status));
            }
        });
        return where.between("started_at", filter.from(), filter.to())
                .page(jdbi, "fired_pixels", "started_at", FiredPixelRepository::map, page);
    }

    /** How many pixels a call fired. */
    public long countForCall(AccountId account, long callId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM fired_pixels WHERE account_id = :account AND call_id = :call")
                .bind("account", account.value())
                .bind("call", callId)
                .mapTo(Long.class)
                .one());
    }

    /** A call's fired pixels in firing order. */
    public List<FiredPixel> forCall(AccountId account, long callId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT * FROM fired_pixels WHERE account_id = :account AND call_id = :call ORDER BY started_at, id")
                .bind("account", account.value())
                .bind("call", callId)
                .map(FiredPixelRepository::map)
                .list());
    }

    private static final String OK = "status >= 200 AND status < 300 AND error_kind IS NULL";

    /**
     * Whether every real (not test-fire) attempt of the webhook since its last success has failed, the first of them
     * before {@code since}, with at least {@code minRecent} failures in the 24 hours before {@code now}: sustained
     * failure.
     */
    boolean failingSince(AccountId account, long webhookId, Instant since, Instant now, int minRecent) {
        return jdbi.withHandle(handle -> {
            long lastOk = handle.createQuery("SELECT COALESCE(MAX(started_at), 0) FROM fired_pixels"
                            + " WHERE account_id = :account AND webhook_id = :webhook AND test_fire = :no AND " + OK)
                    .bind("account", account.value())
                    .bind("webhook", webhookId)
                    .bind("no", false)
                    .mapTo(Long.class)
                    .one();
            Long firstFailure = handle.createQuery("""
                            SELECT MIN(started_at) FROM fired_pixels
                            WHERE account_id = :account AND webhook_id = :webhook AND test_fire = :no
                                AND started_at > :ok""")
                    .bind("account", account.value())
                    .bind("webhook", webhookId)
                    .bind("no", false)
                    .bind("ok", lastOk)
                    .mapTo(Long.class)
                    .one();
            if (firstFailure == null || firstFailure > since.toEpochMilli()) {
                return false;
            }
            long recent = handle.createQuery("""
                            SELECT COUNT(*) FROM fired_pixels
                            WHERE account_id = :account AND webhook_id = :webhook AND test_fire = :no
                                AND started_at > :ok AND started_at >= :day""")
                    .bind("account", account.value())
                    .bind("webhook", webhookId)
                    .bind("no", false)
                    .bind("ok", lastOk)
                    .bind("day", now.minus(Duration.ofDays(1)).toEpochMilli())
                    .mapTo(Long.class)
                    .one();
            return recent >= minRecent;
        });
    }

    /** A webhook's recent requests (test fires aside): how many, how many succeeded, and their latency. */
    public record Health(long attempts, long succeeded, Optional<Long> medianMillis, Optional<Long> p95Millis) {}

    /** The health of a webhook over its requests since {@code since} (at most the last 1,000). */
    Health health(AccountId account, long webhookId, Instant since) {
        return jdbi.withHandle(handle -> {
            List<long[]> rows = handle.createQuery("SELECT elapsed_ms, CASE WHEN " + OK
                            + " THEN 1 ELSE 0 END AS ok FROM fired_pixels"
                            + " WHERE account_id = :account AND webhook_id = :webhook AND test_fire = :no"
                            + " AND started_at >= :since ORDER BY started_at DESC LIMIT 1000")
                    .bind("account", account.value())
                    .bind("webhook", webhookId)
                    .bind("no", false)
                    .bind("since", since.toEpochMilli())
                    .map((rs, ctx) -> new long[] {rs.getLong("elapsed_ms"), rs.getLong("ok")})
                    .list();
            long[] sorted = rows.stream().mapToLong(r -> r[0]).sorted().toArray();
            long ok = rows.stream().filter(r -> r[1] == 1).count();
            return new Health(
                    rows.size(),
                    ok,
                    sorted.length == 0 ? Optional.empty() : Optional.of(sorted[(sorted.length - 1) / 2]),
                    sorted.length == 0
                            ? Optional.empty()
                            : Optional.of(sorted[(int) Math.ceil(sorted.length * 0.95) - 1]));
        });
    }

    /** A delivery's attempts, oldest first. */
    public List<FiredPixel> forDelivery(AccountId account, long deliveryId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM fired_pixels"
                        + " WHERE account_id = :account AND delivery_id = :delivery ORDER BY started_at, id")
                .bind("account", account.value())
                .bind("delivery", deliveryId)
                .map(FiredPixelRepository::map)
                .list());
    }

    public Optional<FiredPixel> find(AccountId account, long id) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM fired_pixels WHERE account_id = :account AND id = :id")
                        .bind("account", account.value())
                        .bind("id", id)
                        .map(FiredPixelRepository::map)
                        .findOne());
    }

    private static FiredPixel map(ResultSet rs, StatementContext ctx) throws SQLException {
        try {
            return new FiredPixel(
                    rs.getLong("id"),
                    Columns.accountId(rs),
                    Columns.optionalLong(rs, "call_id"),
                    rs.getLong("webhook_id"),
                    rs.getString("webhook_name"),
                    Trigger.fromWord(rs.getString("trigger_name")).orElseThrow(),
                    rs.getBoolean("test_fire"),
                    rs.getString("method"),
                    rs.getString("url"),
                    Json.MAPPER.readValue(rs.getString("request_headers"), STRING_MAP),
                    Optional.ofNullable(rs.getString("request_body")),
                    Columns.optionalInt(rs, "status"),
                    Json.MAPPER.readValue(rs.getString("response_headers"), LIST_MAP),
                    Optional.ofNullable(rs.getString("response_body")),
                    Columns.instant(rs, "started_at"),
                    rs.getInt("elapsed_ms"),
                    Optional.ofNullable(rs.getString("error_kind")),
                    Optional.ofNullable(rs.getString("error_detail")),
                    Json.MAPPER.readValue(rs.getString("missing_tokens"), LIST),
                    TagSet.fromStored(rs.getString("tags_applied")),
                    Columns.optionalLong(rs, "delivery_id"));
        } catch (IOException e) {
            throw new SQLException("unreadable fired pixel", e);
        }
    }
}
