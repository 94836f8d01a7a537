package org.switchboard.campaign;

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
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.tag.TagSet;

/**
 * Campaign rows; every method is scoped to one account. Each write announces what it changed ({@link ConfigChanges}),
 * a deletion also what went with the campaign.
 */
public final class CampaignRepository {
    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;
    /** The rows higher features keep about a campaign (conversion criteria, webhooks), deleted with it, in order. */
    private final List<DependentRows> dependents;

    public CampaignRepository(Jdbi jdbi, Clock clock, ConfigChanges changes, List<DependentRows> dependents) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
        this.dependents = List.copyOf(dependents);
    }

    public Optional<Campaign> find(AccountId account, long id) {
        return Sql.find(jdbi, "campaigns", account, id, CampaignRepository::map);
    }

    public Page<Campaign> list(AccountId account, PageRequest page) {
        return Sql.page(jdbi, "campaigns", account, "", Map.of(), CampaignRepository::map, page);
    }

    /** The account's campaign named by customer id (any case) or, failing that, by id. */
    public Optional<Campaign> findByCidOrId(AccountId account, String cidOrId) {
        return Sql.findByCidOrId(jdbi, "campaigns", account, cidOrId, CampaignRepository::map);
    }

    public boolean cidTaken(AccountId account, String cid, long exceptId) {
        return Sql.taken(jdbi, "campaigns", account, "cid", cid, exceptId);
    }

    public long trackingNumberCount(long campaignId) {
        return Sql.count(jdbi, "tracking_numbers", "campaign_id", campaignId);
    }

    Campaign insert(AccountId account, CampaignIn in) {
        long now = clock.millis();
        long id = jdbi.withHandle(handle -> bindFields(handle.createQuery("""
                                INSERT INTO campaigns (account_id, cid, name, paused, time_zone, repeat_caller_handling,
                                    repeat_caller_window_seconds, repeat_callers_to_new_buyer, use_company_default_webhooks,
                                    tags, created_at, updated_at)
                                VALUES (:account, :cid, :name, :paused, :time_zone, :repeat_caller_handling,
                                    :repeat_caller_window_seconds, :repeat_callers_to_new_buyer,
                                    :use_company_default_webhooks, :tags, :now, :now) RETURNING id"""), in)
                .bind("account", account.value())
                .bind("now", now)
                .mapTo(Long.class)
                .one());
        changes.changed(new ConfigChange(ConfigChange.Kind.CAMPAIGN, account, id));
        return find(account, id).orElseThrow();
    }

    Campaign update(AccountId account, long id, CampaignIn in) {
        jdbi.useHandle(handle -> bindFields(handle.createUpdate("""
                                UPDATE campaigns SET cid = :cid, name = :name, paused = :paused, time_zone = :time_zone,
                                    repeat_caller_handling = :repeat_caller_handling,
                                    repeat_caller_window_seconds = :repeat_caller_window_seconds,
                                    repeat_callers_to_new_buyer = :repeat_callers_to_new_buyer,
                                    use_company_default_webhooks = :use_company_default_webhooks, tags = :tags,
                                    updated_at = :now
                                WHERE account_id = :account AND id = :id"""), in)
                .bind("account", account.value())
                .bind("id", id)
                .bind("now", clock.millis())
                .execute());
        changes.changed(new ConfigChange(ConfigChange.Kind.CAMPAIGN, account, id));
        return find(account, id).orElseThrow();
    }

    /**
     * Deletes the campaign with its buyer links, caller lists and the rows of its {@code dependents} (conversion
     * criteria, webhooks), in one transaction.
     */
    void delete(AccountId account, long id) {
        List<ConfigChange> gone = jdbi.inTransaction(handle -> {
            List<ConfigChange> changed = new ArrayList<>();
            changed.add(new ConfigChange(ConfigChange.Kind.CAMPAIGN, account, id));
            Sql.ids(handle, "SELECT buyer_id FROM campaign_buyers WHERE campaign_id = :id", id)
                    .forEach(buyer -> changed.add(new ConfigChange(ConfigChange.Kind.BUYER, account, buyer)));
            handle.createUpdate("DELETE FROM campaign_buyers WHERE campaign_id = :id")
                    .bind("id", id)
                    .execute();
            CallerListRepository.deleteOwnedBy(handle, CallerList.Owner.CAMPAIGN, id)
                    .forEach(list -> changed.add(new ConfigChange(ConfigChange.Kind.CALLER_LIST, account, list)));
            for (DependentRows rows : dependents) {
                changed.addAll(rows.delete(handle, account, id));
            }
            handle.createUpdate("DELETE FROM campaigns WHERE account_id = :account AND id = :id")
                    .bind("account", account.value())
                    .bind("id", id)
                    .execute();
            return changed;
        });
        changes.changed(gone);
    }

    private static <S extends SqlStatement<S>> S bindFields(S statement, CampaignIn in) {
        return statement
                .bind("cid", in.cid().orElse(null))
                .bind("name", in.name())
                .bind("paused", in.paused())
                .bind("time_zone", in.timeZone().getId())
                .bind("repeat_caller_handling", in.repeatCallerHandling())
                .bind("repeat_caller_window_seconds", in.repeatCallerWindowSeconds())
                .bind("repeat_callers_to_new_buyer", in.repeatCallersToNewBuyer())
                .bind("use_company_default_webhooks", in.useCompanyDefaultWebhooks())
                .bind("tags", in.tags().toStored());
    }

    private static Campaign map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Campaign(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                Optional.ofNullable(rs.getString("cid")),
                rs.getString("name"),
                rs.getBoolean("paused"),
                ZoneId.of(rs.getString("time_zone")),
                rs.getBoolean("repeat_caller_handling"),
                rs.getLong("repeat_caller_window_seconds"),
                rs.getBoolean("repeat_callers_to_new_buyer"),
                rs.getBoolean("use_company_default_webhooks"),
                TagSet.fromStored(rs.getString("tags")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
