package org.switchboard.number;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.DependentRows;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;

/**
 * Tracking number rows; every method but {@link #numberTaken} is scoped to one account. Each write announces the
 * number and the campaigns it joined or left ({@link ConfigChanges}), a deletion also the number's own webhooks.
 */
public final class TrackingNumberRepository {
    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;
    /** The rows higher features keep about a number (its own webhooks), deleted with it, in order. */
    private final List<DependentRows> dependents;

    public TrackingNumberRepository(Jdbi jdbi, Clock clock, ConfigChanges changes, List<DependentRows> dependents) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
        this.dependents = List.copyOf(dependents);
    }

    public Optional<TrackingNumber> find(AccountId account, long id) {
        return Sql.find(jdbi, "tracking_numbers", account, id, TrackingNumberRepository::map);
    }

    /** The tracking number with this E.164 number, in whichever account holds it (arriving calls know no account). */
    public Optional<TrackingNumber> findByNumber(String e164) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM tracking_numbers WHERE number = :number")
                .bind("number", e164)
                .map(TrackingNumberRepository::map)
                .findOne());
    }

    /** One page, optionally only the numbers of one campaign and/or one publisher. */
    public Page<TrackingNumber> list(
            AccountId account, Optional<Long> campaignId, Optional<Long> publisherId, PageRequest page) {
        Map<String, Object> binds = new LinkedHashMap<>();
        List<String> conditions = new java.util.ArrayList<>();
        campaignId.ifPresent(id -> {
            conditions.add("campaign_id = :campaign_id");
            binds.put("campaign_id", id);
        });
        publisherId.ifPresent(id -> {
            conditions.add("publisher_id = :publisher_id");
            binds.put("publisher_id", id);
        });
        return Sql.page(
                jdbi,
                "tracking_numbers",
                account,
                String.join(" AND ", conditions),
                binds,
                TrackingNumberRepository::map,
                page);
    }

    /**
     * Whether any account other than as row {@code exceptId} holds the number: a dialled number must lead to exactly
     * one campaign, so numbers are unique across accounts.
     */
    public boolean numberTaken(String number, long exceptId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                                "SELECT COUNT(*) FROM tracking_numbers WHERE number = :number AND id <> :except")
                        .bind("number", number)
                        .bind("except", exceptId)
                        .mapTo(Long.class)
                        .one())
                > 0;
    }

    TrackingNumber insert(AccountId account, TrackingNumberIn in) {
        long now = clock.millis();
        long id = jdbi.withHandle(handle -> bindFields(handle.createQuery("""
                                INSERT INTO tracking_numbers (account_id, number, name, campaign_id, publisher_id, tags,
                                    created_at, updated_at)
                                VALUES (:account, :number, :name, :campaign_id, :publisher_id, :tags, :now, :now)
                                RETURNING id"""), in)
                .bind("account", account.value())
                .bind("now", now)
                .mapTo(Long.class)
                .one());
        changes.changed(changed(account, id, List.of(in.campaignId())));
        return find(account, id).orElseThrow();
    }

    /** The number changed, and so did the campaigns it serves or served (they list their numbers). */
    private static List<ConfigChange> changed(AccountId account, long numberId, List<Long> campaignIds) {
        List<ConfigChange> changed = new java.util.ArrayList<>();
        changed.add(new ConfigChange(ConfigChange.Kind.TRACKING_NUMBER, account, numberId));
        campaignIds.stream()
                .distinct()
                .forEach(c -> changed.add(new ConfigChange(ConfigChange.Kind.CAMPAIGN, account, c)));
        return changed;
    }

    TrackingNumber update(AccountId account, long id, TrackingNumberIn in) {
        Optional<Long> before = find(account, id).map(TrackingNumber::campaignId);
        jdbi.useHandle(handle -> bindFields(handle.createUpdate("""
                                UPDATE tracking_numbers SET number = :number, name = :name, campaign_id = :campaign_id,
                                    publisher_id = :publisher_id, tags = :tags, updated_at = :now
                                WHERE account_id = :account AND id = :id"""), in)
                .bind("account", account.value())
                .bind("id", id)
                .bind("now", clock.millis())
                .execute());
        List<Long> campaigns = new java.util.ArrayList<>(before.stream().toList());
        campaigns.add(in.campaignId());
        changes.changed(changed(account, id, campaigns));
        return find(account, id).orElseThrow();
    }

    /** Marks whether the number has webhooks of its own. */
    public void setWebhooksUnlocked(AccountId account, long id, boolean unlocked) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE tracking_numbers SET webhooks_unlocked = :unlocked, updated_at = :now WHERE account_id = :account AND id = :id")
                .bind("unlocked", unlocked)
                .bind("now", clock.millis())
                .bind("account", account.value())
                .bind("id", id)
                .execute());
        changes.changed(new ConfigChange(ConfigChange.Kind.TRACKING_NUMBER, account, id));
    }

    /** Deletes the number with the rows of its {@code dependents} (its own webhooks), in one transaction. */
    void delete(AccountId account, long id) {
        Optional<Long> campaign = find(account, id).map(TrackingNumber::campaignId);
        List<ConfigChange> gone = jdbi.inTransaction(handle -> {
            List<ConfigChange> changed = changed(account, id, campaign.stream().toList());
            for (DependentRows rows : dependents) {
                changed.addAll(rows.delete(handle, account, id));
            }
            handle.createUpdate("DELETE FROM tracking_numbers WHERE account_id = :account AND id = :id")
                    .bind("account", account.value())
                    .bind("id", id)
                    .execute();
            return changed;
        });
        changes.changed(gone);
    }

    private static <S extends SqlStatement<S>> S bindFields(S statement, TrackingNumberIn in) {
        return statement
                .bind("number", in.number())
                .bind("name", in.name().orElse(null))
                .bind("campaign_id", in.campaignId())
                .bind("publisher_id", in.publisherId().orElse(null))
                .bind("tags", in.tags().toStored());
    }

    private static TrackingNumber map(ResultSet rs, StatementContext ctx) throws SQLException {
        long publisherId = rs.getLong("publisher_id");
        Optional<Long> publisher = rs.wasNull() ? Optional.empty() : Optional.of(publisherId);
        return new TrackingNumber(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                rs.getString("number"),
                Optional.ofNullable(rs.getString("name")),
                rs.getLong("campaign_id"),
                publisher,
                org.switchboard.tag.TagSet.fromStored(rs.getString("tags")),
                rs.getBoolean("webhooks_unlocked"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
