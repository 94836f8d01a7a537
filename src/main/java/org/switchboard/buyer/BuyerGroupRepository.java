package org.switchboard.buyer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.tag.TagFilter;

/**
 * Buyer group rows with their members; every method is scoped to one account. Each write announces the group and the
 * buyers that are or were its members ({@link ConfigChanges}): caches hold a buyer with its groups.
 */
public final class BuyerGroupRepository {
    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;

    public BuyerGroupRepository(Jdbi jdbi, Clock clock, ConfigChanges changes) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
    }

    public Optional<BuyerGroup> find(AccountId account, long id) {
        return Sql.find(jdbi, "buyer_groups", account, id, BuyerGroupRepository::map)
                .map(group -> withMembers(List.of(group)).getFirst());
    }

    /** The ids of the group's buyers; none when the account has no such group. */
    public Set<Long> memberIds(AccountId account, long id) {
        return find(account, id)
                .<Set<Long>>map(group -> Set.copyOf(group.buyerIds()))
                .orElse(Set.of());
    }

    public Page<BuyerGroup> list(AccountId account, PageRequest page) {
        Page<BuyerGroup> rows = Sql.page(jdbi, "buyer_groups", account, "", Map.of(), BuyerGroupRepository::map, page);
        return new Page<>(withMembers(rows.items()), rows.total());
    }

    /** The groups each of these buyers belongs to. */
    public Map<Long, List<BuyerGroup>> groupsOf(AccountId account, List<Long> buyerIds) {
        Map<Long, List<BuyerGroup>> buyerToGroups = new java.util.HashMap<>();
        if (buyerIds.isEmpty()) {
            return buyerToGroups;
        }
        List<BuyerGroup> groups = withMembers(jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM buyer_groups WHERE account_id = :account AND id IN
                            (SELECT group_id FROM buyer_group_members WHERE buyer_id IN (<buyers>)) ORDER BY id""")
                .bind("account", account.value())
                .bindList("buyers", buyerIds)
                .map(BuyerGroupRepository::map)
                .list()));
        for (BuyerGroup group : groups) {
            for (long member : group.buyerIds()) {
                buyerToGroups
                        .computeIfAbsent(member, k -> new java.util.ArrayList<>())
                        .add(group);
            }
        }
        return buyerToGroups;
    }

    BuyerGroup insert(AccountId account, String name, List<Long> buyerIds, Caps caps, TagFilter tagFilters) {
        long now = clock.millis();
        long id = jdbi.inTransaction(handle -> {
            long created = caps.bind(handle.createQuery("""
                                    INSERT INTO buyer_groups (account_id, name, concurrency_cap, hourly_cap, daily_cap,
                                        monthly_cap, hard_cap, tag_filters, created_at, updated_at)
                                    VALUES (:account, :name, :concurrency_cap, :hourly_cap, :daily_cap, :monthly_cap,
                                        :hard_cap, :tag_filters, :now, :now) RETURNING id"""))
                    .bind("account", account.value())
                    .bind("name", name)
                    .bind("tag_filters", tagFilters.toStored())
                    .bind("now", now)
                    .mapTo(Long.class)
                    .one();
            Sql.replaceLinks(handle, "buyer_group_members", "group_id", created, "buyer_id", buyerIds);
            return created;
        });
        changes.changed(changed(account, id, buyerIds));
        return find(account, id).orElseThrow();
    }

    BuyerGroup update(AccountId account, long id, String name, List<Long> buyerIds, Caps caps, TagFilter tagFilters) {
        List<Long> before = jdbi.inTransaction(handle -> {
            List<Long> members = Sql.ids(handle, "SELECT buyer_id FROM buyer_group_members WHERE group_id = :id", id);
            caps.bind(handle.createUpdate("""
                                    UPDATE buyer_groups SET name = :name, concurrency_cap = :concurrency_cap,
                                        hourly_cap = :hourly_cap, daily_cap = :daily_cap, monthly_cap = :monthly_cap,
                                        hard_cap = :hard_cap, tag_filters = :tag_filters, updated_at = :now
                                    WHERE account_id = :account AND id = :id"""))
                    .bind("account", account.value())
                    .bind("id", id)
                    .bind("name", name)
                    .bind("tag_filters", tagFilters.toStored())
                    .bind("now", clock.millis())
                    .execute();
            Sql.replaceLinks(handle, "buyer_group_members", "group_id", id, "buyer_id", buyerIds);
            return members;
        });
        List<Long> members = new java.util.ArrayList<>(before);
        members.addAll(buyerIds);
        changes.changed(changed(account, id, members));
        return find(account, id).orElseThrow();
    }

    /** The group changed, and so did its buyers, past and present (caches hold each buyer with its groups). */
    private static List<ConfigChange> changed(AccountId account, long groupId, List<Long> buyerIds) {
        List<ConfigChange> changed = new java.util.ArrayList<>();
        changed.add(new ConfigChange(ConfigChange.Kind.BUYER_GROUP, account, groupId));
        buyerIds.stream().distinct().forEach(b -> changed.add(new ConfigChange(ConfigChange.Kind.BUYER, account, b)));
        return changed;
    }

    BuyerGroup resetHardCap(AccountId account, long id) {
        Sql.stamp(jdbi, "buyer_groups", account, id, "hard_cap_reset_at", clock.millis());
        changes.changed(new ConfigChange(ConfigChange.Kind.BUYER_GROUP, account, id));
        return find(account, id).orElseThrow();
    }

    void delete(AccountId account, long id) {
        List<Long> members = jdbi.inTransaction(handle -> {
            List<Long> before = Sql.ids(handle, "SELECT buyer_id FROM buyer_group_members WHERE group_id = :id", id);
            handle.createUpdate("DELETE FROM buyer_group_members WHERE group_id = :id")
                    .bind("id", id)
                    .execute();
            handle.createUpdate("DELETE FROM buyer_groups WHERE account_id = :account AND id = :id")
                    .bind("account", account.value())
                    .bind("id", id)
                    .execute();
            return before;
        });
        changes.changed(changed(account, id, members));
    }

    private List<BuyerGroup> withMembers(List<BuyerGroup> groups) {
        Map<Long, List<Long>> groupToBuyers = Sql.links(
                jdbi,
                "buyer_group_members",
                "group_id",
                "buyer_id",
                groups.stream().map(BuyerGroup::id).toList());
        return groups.stream()
                .map(g -> new BuyerGroup(
                        g.id(),
                        g.accountId(),
                        g.name(),
                        List.copyOf(groupToBuyers.getOrDefault(g.id(), List.of())),
                        g.caps(),
                        g.tagFilters(),
                        g.hardCapResetAt(),
                        g.createdAt(),
                        g.updatedAt()))
                .toList();
    }

    private static BuyerGroup map(ResultSet rs, StatementContext ctx) throws SQLException {
        long resetAt = rs.getLong("hard_cap_reset_at");
        Optional<Instant> hardCapResetAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(resetAt));
        return new BuyerGroup(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                rs.getString("name"),
                List.of(),
                Caps.read(rs),
                TagFilter.fromStored(rs.getString("tag_filters")),
                hardCapResetAt,
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
