package org.switchboard.publisher;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.tag.TagSet;

/** Publisher rows; every method is scoped to one account, and each write announces itself ({@link ConfigChanges}). */
public final class PublisherRepository {
    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;

    public PublisherRepository(Jdbi jdbi, Clock clock, ConfigChanges changes) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
    }

    public Optional<Publisher> find(AccountId account, long id) {
        return Sql.find(jdbi, "publishers", account, id, PublisherRepository::map);
    }

    public Page<Publisher> list(AccountId account, PageRequest page) {
        return Sql.page(jdbi, "publishers", account, "", Map.of(), PublisherRepository::map, page);
    }

    /** The account's publisher named by customer id (any case) or, failing that, by id. */
    public Optional<Publisher> findByCidOrId(AccountId account, String cidOrId) {
        return Sql.findByCidOrId(jdbi, "publishers", account, cidOrId, PublisherRepository::map);
    }

    public boolean cidTaken(AccountId account, String cid, long exceptId) {
        return Sql.taken(jdbi, "publishers", account, "cid", cid, exceptId);
    }

    public long trackingNumberCount(long publisherId) {
        return Sql.count(jdbi, "tracking_numbers", "publisher_id", publisherId);
    }

    Publisher insert(AccountId account, Optional<String> cid, String name, TagSet tags) {
        long now = clock.millis();
        long id = jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO publishers (account_id, cid, name, tags, created_at, updated_at)
                        VALUES (:account, :cid, :name, :tags, :now, :now) RETURNING id""")
                .bind("account", account.value())
                .bind("cid", cid.orElse(null))
                .bind("name", name)
                .bind("tags", tags.toStored())
                .bind("now", now)
                .mapTo(Long.class)
                .one());
        changes.changed(new ConfigChange(ConfigChange.Kind.PUBLISHER, account, id));
        return find(account, id).orElseThrow();
    }

    Publisher update(AccountId account, long id, Optional<String> cid, String name, TagSet tags) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE publishers SET cid = :cid, name = :name, tags = :tags, updated_at = :now
                        WHERE account_id = :account AND id = :id""")
                .bind("account", account.value())
                .bind("id", id)
                .bind("cid", cid.orElse(null))
                .bind("name", name)
                .bind("tags", tags.toStored())
                .bind("now", clock.millis())
                .execute());
        changes.changed(new ConfigChange(ConfigChange.Kind.PUBLISHER, account, id));
        return find(account, id).orElseThrow();
    }

    void delete(AccountId account, long id) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM publishers WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .execute());
        changes.changed(new ConfigChange(ConfigChange.Kind.PUBLISHER, account, id));
    }

    private static Publisher map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Publisher(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                Optional.ofNullable(rs.getString("cid")),
                rs.getString("name"),
                TagSet.fromStored(rs.getString("tags")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
