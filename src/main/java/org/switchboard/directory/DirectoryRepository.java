package org.switchboard.directory;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;

/** Directory rows; every method is scoped to one account. Entries are JSON text read and written whole. */
public final class DirectoryRepository {
    private final Jdbi jdbi;
    private final Clock clock;

    public DirectoryRepository(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Optional<Directory> find(AccountId account, long id) {
        return Sql.find(jdbi, "directories", account, id, DirectoryRepository::map);
    }

    public Page<Directory> list(AccountId account, PageRequest page) {
        return Sql.page(jdbi, "directories", account, "", Map.of(), DirectoryRepository::map, page);
    }

    Directory insert(AccountId account, String name, List<Directory.Entry> entries) {
        long now = clock.millis();
        long id = jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO directories (account_id, name, entries, created_at, updated_at)
                        VALUES (:account, :name, :entries, :now, :now) RETURNING id""")
                .bind("account", account.value())
                .bind("name", name)
                .bind("entries", Json.writeString(entries))
                .bind("now", now)
                .mapTo(Long.class)
                .one());
        return find(account, id).orElseThrow();
    }

    Directory update(AccountId account, long id, String name, List<Directory.Entry> entries) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE directories SET name = :name, entries = :entries, updated_at = :now
                        WHERE account_id = :account AND id = :id""")
                .bind("account", account.value())
                .bind("id", id)
                .bind("name", name)
                .bind("entries", Json.writeString(entries))
                .bind("now", clock.millis())
                .execute());
        return find(account, id).orElseThrow();
    }

    void delete(AccountId account, long id) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM directories WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .execute());
    }

    private static Directory map(ResultSet rs, StatementContext ctx) throws SQLException {
        List<Directory.Entry> entries = new ArrayList<>();
        for (JsonNode entry : Json.read(rs.getString("entries"))) {
            entries.add(new Directory.Entry(
                    entry.path("name").asText(), entry.path("destination").asText()));
        }
        return new Directory(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                rs.getString("name"),
                entries,
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
