package org.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.ServerRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;

/**
 * Who changed what in the console, when and from where. Pages record each change after it was made, with the object's
 * wire form before and after ({@link Changes}); the audit log page reads it back newest first, filtered by user and
 * object. Reads are scoped to the account.
 */
public final class AuditLog {
    /** The most rows one read returns. */
    public static final int MAX_ROWS = 500;

    /** One recorded change. */
    public record Entry(
            long id,
            Instant at,
            long userId,
            String userEmail,
            String address,
            String objectType,
            String objectId,
            String objectName,
            String action,
            List<Changes.Change> changes) {}

    /** What to show: every filter is optional; {@code beforeId} pages back from a row. */
    public record Filter(
            Optional<Long> userId,
            Optional<String> objectType,
            Optional<String> objectId,
            Optional<Long> beforeId,
            int limit) {
        public static Filter recent(int limit) {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit);
        }
    }

    /** The object a change was made to: its type (campaign, buyer, webhook…), id and a name people recognise. */
    public record Subject(String type, String id, String name) {}

    private record StoredChange(
            String field, @Nullable String before, @Nullable String after) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Records that {@code who} did {@code action} (created, updated, deleted, paused…) to {@code subject}, whose wire
     * form was {@code before} and is now {@code after} (null for a creation or a deletion). Nothing is recorded for an
     * update that changed nothing. {@code moreSecretFields}: fields of this object recorded without values besides
     * {@link Changes#SECRET_FIELDS} (a postback key's {@code url}, which holds the key).
     */
    public void record(
            SignedIn who,
            ServerRequest request,
            String action,
            Subject subject,
            @Nullable Object before,
            @Nullable Object after,
            Set<String> moreSecretFields) {
        record(who, request.remotePeer().host(), action, subject, before, after, moreSecretFields);
    }

    /** {@link #record(SignedIn, ServerRequest, String, Subject, Object, Object, Set)} from a known address. */
    public void record(
            SignedIn who,
            String address,
            String action,
            Subject subject,
            @Nullable Object before,
            @Nullable Object after,
            Set<String> moreSecretFields) {
        List<Changes.Change> changes = Changes.between(before, after, moreSecretFields);
        if (changes.isEmpty() && before != null && after != null) {
            return;
        }
        List<StoredChange> stored = changes.stream()
                .map(c -> new StoredChange(
                        c.field(), c.before().orElse(null), c.after().orElse(null)))
                .toList();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO audit_log (account_id, at, user_id, user_email, address, object_type, object_id,
                            object_name, action, changes)
                        VALUES (:account, :at, :user, :email, :address, :type, :object, :name, :action, :changes)""")
                .bind("account", who.account().value())
                .bind("at", clock.millis())
                .bind("user", who.user().id())
                .bind("email", who.user().email())
                .bind("address", clip(address, 64))
                .bind("type", subject.type())
                .bind("object", clip(subject.id(), 64))
                .bind("name", clip(subject.name(), 200))
                .bind("action", action)
                .bind("changes", Json.writeString(stored))
                .execute());
    }

    /** The account's recorded changes matching {@code filter}, newest first, at most {@link #MAX_ROWS}. */
    public List<Entry> list(AccountId account, Filter filter) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE account_id = :account");
        Map<String, Object> binds = new LinkedHashMap<>();
        filter.userId().ifPresent(user -> {
            sql.append(" AND user_id = :user");
            binds.put("user", user);
        });
        filter.objectType().ifPresent(type -> {
            sql.append(" AND object_type = :type");
            binds.put("type", type);
        });
        filter.objectId().ifPresent(object -> {
            sql.append(" AND object_id = :object");
            binds.put("object", object);
        });
        filter.beforeId().ifPresent(id -> {
            sql.append(" AND id < :before");
            binds.put("before", id);
        });
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return jdbi.withHandle(handle -> handle.createQuery(sql.toString())
                .bind("account", account.value())
                .bindMap(binds)
                .bind("limit", Math.clamp(filter.limit(), 1, MAX_ROWS))
                .map((rs, ctx) -> new Entry(
                        rs.getLong("id"),
                        Instant.ofEpochMilli(rs.getLong("at")),
                        rs.getLong("user_id"),
                        rs.getString("user_email"),
                        rs.getString("address"),
                        rs.getString("object_type"),
                        rs.getString("object_id"),
                        rs.getString("object_name"),
                        rs.getString("action"),
                        changes(rs.getString("changes"))))
                .list());
    }

    /** The object types recorded for the account, for the page's filter. */
    public List<String> objectTypes(AccountId account) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT DISTINCT object_type FROM audit_log WHERE account_id = :account ORDER BY object_type")
                .bind("account", account.value())
                .mapTo(String.class)
                .list());
    }

    private static List<Changes.Change> changes(String json) {
        List<Changes.Change> changes = new ArrayList<>();
        for (JsonNode c : Json.read(json)) {
            changes.add(new Changes.Change(c.path("field").asText(), text(c.get("before")), text(c.get("after"))));
        }
        return changes;
    }

    private static Optional<String> text(JsonNode node) {
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
