package org.switchboard.postback;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigCache;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.secret.Secrets;

/**
 * Postback keys. Admin reads are scoped to one account; {@link #findByKey} serves the keyed endpoints from a cache by
 * digest. The cache follows {@link ConfigChanges}: this repository's writes announce the key they changed (here and,
 * through Redis, on every node) and a key's change drops only that key's entry and the memory of unknown keys; when
 * changes may have been missed it starts again empty. At most {@value #CACHED_KEYS} keys (and as many unknown ones)
 * are held; beyond that the cache starts again empty. {@code maxAge} is a safety net for a change that never arrived.
 */
public final class PostbackKeyRepository {
    static final int CACHED_KEYS = 10_000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;
    private final ConfigCache<String, Optional<PostbackKey>> digestToKey;

    /** With the key cache, kept current by {@code changes} and, as a safety net, {@code maxAge} (zero: none). */
    public PostbackKeyRepository(Jdbi jdbi, Clock clock, ConfigChanges changes, Duration maxAge) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
        this.digestToKey = ConfigCache.byDigest(
                changes,
                ConfigChange.Kind.POSTBACK_KEY,
                PostbackKey::id,
                CACHED_KEYS,
                maxAge,
                clock,
                "postback-key-refresh");
    }

    public Optional<PostbackKey> find(AccountId account, long id) {
        return Sql.find(jdbi, "postback_keys", account, id, PostbackKeyRepository::map);
    }

    public Page<PostbackKey> list(AccountId account, KeyType.Owner owner, long ownerId, PageRequest page) {
        return Sql.page(
                jdbi,
                "postback_keys",
                account,
                "owner_kind = :kind AND owner_id = :owner",
                Map.of("kind", owner.word(), "owner", ownerId),
                PostbackKeyRepository::map,
                page);
    }

    /** How many Call Transfer keys of the account draw from the directory (a directory in use is not deleted). */
    public long transferKeysUsing(AccountId account, long directoryId) {
        return jdbi.withHandle(handle -> handle
                .createQuery("SELECT options FROM postback_keys WHERE account_id = :account AND key_type = :type")
                .bind("account", account.value())
                .bind("type", KeyType.CALL_TRANSFER.word())
                .mapTo(String.class)
                .stream()
                .filter(options -> Json.read(options).path("directory_id").asLong() == directoryId)
                .count());
    }

    /** The key presented on a keyed endpoint, by digest (constant-time compared), in whatever account holds it. */
    public Optional<PostbackKey> findByKey(String presented) {
        String digest = Secrets.digest(presented);
        return digestToKey.get(digest, () -> read(digest));
    }

    private Optional<PostbackKey> read(String digest) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM postback_keys WHERE key_digest = :digest")
                        .bind("digest", digest)
                        .map((rs, ctx) -> Map.entry(rs.getString("key_digest"), map(rs, ctx)))
                        .findOne())
                .filter(found -> Secrets.constantTimeEquals(found.getKey(), digest))
                .map(Map.Entry::getValue);
    }

    PostbackKey insert(
            AccountId account,
            KeyType.Owner owner,
            long ownerId,
            KeyType type,
            String name,
            boolean paused,
            ObjectNode options,
            String key,
            String sealedKey) {
        long now = clock.millis();
        long id = jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO postback_keys (account_id, owner_kind, owner_id, key_type, name, paused, options,
                            key_digest, sealed_key, created_at, updated_at)
                        VALUES (:account, :kind, :owner, :type, :name, :paused, :options, :digest, :sealed, :now, :now)
                        RETURNING id""")
                .bind("account", account.value())
                .bind("kind", owner.word())
                .bind("owner", ownerId)
                .bind("type", type.word())
                .bind("name", name)
                .bind("paused", paused)
                .bind("options", Json.writeString(options))
                .bind("digest", Secrets.digest(key))
                .bind("sealed", sealedKey)
                .bind("now", now)
                .mapTo(Long.class)
                .one());
        changes.changed(new ConfigChange(ConfigChange.Kind.POSTBACK_KEY, account, id));
        return find(account, id).orElseThrow();
    }

    PostbackKey update(AccountId account, long id, String name, boolean paused, ObjectNode options) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE postback_keys SET name = :name, paused = :paused, options = :options, updated_at = :now
                        WHERE account_id = :account AND id = :id""")
                .bind("account", account.value())
                .bind("id", id)
                .bind("name", name)
                .bind("paused", paused)
                .bind("options", Json.writeString(options))
                .bind("now", clock.millis())
                .execute());
        changes.changed(new ConfigChange(ConfigChange.Kind.POSTBACK_KEY, account, id));
        return find(account, id).orElseThrow();
    }

    void delete(AccountId account, long id) {
        jdbi.useHandle(
                handle -> handle.createUpdate("DELETE FROM postback_keys WHERE account_id = :account AND id = :id")
                        .bind("account", account.value())
                        .bind("id", id)
                        .execute());
        changes.changed(new ConfigChange(ConfigChange.Kind.POSTBACK_KEY, account, id));
    }

    private static PostbackKey map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new PostbackKey(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                KeyType.Owner.valueOf(rs.getString("owner_kind").toUpperCase(Locale.ROOT)),
                rs.getLong("owner_id"),
                KeyType.fromWord(rs.getString("key_type")).orElseThrow(),
                rs.getString("name"),
                rs.getBoolean("paused"),
                (ObjectNode) Json.read(rs.getString("options")),
                rs.getString("sealed_key"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
