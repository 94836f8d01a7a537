package org.switchboard.console;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.secret.Secrets;

/**
 * Console users, their one-time set-password links and their sessions. Tokens (session cookies, links) are stored
 * only as {@link Secrets#digest digests}. Every read of tenant data takes the account first, except the sign-in
 * lookups by email and by token digest, which are how a person's account is found.
 */
public final class UserRepository {
    /** How long a set-password link works. */
    public static final Duration LINK_LIFETIME = Duration.ofDays(7);

    private final Jdbi jdbi;
    private final Clock clock;

    public UserRepository(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A user with their password hash, for sign-in only. */
    record Credentials(User user, Optional<String> passwordHash) {}

    /** A session found by its token, with when it was last used. */
    record Session(User user, Instant lastSeenAt) {}

    public static String normalizeEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    public User create(AccountId account, String email, String displayName, Role role) {
        long now = clock.millis();
        long id = jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO users (account_id, email, display_name, role, created_at, updated_at)
                        VALUES (:account, :email, :name, :role, :now, :now) RETURNING id""")
                .bind("account", account.value())
                .bind("email", normalizeEmail(email))
                .bind("name", displayName)
                .bind("role", role.word())
                .bind("now", now)
                .mapTo(Long.class)
                .one());
        return find(account, id).orElseThrow();
    }

    public boolean emailTaken(String email) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM users WHERE email = :email")
                        .bind("email", normalizeEmail(email))
                        .mapTo(Long.class)
                        .one())
                > 0;
    }

    public long countUsers() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM users")
                .mapTo(Long.class)
                .one());
    }

    /** The oldest account, which gets the first admin. */
    public Optional<AccountId> firstAccount() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT MIN(id) FROM accounts")
                .mapTo(Long.class)
                .findOne()
                .map(AccountId::new));
    }

    public Optional<User> find(AccountId account, long id) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM users WHERE account_id = :account AND id = :id")
                        .bind("account", account.value())
                        .bind("id", id)
                        .map((rs, ctx) -> map(rs))
                        .findOne());
    }

    public List<User> list(AccountId account) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM users WHERE account_id = :account ORDER BY id")
                        .bind("account", account.value())
                        .map((rs, ctx) -> map(rs))
                        .list());
    }

    Optional<Credentials> credentials(String email) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM users WHERE email = :email")
                .bind("email", normalizeEmail(email))
                .map((rs, ctx) -> new Credentials(map(rs), Optional.ofNullable(rs.getString("password_hash"))))
                .findOne());
    }

    public void setRole(AccountId account, long id, Role role) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE users SET role = :role, updated_at = :now WHERE account_id = :account AND id = :id")
                .bind("role", role.word())
                .bind("now", clock.millis())
                .bind("account", account.value())
                .bind("id", id)
                .execute());
    }

    /** Removes the user with their sessions and links: they are signed out everywhere at once. */
    public void delete(AccountId account, long id) {
        jdbi.useTransaction(handle -> {
            long found = handle.createQuery("SELECT COUNT(*) FROM users WHERE account_id = :account AND id = :id")
                    .bind("account", account.value())
                    .bind("id", id)
                    .mapTo(Long.class)
                    .one();
            if (found == 0) {
                return;
            }
            handle.createUpdate("DELETE FROM user_sessions WHERE user_id = :id")
                    .bind("id", id)
                    .execute();
            handle.createUpdate("DELETE FROM password_links WHERE user_id = :id")
                    .bind("id", id)
                    .execute();
            handle.createUpdate("DELETE FROM users WHERE id = :id")
                    .bind("id", id)
                    .execute();
        });
    }

    /** A new one-time set-password link token for the user (earlier links of the user stop working). */
    public String newPasswordLink(User user) {
        String token = Secrets.randomBase58(32);
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM password_links WHERE user_id = :id")
                    .bind("id", user.id())
                    .execute();
            handle.createUpdate(
                            "INSERT INTO password_links (token_digest, user_id, expires_at) VALUES (:digest, :id, :at)")
                    .bind("digest", Secrets.digest(token))
                    .bind("id", user.id())
                    .bind("at", clock.millis() + LINK_LIFETIME.toMillis())
                    .execute();
        });
        return token;
    }

    /** The user a set-password link token belongs to, while it has not expired. */
    public Optional<User> findByPasswordLink(String token) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT u.* FROM password_links l JOIN users u ON u.id = l.user_id
                        WHERE l.token_digest = :digest AND l.expires_at > :now""")
                .bind("digest", Secrets.digest(token))
                .bind("now", clock.millis())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    /**
     * Sets the password through a link and uses the link up; false when the link is unknown, used or expired. Every
     * session of the user ends, since whoever knew the old password may hold one.
     */
    public boolean setPasswordWithLink(String token, String passwordHash) {
        return jdbi.inTransaction(handle -> {
            Optional<Long> userId = handle.createQuery(
                            "SELECT user_id FROM password_links WHERE token_digest = :digest AND expires_at > :now")
                    .bind("digest", Secrets.digest(token))
                    .bind("now", clock.millis())
                    .mapTo(Long.class)
                    .findOne();
            if (userId.isEmpty()) {
                return false;
            }
            handle.createUpdate("DELETE FROM password_links WHERE user_id = :id")
                    .bind("id", userId.get())
                    .execute();
            handle.createUpdate("DELETE FROM user_sessions WHERE user_id = :id")
                    .bind("id", userId.get())
                    .execute();
            handle.createUpdate("UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id")
                    .bind("hash", passwordHash)
                    .bind("now", clock.millis())
                    .bind("id", userId.get())
                    .execute();
            return true;
        });
    }

    /** Sets a password directly (the demo admin, whose password is printed at start). */
    public void setPassword(AccountId account, long id, String passwordHash) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE users SET password_hash = :hash, updated_at = :now WHERE account_id = :account AND id = :id")
                .bind("hash", passwordHash)
                .bind("now", clock.millis())
                .bind("account", account.value())
                .bind("id", id)
                .execute());
    }

    /** Starts a session for the user and returns its token (the cookie value; only its digest is stored). */
    String startSession(User user) {
        String token = Secrets.randomBase58(43);
        long now = clock.millis();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO user_sessions (token_digest, user_id, account_id, created_at, last_seen_at)
                        VALUES (:digest, :user, :account, :now, :now)""")
                .bind("digest", Secrets.digest(token))
                .bind("user", user.id())
                .bind("account", user.accountId().value())
                .bind("now", now)
                .execute());
        return token;
    }

    Optional<Session> findSession(String token) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT u.*, s.last_seen_at AS session_seen_at FROM user_sessions s
                        JOIN users u ON u.id = s.user_id WHERE s.token_digest = :digest""")
                .bind("digest", Secrets.digest(token))
                .map((rs, ctx) -> new Session(map(rs), Columns.instant(rs, "session_seen_at")))
                .findOne());
    }

    void touchSession(String token) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE user_sessions SET last_seen_at = :now WHERE token_digest = :digest")
                .bind("now", clock.millis())
                .bind("digest", Secrets.digest(token))
                .execute());
    }

    void endSession(String token) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM user_sessions WHERE token_digest = :digest")
                .bind("digest", Secrets.digest(token))
                .execute());
    }

    /** Deletes sessions idle since before {@code idleSince}. */
    void endIdleSessions(Instant idleSince) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM user_sessions WHERE last_seen_at < :since")
                .bind("since", idleSince.toEpochMilli())
                .execute());
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(
                rs.getLong("id"),
                Columns.accountId(rs),
                rs.getString("email"),
                rs.getString("display_name"),
                Role.fromWord(rs.getString("role")).orElse(Role.VIEWER),
                rs.getString("password_hash") != null,
                Columns.instant(rs, "created_at"));
    }
}
