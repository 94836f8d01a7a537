package org.switchboard.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.db.GroupCommit;
import org.switchboard.platform.db.Where;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;

/**
 * The webhook outbox ({@code webhook_deliveries}). Rows are written in the transaction that makes them due
 * ({@link #enqueue}), claimed by workers under a lease ({@link #claim}), and finished only under the token of the
 * claim that attempted them ({@link #record}), together with the attempt's fired pixel. Reads are account-scoped.
 */
public final class DeliveryRepository {
    private static final String UNFINISHED = "('pending', 'retrying')";
    private static final TypeReference<Map<String, String>> EVENT = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final boolean skipLocked;
    private final Clock clock;
    private final GroupCommit<Recorded, Long> records;
    private final ConfigChanges changes;

    /**
     * {@code skipLocked}: the engine has {@code FOR UPDATE SKIP LOCKED} (PostgreSQL); SQLite has one writer.
     * {@code changes} hears of the webhooks disabled here.
     */
    public DeliveryRepository(Jdbi jdbi, boolean skipLocked, Metrics metrics, ConfigChanges changes, Clock clock) {
        this.jdbi = jdbi;
        this.skipLocked = skipLocked;
        this.changes = changes;
        this.clock = clock;
        this.records = new GroupCommit<>(jdbi, "delivery-attempt", DeliveryRepository::recordIn, metrics);
    }

    /** The webhooks of one trigger of a call, due together. */
    public record Stage(Trigger trigger, List<Webhook> webhooks) {}

    /**
     * In the caller's transaction: one pending delivery per webhook of each stage, the stages in order after any the
     * call already has (a late conversion's come after its {@code always}). Disabled webhooks get none.
     */
    public void enqueue(Handle handle, AccountId account, long callId, List<Stage> stages) {
        long now = clock.millis();
        int seq = handle.createQuery("SELECT COALESCE(MAX(seq), 0) FROM webhook_deliveries WHERE call_id = :call")
                .bind("call", callId)
                .mapTo(Integer.class)
                .one();
        for (Stage stage : stages) {
            seq++;
            for (Webhook webhook : stage.webhooks()) {
                if (webhook.disabled().isPresent()) {
                    continue;
                }
                handle.createUpdate("""
                                INSERT INTO webhook_deliveries (account_id, call_id, webhook_id, trigger_name, seq,
                                    message_id, state, attempts, round_start, next_attempt_at, created_at, updated_at)
                                VALUES (:account, :call, :webhook, :trigger, :seq, :message, 'pending', 0, 0, :now,
                                    :now, :now)""")
                        .bind("account", account.value())
                        .bind("call", callId)
                        .bind("webhook", webhook.id())
                        .bind("trigger", stage.trigger().word())
                        .bind("seq", seq)
                        .bind("message", WebhookDispatcher.newMessageId())
                        .bind("now", now)
                        .execute();
            }
        }
    }

    /**
     * A webhook fired during the call (answered, timer) that failed: a delivery whose first attempt was
     * {@code firstPixel}, retried at {@code nextAt} with {@code messageId} (the first attempt's, if it was signed).
     * Its seq is 0: outside the post-call order, so a failing CRM's answered webhook never holds back the call's
     * conversion webhooks. The pixel is put under it in the same transaction.
     */
    void retryLater(
            AccountId account,
            long callId,
            Webhook webhook,
            Optional<String> messageId,
            long firstPixel,
            Instant nextAt,
            String error) {
        long now = clock.millis();
        jdbi.useTransaction(handle -> {
            long id = handle.createQuery("""
                            INSERT INTO webhook_deliveries (account_id, call_id, webhook_id, trigger_name, seq,
                                message_id, state, attempts, round_start, next_attempt_at, last_error, created_at,
                                updated_at)
                            VALUES (:account, :call, :webhook, :trigger, :seq, :message, 'retrying', 1, 0, :next,
                                :error, :now, :now) RETURNING id""")
                    .bind("account", account.value())
                    .bind("call", callId)
                    .bind("webhook", webhook.id())
                    .bind("trigger", webhook.trigger().word())
                    .bind("seq", 0)
                    .bind("message", messageId.orElseGet(WebhookDispatcher::newMessageId))
                    .bind("next", nextAt.toEpochMilli())
                    .bind("error", cut(error))
                    .bind("now", now)
                    .mapTo(Long.class)
                    .one();
            handle.createUpdate("UPDATE fired_pixels SET delivery_id = :delivery WHERE id = :pixel")
                    .bind("delivery", id)
                    .bind("pixel", firstPixel)
                    .execute();
        });
    }

    /**
     * Claims up to {@code limit} due deliveries for {@code lease} under {@code token}: unfinished, due, not leased by
     * anyone else, and first of their call (no unfinished delivery of the call with a lower seq above 0; seq 0 is
     * outside the order). On PostgreSQL rows
     * another node is claiming are skipped ({@code FOR UPDATE SKIP LOCKED}); SQLite runs one writer at a time.
     */
    List<Delivery> claim(Instant now, Duration lease, String token, int limit) {
        String lock = skipLocked ? " FOR UPDATE SKIP LOCKED" : "";
        return jdbi.inTransaction(handle -> handle.createQuery("""
                        UPDATE webhook_deliveries SET lease_until = :until, lease_token = :token
                        WHERE id IN (
                            SELECT d.id FROM webhook_deliveries d
                            WHERE d.state IN %s AND d.next_attempt_at <= :now
                                AND (d.lease_until IS NULL OR d.lease_until < :now)
                                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                    WHERE e.call_id = d.call_id AND e.seq > 0 AND e.seq < d.seq AND e.state IN %s)
                            ORDER BY d.next_attempt_at, d.id LIMIT :limit%s)
                        RETURNING *""".formatted(UNFINISHED, UNFINISHED, lock))
                .bind("until", now.plus(lease).toEpochMilli())
                .bind("token", token)
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map(DeliveryRepository::map)
                .list());
    }

    /** An attempt's outcome: its pixel and the delivery's new state, stored together under the claim's token. */
    record Recorded(
            long deliveryId,
            String token,
            FiredPixel pixel,
            Delivery.State state,
            Optional<Instant> nextAttemptAt,
            Optional<String> error) {}

    /**
     * Stores the attempt's pixel and the delivery's new state in one transaction (shared with other attempts'); the
     * state changes only if the claim still holds (a cancel or an expired lease in between leaves it as it is, and
     * the pixel still records the request). Answers the pixel's id.
     */
    long record(Recorded recorded) {
        return records.write(recorded);
    }

    private static long recordIn(Handle handle, Recorded r) {
        long pixel = FiredPixelRepository.insertIn(handle, r.pixel());
        handle.createUpdate("""
                        UPDATE webhook_deliveries SET state = :state, attempts = attempts + 1,
                            next_attempt_at = :next, lease_until = NULL, lease_token = NULL, last_status = :status,
                            last_error = :error, updated_at = :now
                        WHERE id = :id AND lease_token = :token""")
                .bind("state", r.state().word())
                .bind("next", r.nextAttemptAt().map(Instant::toEpochMilli).orElse(null))
                .bind("status", r.pixel().status().orElse(null))
                .bind("error", r.error().map(DeliveryRepository::cut).orElse(null))
                .bind("now", r.pixel().startedAt().toEpochMilli() + r.pixel().elapsedMillis())
                .bind("id", r.deliveryId())
                .bind("token", r.token())
                .execute();
        return pixel;
    }

    /** Ends a claimed delivery without an attempt (its webhook or call is gone). */
    void cancel(long id, String token, String reason) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE webhook_deliveries SET state = 'cancelled', next_attempt_at = NULL, lease_until = NULL,
                            lease_token = NULL, last_error = :reason, updated_at = :now
                        WHERE id = :id AND lease_token = :token""")
                .bind("reason", cut(reason))
                .bind("now", clock.millis())
                .bind("id", id)
                .bind("token", token)
                .execute());
    }

    /** Drops a claimed, never attempted delivery whose webhook's matches the call no longer carries. */
    void drop(long id, String token) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "DELETE FROM webhook_deliveries WHERE id = :id AND lease_token = :token AND attempts = 0")
                .bind("id", id)
                .bind("token", token)
                .execute());
    }

    /**
     * Disables {@code webhook} for a 410 or sustained failure, unless it is disabled already (true when this call
     * disabled it): in one transaction its unfinished deliveries are cancelled and, unless it is itself a
     * {@code webhook_disabled} webhook (so operational webhooks never notify each other in a loop), a delivery is
     * queued for each enabled {@code webhook_disabled} company webhook of the account, carrying the event's tokens.
     */
    boolean disable(Webhook webhook, String reason) {
        long now = clock.millis();
        String cutReason = cut(reason);
        boolean disabled = jdbi.inTransaction(handle -> {
            if (!WebhookRepository.disableIn(handle, webhook.accountId(), webhook.id(), cutReason, now)) {
                return false;
            }
            cancelForWebhook(handle, webhook.accountId(), webhook.id(), "the webhook was disabled: " + reason, now);
            if (webhook.trigger() != Trigger.WEBHOOK_DISABLED) {
                Map<String, String> event = new LinkedHashMap<>();
                event.put("webhook_id", Long.toString(webhook.id()));
                event.put("webhook_name", webhook.name());
                event.put("disabled_reason", cutReason);
                event.put("disabled_at", Instant.ofEpochMilli(now).toString());
                enqueueEvent(handle, webhook.accountId(), Trigger.WEBHOOK_DISABLED, event, now);
            }
            return true;
        });
        if (disabled) {
            changes.changed(WebhookRepository.changes(
                    webhook.accountId(), webhook.owner(), webhook.ownerId(), List.of(webhook.id())));
        }
        return disabled;
    }

    /** A delivery of {@code event} for each enabled company webhook of {@code trigger}: call 0, seq 0. */
    private static void enqueueEvent(
            Handle handle, AccountId account, Trigger trigger, Map<String, String> event, long now) {
        List<Long> operational = handle.createQuery("""
                        SELECT id FROM webhooks WHERE account_id = :account AND owner_kind = 'company'
                            AND trigger_name = :trigger AND disabled_at IS NULL ORDER BY id""")
                .bind("account", account.value())
                .bind("trigger", trigger.word())
                .mapTo(Long.class)
                .list();
        for (long webhookId : operational) {
            handle.createUpdate("""
                            INSERT INTO webhook_deliveries (account_id, call_id, webhook_id, trigger_name, seq,
                                message_id, state, attempts, round_start, next_attempt_at, created_at, updated_at,
                                event)
                            VALUES (:account, 0, :webhook, :trigger, 0, :message, 'pending', 0, 0, :now, :now, :now,
                                :event)""")
                    .bind("account", account.value())
                    .bind("webhook", webhookId)
                    .bind("trigger", trigger.word())
                    .bind("message", WebhookDispatcher.newMessageId())
                    .bind("now", now)
                    .bind("event", Json.writeString(event))
                    .execute();
        }
    }

    /** Cancels every unfinished delivery of a webhook (it was disabled); answers how many. */
    int cancelForWebhook(AccountId account, long webhookId, String reason) {
        return jdbi.withHandle(handle -> cancelForWebhook(handle, account, webhookId, reason, clock.millis()));
    }

    private static int cancelForWebhook(Handle handle, AccountId account, long webhookId, String reason, long now) {
        return handle.createUpdate("""
                        UPDATE webhook_deliveries SET state = 'cancelled', next_attempt_at = NULL, lease_until = NULL,
                            lease_token = NULL, last_error = :reason, updated_at = :now
                        WHERE account_id = :account AND webhook_id = :webhook AND state IN %s""".formatted(UNFINISHED))
                .bind("reason", cut(reason))
                .bind("now", now)
                .bind("account", account.value())
                .bind("webhook", webhookId)
                .execute();
    }

    public Optional<Delivery> find(AccountId account, long id) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT * FROM webhook_deliveries WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .map(DeliveryRepository::map)
                .findOne());
    }

    /** The account's deliveries among {@code ids}, by id (to show beside their pixels). */
    public Map<Long, Delivery> byIds(AccountId account, Collection<Long> ids) {
        Map<Long, Delivery> idToDelivery = new HashMap<>();
        if (ids.isEmpty()) {
            return idToDelivery;
        }
        jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT * FROM webhook_deliveries WHERE account_id = :account AND id IN (<ids>)")
                .bind("account", account.value())
                .bindList("ids", List.copyOf(ids))
                .map(DeliveryRepository::map)
                .forEach(d -> idToDelivery.put(d.id(), d)));
        return idToDelivery;
    }

    /** Filters of the delivery list. */
    record Filter(
            Optional<Long> webhookId,
            Optional<Long> callId,
            Optional<Delivery.State> state,
            Optional<Instant> from,
            Optional<Instant> to) {}

    Page<Delivery> list(AccountId account, Filter filter, PageRequest page) {
        return Where.account(account)
                .and("webhook_id = :webhook", "webhook", filter.webhookId())
                .and("call_id = :call", "call", filter.callId())
                .and("state = :state", "state", filter.state().map(Delivery.State::word))
                .between("created_at", filter.from(), filter.to())
                .page(jdbi, "webhook_deliveries", "created_at", DeliveryRepository::map, page);
    }

    /**
     * Sends a delivery again from the start of its schedule, with the same {@code webhook-id} unless
     * {@code newMessageId}; not while an attempt of it is in flight. True when it was queued.
     */
    boolean replay(AccountId account, long id, boolean newMessageId) {
        return jdbi.withHandle(handle -> replayIn(handle, account, id, newMessageId, clock.millis()));
    }

    private static boolean replayIn(Handle handle, AccountId account, long id, boolean newMessageId, long now) {
        return handle.createUpdate("""
                                UPDATE webhook_deliveries SET state = 'pending', round_start = attempts,
                                    next_attempt_at = :now, message_id = COALESCE(:message, message_id),
                                    updated_at = :now
                                WHERE account_id = :account AND id = :id
                                    AND (lease_until IS NULL OR lease_until < :now)""")
                        .bind("now", now)
                        .bind("message", newMessageId ? WebhookDispatcher.newMessageId() : null)
                        .bind("account", account.value())
                        .bind("id", id)
                        .execute()
                == 1;
    }

    /** Replays every failed delivery of a webhook created in [from, to); answers their ids. */
    List<Long> replayFailed(AccountId account, long webhookId, Instant from, Instant to, boolean newMessageIds) {
        long now = clock.millis();
        return jdbi.inTransaction(handle -> {
            List<Long> ids = handle.createQuery("""
                            SELECT id FROM webhook_deliveries
                            WHERE account_id = :account AND webhook_id = :webhook AND state = 'failed'
                                AND created_at >= :from AND created_at < :to ORDER BY id""")
                    .bind("account", account.value())
                    .bind("webhook", webhookId)
                    .bind("from", from.toEpochMilli())
                    .bind("to", to.toEpochMilli())
                    .mapTo(Long.class)
                    .list();
            return ids.stream()
                    .filter(id -> replayIn(handle, account, id, newMessageIds, now))
                    .toList();
        });
    }

    /** Unfinished deliveries in all (for the health of the outbox). */
    long unfinished() {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE state IN " + UNFINISHED)
                        .mapTo(Long.class)
                        .one());
    }

    private static String cut(String text) {
        return text.length() > 300 ? text.substring(0, 300) : text;
    }

    private static Delivery map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Delivery(
                rs.getLong("id"),
                Columns.accountId(rs),
                rs.getLong("call_id"),
                rs.getLong("webhook_id"),
                Trigger.fromWord(rs.getString("trigger_name")).orElseThrow(),
                rs.getInt("seq"),
                rs.getString("message_id"),
                Delivery.State.fromWord(rs.getString("state")).orElseThrow(),
                rs.getInt("attempts"),
                rs.getInt("round_start"),
                Columns.optionalInstant(rs, "next_attempt_at"),
                Columns.optionalInt(rs, "last_status"),
                Optional.ofNullable(rs.getString("last_error")),
                Columns.instant(rs, "created_at"),
                Columns.instant(rs, "updated_at"),
                Optional.ofNullable(rs.getString("lease_token")),
                Optional.ofNullable(rs.getString("event")).map(DeliveryRepository::event));
    }

    private static Map<String, String> event(String stored) {
        try {
            return Json.MAPPER.readValue(stored, EVENT);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable delivery event", e);
        }
    }
}
