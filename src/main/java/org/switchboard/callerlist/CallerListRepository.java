package org.switchboard.callerlist;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;

/**
 * Caller lists and their numbers; every method is scoped to one account. Each write announces what it changed
 * ({@link ConfigChanges}): a list's numbers as a change to the list; its creation, renaming or deletion also as a
 * change to its owner (the campaign or buyer whose routing reads the list's name).
 */
public final class CallerListRepository {
    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;

    public CallerListRepository(Jdbi jdbi, Clock clock, ConfigChanges changes) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
    }

    public Page<CallerList> list(AccountId account, CallerList.Owner owner, long ownerId, PageRequest page) {
        return Sql.page(
                jdbi,
                "caller_lists",
                account,
                "owner_kind = :owner_kind AND owner_id = :owner_id",
                Map.of("owner_kind", owner.stored(), "owner_id", ownerId),
                CallerListRepository::map,
                page);
    }

    public Optional<CallerList> findByName(AccountId account, CallerList.Owner owner, long ownerId, String name) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM caller_lists
                        WHERE account_id = :account AND owner_kind = :owner_kind AND owner_id = :owner_id AND name = :name""")
                .bind("account", account.value())
                .bind("owner_kind", owner.stored())
                .bind("owner_id", ownerId)
                .bind("name", name)
                .map(CallerListRepository::map)
                .findOne());
    }

    /** The account's list with this id. */
    public Optional<CallerList> find(AccountId account, long id) {
        return Sql.find(jdbi, "caller_lists", account, id, CallerListRepository::map);
    }

    CallerList insert(AccountId account, CallerList.Owner owner, long ownerId, String name) {
        long now = clock.millis();
        long id = jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO caller_lists (account_id, owner_kind, owner_id, name, created_at, updated_at)
                        VALUES (:account, :owner_kind, :owner_id, :name, :now, :now) RETURNING id""")
                .bind("account", account.value())
                .bind("owner_kind", owner.stored())
                .bind("owner_id", ownerId)
                .bind("name", name)
                .bind("now", now)
                .mapTo(Long.class)
                .one());
        changes.changed(owner.change(account, ownerId));
        return Sql.find(jdbi, "caller_lists", account, id, CallerListRepository::map)
                .orElseThrow();
    }

    void rename(AccountId account, long id, String name) {
        Optional<CallerList> list = find(account, id);
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE caller_lists SET name = :name, updated_at = :now WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .bind("name", name)
                .bind("now", clock.millis())
                .execute());
        list.ifPresent(this::announce);
    }

    public void delete(AccountId account, long id) {
        Optional<CallerList> list = find(account, id);
        jdbi.useTransaction(handle -> {
            handle.createUpdate("""
                            DELETE FROM caller_list_numbers WHERE list_id IN
                                (SELECT id FROM caller_lists WHERE account_id = :account AND id = :id)""")
                    .bind("account", account.value())
                    .bind("id", id)
                    .execute();
            handle.createUpdate("DELETE FROM caller_lists WHERE account_id = :account AND id = :id")
                    .bind("account", account.value())
                    .bind("id", id)
                    .execute();
        });
        list.ifPresent(this::announce);
    }

    /** The list changed in itself (its name, its existence): a change to the list and to its owner. */
    private void announce(CallerList list) {
        changes.changed(
                new ConfigChange(ConfigChange.Kind.CALLER_LIST, list.accountId(), list.id()),
                list.owner().change(list.accountId(), list.ownerId()));
    }

    /** The list's numbers changed. */
    private void numbersChanged(AccountId account, long listId) {
        changes.changed(new ConfigChange(ConfigChange.Kind.CALLER_LIST, account, listId));
    }

    /** A list of an owner and whether a given caller is on it. */
    public record Membership(long ownerId, String name, CallerList.Behaviour behaviour, boolean listed) {}

    /** The lists of these owners, each with whether {@code callerNumber} is on it, in one query. */
    public List<Membership> memberships(
            AccountId account, CallerList.Owner owner, List<Long> ownerIds, String callerNumber) {
        if (ownerIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT l.owner_id, l.name, EXISTS (SELECT 1 FROM caller_list_numbers n
                            WHERE n.list_id = l.id AND n.number = :caller) AS listed
                        FROM caller_lists l
                        WHERE l.account_id = :account AND l.owner_kind = :owner_kind AND l.owner_id IN (<owners>)
                        ORDER BY l.id""")
                .bind("account", account.value())
                .bind("owner_kind", owner.stored())
                .bindList("owners", ownerIds)
                .bind("caller", callerNumber)
                .map((rs, ctx) -> new Membership(
                        rs.getLong("owner_id"),
                        rs.getString("name"),
                        CallerList.behaviourOf(rs.getString("name")),
                        rs.getBoolean("listed")))
                .list());
    }

    /** The lists of these owners (without their numbers), in one query. */
    public List<CallerList> listsOf(AccountId account, CallerList.Owner owner, List<Long> ownerIds) {
        if (ownerIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM caller_lists
                        WHERE account_id = :account AND owner_kind = :owner_kind AND owner_id IN (<owners>)
                        ORDER BY id""")
                .bind("account", account.value())
                .bind("owner_kind", owner.stored())
                .bindList("owners", ownerIds)
                .map(CallerListRepository::map)
                .list());
    }

    /** Every number of a list, as it is stored (E.164). The list must be known to belong to the caller's account. */
    public List<String> allNumbers(long listId) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT number FROM caller_list_numbers WHERE list_id = :list")
                        .bind("list", listId)
                        .mapTo(String.class)
                        .list());
    }

    /**
     * Deletes every list of a campaign or buyer with its numbers, inside the owner's deletion transaction; returns the
     * ids of the lists deleted (for the owner to announce).
     */
    public static List<Long> deleteOwnedBy(Handle handle, CallerList.Owner owner, long ownerId) {
        List<Long> ids = handle.createQuery(
                        "SELECT id FROM caller_lists WHERE owner_kind = :owner_kind AND owner_id = :owner_id")
                .bind("owner_kind", owner.stored())
                .bind("owner_id", ownerId)
                .mapTo(Long.class)
                .list();
        handle.createUpdate("""
                        DELETE FROM caller_list_numbers WHERE list_id IN
                            (SELECT id FROM caller_lists WHERE owner_kind = :owner_kind AND owner_id = :owner_id)""")
                .bind("owner_kind", owner.stored())
                .bind("owner_id", ownerId)
                .execute();
        handle.createUpdate("DELETE FROM caller_lists WHERE owner_kind = :owner_kind AND owner_id = :owner_id")
                .bind("owner_kind", owner.stored())
                .bind("owner_id", ownerId)
                .execute();
        return ids;
    }

    public long numberCount(long listId) {
        return Sql.count(jdbi, "caller_list_numbers", "list_id", listId);
    }

    /** The list's numbers, oldest first. The list must already be known to belong to the caller's account. */
    public Page<String> numbers(long listId, PageRequest page) {
        return jdbi.withHandle(handle -> new Page<>(
                handle.createQuery("""
                                SELECT number FROM caller_list_numbers WHERE list_id = :list
                                ORDER BY created_at, number LIMIT :limit OFFSET :offset""")
                        .bind("list", listId)
                        .bind("limit", page.perPage())
                        .bind("offset", page.offset())
                        .mapTo(String.class)
                        .list(),
                numberCount(listId)));
    }

    public boolean contains(long listId, String number) {
        return jdbi.withHandle(handle -> handle.createQuery(
                                "SELECT COUNT(*) FROM caller_list_numbers WHERE list_id = :list AND number = :number")
                        .bind("list", listId)
                        .bind("number", number)
                        .mapTo(Long.class)
                        .one())
                > 0;
    }

    /** Adds the numbers not yet on the list, in one transaction; returns how many were new. */
    int addNumbers(AccountId account, long listId, List<String> numbers) {
        long now = clock.millis();
        int total = jdbi.inTransaction(handle -> {
            int added = 0;
            for (String number : numbers) {
                added += handle.createUpdate("""
                                INSERT INTO caller_list_numbers (list_id, number, created_at) VALUES (:list, :number, :now)
                                ON CONFLICT (list_id, number) DO NOTHING""")
                        .bind("list", listId)
                        .bind("number", number)
                        .bind("now", now)
                        .execute();
            }
            return added;
        });
        numbersChanged(account, listId);
        return total;
    }

    /**
     * A bulk upload in one transaction (so routing never sees a half-applied list): optionally clears the list, then
     * adds ({@code add}) or removes the numbers; returns how many numbers changed.
     */
    int applyUpload(AccountId account, long listId, boolean clearFirst, boolean add, List<String> numbers) {
        long now = clock.millis();
        int applied = jdbi.inTransaction(handle -> {
            if (clearFirst) {
                handle.createUpdate("DELETE FROM caller_list_numbers WHERE list_id = :list")
                        .bind("list", listId)
                        .execute();
            }
            int changed = 0;
            for (String number : numbers) {
                changed += (add
                                ? handle.createUpdate("""
                                                INSERT INTO caller_list_numbers (list_id, number, created_at)
                                                VALUES (:list, :number, :now) ON CONFLICT (list_id, number) DO NOTHING""").bind("now", now)
                                : handle.createUpdate(
                                        "DELETE FROM caller_list_numbers WHERE list_id = :list AND number = :number"))
                        .bind("list", listId)
                        .bind("number", number)
                        .execute();
            }
            return changed;
        });
        numbersChanged(account, listId);
        return applied;
    }

    /** Takes a number off the account's list; false when it was not on it. */
    public boolean removeNumber(AccountId account, long listId, String number) {
        boolean removed = jdbi.withHandle(handle -> handle.createUpdate(
                                "DELETE FROM caller_list_numbers WHERE list_id = :list AND number = :number")
                        .bind("list", listId)
                        .bind("number", number)
                        .execute())
                > 0;
        if (removed) {
            numbersChanged(account, listId);
        }
        return removed;
    }

    private static CallerList map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new CallerList(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                CallerList.Owner.valueOf(rs.getString("owner_kind").toUpperCase(java.util.Locale.ROOT)),
                rs.getLong("owner_id"),
                rs.getString("name"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
