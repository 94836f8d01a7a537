package org.switchboard.buyer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.callerlist.CallerList;
import org.switchboard.callerlist.CallerListRepository;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.DependentRows;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

/**
 * Buyer rows with their campaign links; every method is scoped to one account. Each write announces the buyer and
 * the campaigns it joined or left ({@link ConfigChanges}), a deletion also what went with the buyer.
 */
public final class BuyerRepository {
    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;
    /** The rows higher features keep about a buyer (conversion criteria, webhooks), deleted with it, in order. */
    private final List<DependentRows> dependents;

    public BuyerRepository(Jdbi jdbi, Clock clock, ConfigChanges changes, List<DependentRows> dependents) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
        this.dependents = List.copyOf(dependents);
    }

    public Optional<Buyer> find(AccountId account, long id) {
        return Sql.find(jdbi, "buyers", account, id, BuyerRepository::map)
                .map(buyer -> withCampaignIds(List.of(buyer)).getFirst());
    }

    /** One page, optionally only the buyers taking calls of one campaign. */
    public Page<Buyer> list(AccountId account, Optional<Long> campaignId, PageRequest page) {
        Page<Buyer> rows = campaignId
                .map(id -> Sql.page(
                        jdbi,
                        "buyers",
                        account,
                        "id IN (SELECT buyer_id FROM campaign_buyers WHERE campaign_id = :campaign_id)",
                        Map.of("campaign_id", id),
                        BuyerRepository::map,
                        page))
                .orElseGet(() -> Sql.page(jdbi, "buyers", account, "", Map.of(), BuyerRepository::map, page));
        return new Page<>(withCampaignIds(rows.items()), rows.total());
    }

    /** Every buyer taking calls of a campaign (the routing candidates). */
    public List<Buyer> forCampaign(AccountId account, long campaignId) {
        List<Buyer> rows = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM buyers WHERE account_id = :account
                            AND id IN (SELECT buyer_id FROM campaign_buyers WHERE campaign_id = :campaign) ORDER BY id""")
                .bind("account", account.value())
                .bind("campaign", campaignId)
                .map(BuyerRepository::map)
                .list());
        return withCampaignIds(rows);
    }

    /** The buyers with their campaign links filled in by one query. */
    private List<Buyer> withCampaignIds(List<Buyer> buyers) {
        Map<Long, List<Long>> buyerToCampaigns = Sql.links(
                jdbi,
                "campaign_buyers",
                "buyer_id",
                "campaign_id",
                buyers.stream().map(Buyer::id).toList());
        return buyers.stream()
                .map(b -> b.withCampaignIds(buyerToCampaigns.getOrDefault(b.id(), List.of())))
                .toList();
    }

    /** The account's buyer named by customer id (any case) or, failing that, by id. */
    public Optional<Buyer> findByCidOrId(AccountId account, String cidOrId) {
        return Sql.findByCidOrId(jdbi, "buyers", account, cidOrId, BuyerRepository::map)
                .map(buyer -> withCampaignIds(List.of(buyer)).getFirst());
    }

    public boolean cidTaken(AccountId account, String cid, long exceptId) {
        return Sql.taken(jdbi, "buyers", account, "cid", cid, exceptId);
    }

    /** Names of the groups the buyer belongs to. */
    public List<String> groupNames(long buyerId) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT g.name FROM buyer_groups g JOIN buyer_group_members m ON m.group_id = g.id
                        WHERE m.buyer_id = :buyer ORDER BY g.id""")
                .bind("buyer", buyerId)
                .mapTo(String.class)
                .list());
    }

    Buyer insert(AccountId account, BuyerIn in) {
        long now = clock.millis();
        long id = jdbi.inTransaction(handle -> {
            long created = bindFields(handle.createQuery("""
                                    INSERT INTO buyers (account_id, cid, name, dba_name, destination, ring_timeout_seconds,
                                        priority, weight, time_zone, hours, concurrency_cap, hourly_cap, daily_cap,
                                        monthly_cap, hard_cap, paused, tags, tag_filters, created_at, updated_at)
                                    VALUES (:account, :cid, :name, :dba_name, :destination, :ring_timeout_seconds,
                                        :priority, :weight, :time_zone, :hours, :concurrency_cap, :hourly_cap,
                                        :daily_cap, :monthly_cap, :hard_cap, :paused, :tags, :tag_filters, :now, :now)
                                    RETURNING id"""), in)
                    .bind("account", account.value())
                    .bind("now", now)
                    .mapTo(Long.class)
                    .one();
            Sql.replaceLinks(handle, "campaign_buyers", "buyer_id", created, "campaign_id", in.campaignIds());
            return created;
        });
        changes.changed(changed(account, id, in.campaignIds()));
        return find(account, id).orElseThrow();
    }

    Buyer update(AccountId account, long id, BuyerIn in) {
        List<Long> before = jdbi.inTransaction(handle -> {
            List<Long> linked = Sql.ids(handle, "SELECT campaign_id FROM campaign_buyers WHERE buyer_id = :id", id);
            bindFields(handle.createUpdate("""
                                    UPDATE buyers SET cid = :cid, name = :name, dba_name = :dba_name,
                                        destination = :destination, ring_timeout_seconds = :ring_timeout_seconds,
                                        priority = :priority, weight = :weight, time_zone = :time_zone, hours = :hours,
                                        concurrency_cap = :concurrency_cap, hourly_cap = :hourly_cap,
                                        daily_cap = :daily_cap, monthly_cap = :monthly_cap, hard_cap = :hard_cap,
                                        paused = :paused, tags = :tags, tag_filters = :tag_filters, updated_at = :now
                                    WHERE account_id = :account AND id = :id"""), in)
                    .bind("account", account.value())
                    .bind("id", id)
                    .bind("now", clock.millis())
                    .execute();
            Sql.replaceLinks(handle, "campaign_buyers", "buyer_id", id, "campaign_id", in.campaignIds());
            return linked;
        });
        List<Long> campaigns = new ArrayList<>(before);
        campaigns.addAll(in.campaignIds());
        changes.changed(changed(account, id, campaigns));
        return find(account, id).orElseThrow();
    }

    /** The buyer changed, and so did the campaigns it takes calls of (or took: they list their buyers). */
    private static List<ConfigChange> changed(AccountId account, long buyerId, List<Long> campaignIds) {
        List<ConfigChange> changed = new ArrayList<>();
        changed.add(new ConfigChange(ConfigChange.Kind.BUYER, account, buyerId));
        campaignIds.stream()
                .distinct()
                .forEach(c -> changed.add(new ConfigChange(ConfigChange.Kind.CAMPAIGN, account, c)));
        return changed;
    }

    /** Starts a new hard-cap period now. */
    Buyer resetHardCap(AccountId account, long id) {
        Sql.stamp(jdbi, "buyers", account, id, "hard_cap_reset_at", clock.millis());
        changes.changed(new ConfigChange(ConfigChange.Kind.BUYER, account, id));
        return find(account, id).orElseThrow();
    }

    /**
     * Deletes the buyer with its campaign links, caller lists and the rows of its {@code dependents} (conversion
     * criteria, webhooks), in one transaction.
     */
    void delete(AccountId account, long id) {
        List<ConfigChange> gone = jdbi.inTransaction(handle -> {
            List<ConfigChange> changed = changed(
                    account, id, Sql.ids(handle, "SELECT campaign_id FROM campaign_buyers WHERE buyer_id = :id", id));
            handle.createUpdate("DELETE FROM campaign_buyers WHERE buyer_id = :id")
                    .bind("id", id)
                    .execute();
            CallerListRepository.deleteOwnedBy(handle, CallerList.Owner.BUYER, id)
                    .forEach(list -> changed.add(new ConfigChange(ConfigChange.Kind.CALLER_LIST, account, list)));
            for (DependentRows rows : dependents) {
                changed.addAll(rows.delete(handle, account, id));
            }
            handle.createUpdate("DELETE FROM buyers WHERE account_id = :account AND id = :id")
                    .bind("account", account.value())
                    .bind("id", id)
                    .execute();
            return changed;
        });
        changes.changed(gone);
    }

    private static <S extends SqlStatement<S>> S bindFields(S statement, BuyerIn in) {
        return in.caps()
                .bind(statement)
                .bind("cid", in.cid().orElse(null))
                .bind("name", in.name())
                .bind("dba_name", in.dbaName().orElse(null))
                .bind("destination", in.destination())
                .bind("ring_timeout_seconds", in.ringTimeoutSeconds())
                .bind("priority", in.priority())
                .bind("weight", in.weight())
                .bind("time_zone", in.timeZone().getId())
                .bind(
                        "hours",
                        in.hours().map(hours -> Json.writeString(hours.asMap())).orElse(null))
                .bind("paused", in.paused())
                .bind("tags", in.tags().toStored())
                .bind("tag_filters", in.tagFilters().toStored());
    }

    /** A buyer row; its campaign links are added by {@link #withCampaignIds}. */
    private static Buyer map(ResultSet rs, StatementContext ctx) throws SQLException {
        long resetAt = rs.getLong("hard_cap_reset_at");
        Optional<Instant> hardCapResetAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(resetAt));
        return new Buyer(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                Optional.ofNullable(rs.getString("cid")),
                rs.getString("name"),
                Optional.ofNullable(rs.getString("dba_name")),
                rs.getString("destination"),
                rs.getInt("ring_timeout_seconds"),
                rs.getInt("priority"),
                rs.getInt("weight"),
                ZoneId.of(rs.getString("time_zone")),
                Optional.ofNullable(rs.getString("hours")).map(HoursOfOperation::fromStored),
                Caps.read(rs),
                hardCapResetAt,
                rs.getBoolean("paused"),
                TagSet.fromStored(rs.getString("tags")),
                TagFilter.fromStored(rs.getString("tag_filters")),
                List.of(),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
