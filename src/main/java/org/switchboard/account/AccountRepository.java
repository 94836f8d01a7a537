package org.switchboard.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.switchboard.platform.config.ConfigCache;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.secret.Secrets;

/**
 * Accounts and their API keys. Keys are stored as a SHA-256 digest and a short hint, never in plain text. A change to
 * an account's features is announced ({@link ConfigChanges}): the RTB engine caches them.
 *
 * <p>Every API request looks its key up ({@link #findAccountByKeyDigest}), so the lookup is served from a cache by
 * digest, kept current as the postback keys' is: a key's creation or deletion is announced (here and, through Redis,
 * on every node), drops that key's entry and the memory of unknown keys, and a deleted key is refused from the next
 * request on; when changes may have been missed the cache starts again empty. At most {@value #CACHED_KEYS} keys (and
 * as many unknown ones) are held; beyond that the cache starts again empty. {@code maxAge} is a safety net for a
 * change that never arrived.
 */
public final class AccountRepository {
    static final int CACHED_KEYS = 10_000;
    private static final RowMapper<ApiKey> KEY = ConstructorMapper.of(ApiKey.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;
    private final ConfigCache<String, Optional<KeyOwner>> digestToOwner;

    /** The key with a digest, and the account it opens. */
    private record KeyOwner(long keyId, AccountId account) {}

    /** With the key cache kept current by {@code changes} alone (tests, benches). */
    public AccountRepository(Jdbi jdbi, Clock clock, ConfigChanges changes) {
        this(jdbi, clock, changes, Duration.ZERO);
    }

    /** With the key cache, kept current by {@code changes} and, as a safety net, {@code maxAge} (zero: none). */
    public AccountRepository(Jdbi jdbi, Clock clock, ConfigChanges changes, Duration maxAge) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
        this.digestToOwner = ConfigCache.byDigest(
                changes, ConfigChange.Kind.API_KEY, KeyOwner::keyId, CACHED_KEYS, maxAge, clock, "api-key-refresh");
    }

    private void announceKey(AccountId account, long keyId) {
        changes.changed(new ConfigChange(ConfigChange.Kind.API_KEY, account, keyId));
    }

    /** Creates an account together with its first API key, in one transaction. */
    public NewAccount create(String name, String keyName, String secret) {
        Instant now = Instant.ofEpochMilli(clock.millis());
        NewAccount created = jdbi.inTransaction(handle -> {
            long id = handle.createQuery("INSERT INTO accounts (name, created_at) VALUES (:name, :now) RETURNING id")
                    .bind("name", name)
                    .bind("now", now.toEpochMilli())
                    .mapTo(Long.class)
                    .one();
            AccountId account = new AccountId(id);
            ApiKey key = insertKey(handle, account, keyName, secret, now);
            return new NewAccount(new Account(account, name, Set.of(), now), new NewApiKey(key, secret));
        });
        announceKey(created.account().id(), created.key().key().id());
        return created;
    }

    public long countAccounts() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM accounts")
                .mapTo(Long.class)
                .one());
    }

    public Optional<Account> find(AccountId account) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, name, features, created_at FROM accounts WHERE id = :id")
                .bind("id", account.value())
                .map((rs, ctx) -> new Account(
                        new AccountId(rs.getLong("id")),
                        rs.getString("name"),
                        features(rs.getString("features")),
                        Columns.instant(rs, "created_at")))
                .findOne());
    }

    /** Whether the account has turned {@code feature} on (false for an account that no longer exists). */
    public boolean hasFeature(AccountId account, Feature feature) {
        return find(account).map(a -> a.has(feature)).orElse(false);
    }

    public void setFeatures(AccountId account, Set<Feature> features) {
        List<String> words = features.stream().map(Feature::word).sorted().toList();
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE accounts SET features = :features WHERE id = :id")
                .bind("features", Json.writeString(words))
                .bind("id", account.value())
                .execute());
        changes.changed(ConfigChange.account(account));
    }

    private static Set<Feature> features(String stored) {
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        Json.read(stored).forEach(word -> Feature.fromWord(word.asText()).ifPresent(features::add));
        return features;
    }

    public void rename(AccountId account, String name) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE accounts SET name = :name WHERE id = :id")
                .bind("name", name)
                .bind("id", account.value())
                .execute());
    }

    /**
     * The account owning the key with this digest, from the cache. The digest lookup is by index (or by hash in the
     * cache); no secret is compared here.
     */
    public Optional<AccountId> findAccountByKeyDigest(String digest) {
        return digestToOwner.get(digest, () -> readOwner(digest)).map(KeyOwner::account);
    }

    private Optional<KeyOwner> readOwner(String digest) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, account_id, key_digest FROM api_keys WHERE key_digest = :digest")
                .bind("digest", digest)
                .map((rs, ctx) -> Secrets.constantTimeEquals(rs.getString("key_digest"), digest)
                        ? Optional.of(new KeyOwner(rs.getLong("id"), Columns.accountId(rs)))
                        : Optional.<KeyOwner>empty())
                .findOne()
                .flatMap(found -> found));
    }

    public NewApiKey createKey(AccountId account, String name, String secret) {
        NewApiKey created = jdbi.inTransaction(handle ->
                new NewApiKey(insertKey(handle, account, name, secret, Instant.ofEpochMilli(clock.millis())), secret));
        announceKey(account, created.key().id());
        return created;
    }

    private static ApiKey insertKey(Handle handle, AccountId account, String name, String secret, Instant now) {
        String hint = Secrets.hint(secret);
        long id = handle.createQuery("""
                        INSERT INTO api_keys (account_id, name, key_digest, key_hint, created_at)
                        VALUES (:account, :name, :digest, :hint, :now) RETURNING id""")
                .bind("account", account.value())
                .bind("name", name)
                .bind("digest", Secrets.digest(secret))
                .bind("hint", hint)
                .bind("now", now.toEpochMilli())
                .mapTo(Long.class)
                .one();
        return new ApiKey(id, account, name, hint, now);
    }

    public List<ApiKey> listKeys(AccountId account) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, account_id, name, key_hint AS hint, created_at FROM api_keys WHERE account_id = :account ORDER BY id")
                .bind("account", account.value())
                .map(KEY)
                .list());
    }

    public Optional<ApiKey> findKey(AccountId account, long id) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, account_id, name, key_hint AS hint, created_at FROM api_keys WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .map(KEY)
                .findOne());
    }

    public void deleteKey(AccountId account, long id) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM api_keys WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .execute());
        announceKey(account, id);
    }

    /** An account just created and its first key. */
    public record NewAccount(Account account, NewApiKey key) {}
}
