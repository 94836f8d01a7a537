package org.switchboard.platform.db;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;

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

    /**
     * The account's row of {@code table} whose customer id ({@code cid}) is {@code cidOrId}, compared without regard
     * to case as tag values are, else the row whose id it is: how owners and partners name an object either way.
     */
    public static <T> Optional<T> findByCidOrId(
            Jdbi jdbi, String table, AccountId account, String cidOrId, RowMapper<T> mapper) {
        long id;
        try {
            id = Long.parseLong(cidOrId);
        } catch (NumberFormatException e) {
            id = -1;
        }
        long asId = id;
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM " + table
                        + " WHERE account_id = :account AND (LOWER(cid) = LOWER(:value) OR id = :id)"
                        + " ORDER BY CASE WHEN LOWER(cid) = LOWER(:value) THEN 0 ELSE 1 END, id LIMIT 1")
                .bind("account", account.value())
                .bind("value", cidOrId)
                .bind("id", asId)
                .map(mapper)
                .findFirst());
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

    /** The ids {@code query} selects, with {@code :id} bound to {@code id}, in the caller's transaction. */
    public static List<Long> ids(Handle handle, String query, long id) {
        return handle.createQuery(query).bind("id", id).mapTo(Long.class).list();
    }

    /** Sets {@code column} (an instant column) and {@code updated_at} of the account's row to {@code nowMillis}. */
    public static void stamp(Jdbi jdbi, String table, AccountId account, long id, String column, long nowMillis) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE " + table + " SET " + column + " = :now, updated_at = :now"
                        + " WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .bind("now", nowMillis)
                .execute());
    }

    /**
     * Makes {@code ownerId}'s links in the two-column link table exactly {@code targetIds}, inside the caller's
     * transaction.
     */
    public static void replaceLinks(
            Handle handle, String table, String ownerColumn, long ownerId, String targetColumn, List<Long> targetIds) {
        handle.createUpdate("DELETE FROM " + table + " WHERE " + ownerColumn + " = :owner")
                .bind("owner", ownerId)
                .execute();
        for (long targetId : targetIds) {
            handle.createUpdate("INSERT INTO " + table + " (" + ownerColumn + ", " + targetColumn
                            + ") VALUES (:owner, :target)")
                    .bind("owner", ownerId)
                    .bind("target", targetId)
                    .execute();
        }
    }

    /** The linked ids of each owner in one query, in ascending order; owners without links are absent. */
    public static Map<Long, List<Long>> links(
            Jdbi jdbi, String table, String ownerColumn, String targetColumn, List<Long> ownerIds) {
        Map<Long, List<Long>> ownerToTargets = new HashMap<>();
        if (ownerIds.isEmpty()) {
            return ownerToTargets;
        }
        jdbi.useHandle(handle -> handle.createQuery("SELECT " + ownerColumn + ", " + targetColumn + " FROM " + table
                        + " WHERE " + ownerColumn + " IN (<owners>) ORDER BY " + targetColumn)
                .bindList("owners", ownerIds)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getLong(2)))
                .forEach(link -> ownerToTargets
                        .computeIfAbsent(link.getKey(), k -> new ArrayList<>())
                        .add(link.getValue())));
        return ownerToTargets;
    }
}
