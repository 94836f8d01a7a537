package org.switchboard.platform.db;

import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.platform.http.Page;
import org.switchboard.platform.http.PageRequest;
import org.switchboard.platform.id.AccountId;

/**
 * Statements every account-scoped table shares. Table and column names come from code, never from a request; values
 * are always bound.
 */
public final class Sql {
    private Sql() {}

    /**
     * One page of {@code table} rows of the account matching {@code filter} (an SQL condition over bound
     * {@code binds}, or empty), oldest first.
     */
    public static <T> Page<T> page(
            Jdbi jdbi,
            String table,
            AccountId account,
            String filter,
            Map<String, ?> binds,
            RowMapper<T> mapper,
            PageRequest page) {
        String where = " WHERE account_id = :account" + (filter.isEmpty() ? "" : " AND " + filter);
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM " + table + where)
                    .bind("account", account.value())
                    .bindMap(binds)
                    .mapTo(Long.class)
                    .one();
            var items = handle.createQuery(
                            "SELECT * FROM " + table + where + " ORDER BY id LIMIT :limit OFFSET :offset")
                    .bind("account", account.value())
                    .bindMap(binds)
                    .bind("limit", page.perPage())
                    .bind("offset", page.offset())
                    .map(mapper)
                    .list();
            return new Page<>(items, total);
        });
    }

    /** The account's row of {@code table} with this id. */
    public static <T> Optional<T> find(Jdbi jdbi, String table, AccountId account, long id, RowMapper<T> mapper) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT * FROM " + table + " WHERE account_id = :account AND id = :id")
                        .bind("account", account.value())
                        .bind("id", id)
                        .map(mapper)
                        .findOne());
    }

    /** Whether another row of the account (not {@code exceptId}) already has {@code column = value}. */
    public static boolean taken(
            Jdbi jdbi, String table, AccountId account, String column, Object value, long exceptId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM " + table
                                + " WHERE account_id = :account AND " + column + " = :value AND id <> :except")
                        .bind("account", account.value())
                        .bind("value", value)
                        .bind("except", exceptId)
                        .mapTo(Long.class)
                        .one())
                > 0;
    }

    /** How many rows of {@code table} have {@code column = value}. */
    public static long count(Jdbi jdbi, String table, String column, long value) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = :value")
                        .bind("value", value)
                        .mapTo(Long.class)
                        .one());
    }
}
