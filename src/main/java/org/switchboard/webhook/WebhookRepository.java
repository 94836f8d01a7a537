package org.switchboard.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.DependentRows;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.tag.TagFilter;

/**
 * Webhook definitions; every method is scoped to one account. Each write announces the webhooks it changed and their
 * owner ({@link ConfigChanges}), as caches hold an owner's webhooks together.
 */
public final class WebhookRepository {
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;

    public WebhookRepository(Jdbi jdbi, Clock clock, ConfigChanges changes) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
    }

    /** What a change to these webhooks of one owner changes: each webhook, and its owner. */
    static List<ConfigChange> changes(AccountId account, Webhook.Owner owner, long ownerId, List<Long> webhookIds) {
        List<ConfigChange> changed = new java.util.ArrayList<>();
        webhookIds.forEach(id -> changed.add(new ConfigChange(ConfigChange.Kind.WEBHOOK, account, id)));
        changed.add(owner.change(account, ownerId));
        return changed;
    }

    private void announce(Webhook webhook) {
        changes.changed(changes(webhook.accountId(), webhook.owner(), webhook.ownerId(), List.of(webhook.id())));
    }

    public Optional<Webhook> find(AccountId account, long id) {
        return Sql.find(jdbi, "webhooks", account, id, WebhookRepository::map);
    }

    public Page<Webhook> list(AccountId account, Webhook.Owner owner, long ownerId, PageRequest page) {
        return Sql.page(
                jdbi,
                "webhooks",
                account,
                "owner_kind = :kind AND owner_id = :owner",
                Map.of("kind", owner.stored(), "owner", ownerId),
                WebhookRepository::map,
                page);
    }

    /** All webhooks of one owner, oldest first (what a call on it can fire). */
    public List<Webhook> ofOwner(AccountId account, Webhook.Owner owner, long ownerId) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM webhooks WHERE account_id = :account AND owner_kind = :kind AND owner_id = :owner
                        ORDER BY id""")
                .bind("account", account.value())
                .bind("kind", owner.stored())
                .bind("owner", ownerId)
                .map(WebhookRepository::map)
                .list());
    }

    Webhook insert(AccountId account, Webhook.Owner owner, long ownerId, WebhookIn in, Optional<String> sealedSecret) {
        long id = jdbi.withHandle(handle -> insert(handle, account, owner, ownerId, in, sealedSecret));
        Webhook created = find(account, id).orElseThrow();
        announce(created);
        return created;
    }

    private long insert(
            Handle handle,
            AccountId account,
            Webhook.Owner owner,
            long ownerId,
            WebhookIn in,
            Optional<String> sealedSecret) {
        long now = clock.millis();
        return bindFields(handle.createQuery("""
                                INSERT INTO webhooks (account_id, owner_kind, owner_id, name, trigger_name, timer_seconds,
                                    matches, method, url, headers, body, body_format, timeout_ms, signing_secret, created_at, updated_at,
                                    retry_schedule)
                                VALUES (:account, :kind, :owner, :name, :trigger, :timer, :matches, :method, :url,
                                    :headers, :body, :format, :timeout, :secret, :now, :now, :schedule) RETURNING id"""), in)
                .bind("account", account.value())
                .bind("kind", owner.stored())
                .bind("owner", ownerId)
                .bind("secret", sealedSecret.orElse(null))
                .bind("now", now)
                .mapTo(Long.class)
                .one();
    }

    Webhook update(AccountId account, long id, WebhookIn in, Optional<String> sealedSecret) {
        jdbi.useHandle(handle -> bindFields(handle.createUpdate("""
                                UPDATE webhooks SET name = :name, trigger_name = :trigger, timer_seconds = :timer,
                                    matches = :matches, method = :method, url = :url, headers = :headers, body = :body,
                                    body_format = :format, timeout_ms = :timeout, signing_secret = :secret, updated_at = :now,
                                    retry_schedule = :schedule
                                WHERE account_id = :account AND id = :id"""), in)
                .bind("account", account.value())
                .bind("id", id)
                .bind("secret", sealedSecret.orElse(null))
                .bind("now", clock.millis())
                .execute());
        Webhook updated = find(account, id).orElseThrow();
        announce(updated);
        return updated;
    }

    void delete(AccountId account, long id) {
        Optional<Webhook> existing = find(account, id);
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM webhooks WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .execute());
        existing.ifPresent(this::announce);
    }

    /**
     * Copies every webhook of one owner to another (company defaults into a campaign, a campaign's onto a number),
     * except {@code webhook_disabled} ones: they belong to the account.
     */
    public void copy(AccountId account, Webhook.Owner from, long fromId, Webhook.Owner to, long toId) {
        List<Webhook> source = ofOwner(account, from, fromId);
        List<Long> copies = jdbi.inTransaction(handle -> {
            List<Long> ids = new java.util.ArrayList<>();
            for (Webhook webhook : source) {
                if (webhook.trigger() == Trigger.WEBHOOK_DISABLED) {
                    continue; // the account's own operational webhook, not a call's
                }
                ids.add(insert(handle, account, to, toId, WebhookIn.of(webhook), webhook.sealedSigningSecret()));
            }
            return ids;
        });
        changes.changed(changes(account, to, toId, copies));
    }

    /**
     * The webhooks of an owner of {@code kind} (a campaign, buyer or number), deleted by that owner's repository with
     * the owner itself.
     */
    public static DependentRows ownedBy(Webhook.Owner kind) {
        return (handle, account, ownerId) -> {
            List<ConfigChange> deleted = handle
                    .createQuery("SELECT id FROM webhooks WHERE owner_kind = :kind AND owner_id = :owner")
                    .bind("kind", kind.stored())
                    .bind("owner", ownerId)
                    .mapTo(Long.class)
                    .list()
                    .stream()
                    .map(id -> new ConfigChange(ConfigChange.Kind.WEBHOOK, account, id))
                    .toList();
            handle.createUpdate("DELETE FROM webhooks WHERE owner_kind = :kind AND owner_id = :owner")
                    .bind("kind", kind.stored())
                    .bind("owner", ownerId)
                    .execute();
            return deleted;
        };
    }

    /** Deletes every webhook of an owner. */
    public void deleteOwnedBy(AccountId account, Webhook.Owner owner, long ownerId) {
        List<Long> ids =
                ofOwner(account, owner, ownerId).stream().map(Webhook::id).toList();
        jdbi.useHandle(handle -> handle.createUpdate(
                        "DELETE FROM webhooks WHERE account_id = :account AND owner_kind = :kind AND owner_id = :owner")
                .bind("account", account.value())
                .bind("kind", owner.stored())
                .bind("owner", ownerId)
                .execute());
        changes.changed(changes(account, owner, ownerId, ids));
    }

    private static <S extends SqlStatement<S>> S bindFields(S statement, WebhookIn in) {
        return statement
                .bind("name", in.name())
                .bind("trigger", in.trigger().word())
                .bind("timer", in.timerSeconds().orElse(null))
                .bind("matches", in.matches().toStored())
                .bind("method", in.method())
                .bind("url", in.url())
                .bind("headers", Json.writeString(in.headers()))
                .bind("body", in.body().orElse(null))
                .bind("format", in.bodyFormat().word())
                .bind("timeout", (int) in.timeout().toMillis())
                .bind("schedule", in.retrySchedule().map(Json::writeString).orElse(null));
    }

    private static Webhook map(ResultSet rs, StatementContext ctx) throws SQLException {
        int timer = rs.getInt("timer_seconds");
        Optional<Integer> timerSeconds = rs.wasNull() ? Optional.empty() : Optional.of(timer);
        Map<String, String> headers;
        try {
            headers = Json.MAPPER.readValue(rs.getString("headers"), HEADERS);
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable webhook headers", e);
        }
        return new Webhook(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                Webhook.Owner.valueOf(rs.getString("owner_kind").toUpperCase(Locale.ROOT)),
                rs.getLong("owner_id"),
                rs.getString("name"),
                Trigger.fromWord(rs.getString("trigger_name")).orElseThrow(),
                timerSeconds,
                TagFilter.fromStored(rs.getString("matches")),
                rs.getString("method"),
                rs.getString("url"),
                headers,
                Optional.ofNullable(rs.getString("body")),
                Webhook.BodyFormat.valueOf(rs.getString("body_format").toUpperCase(Locale.ROOT)),
                Duration.ofMillis(rs.getInt("timeout_ms")),
                Optional.ofNullable(rs.getString("signing_secret")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")),
                Optional.ofNullable(rs.getString("retry_schedule")).map(WebhookRepository::schedule),
                disabled(rs));
    }

    private static List<Integer> schedule(String stored) {
        try {
            return List.of(Json.MAPPER.readValue(stored, Integer[].class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable retry schedule", e);
        }
    }

    private static Optional<Webhook.Disabled> disabled(ResultSet rs) throws SQLException {
        long at = rs.getLong("disabled_at");
        if (rs.wasNull()) {
            return Optional.empty();
        }
        return Optional.of(new Webhook.Disabled(Instant.ofEpochMilli(at), rs.getString("disabled_reason")));
    }

    /**
     * Disables the webhook with {@code reason} unless it is disabled already; true when this call disabled it. Its
     * deliveries not yet finished are cancelled by the caller.
     */
    public boolean disable(AccountId account, long id, String reason) {
        boolean disabled = jdbi.withHandle(handle -> disableIn(handle, account, id, reason, clock.millis()));
        if (disabled) {
            find(account, id).ifPresent(this::announce);
        }
        return disabled;
    }

    /** {@link #disable} in the caller's transaction, at {@code now}. */
    static boolean disableIn(Handle handle, AccountId account, long id, String reason, long now) {
        return handle.createUpdate("""
                                UPDATE webhooks SET disabled_at = :now, disabled_reason = :reason, updated_at = :now
                                WHERE account_id = :account AND id = :id AND disabled_at IS NULL""")
                        .bind("now", now)
                        .bind("reason", reason.length() > 300 ? reason.substring(0, 300) : reason)
                        .bind("account", account.value())
                        .bind("id", id)
                        .execute()
                == 1;
    }

    void enable(AccountId account, long id) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE webhooks SET disabled_at = NULL, disabled_reason = NULL, updated_at = :now
                        WHERE account_id = :account AND id = :id""")
                .bind("now", clock.millis())
                .bind("account", account.value())
                .bind("id", id)
                .execute());
        find(account, id).ifPresent(this::announce);
    }
}
