package org.switchboard.conversion;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.config.ConfigCache;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.db.DependentRows;
import org.switchboard.platform.db.Sql;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagFilter;

/**
 * Conversion criteria rows; every method is scoped to one account.
 *
 * <p>Positions stay 1..n per owner. Every change to an owner's list runs in one transaction that first locks the
 * owner's row with a no-op update: on PostgreSQL that queues concurrent writers of the same list (so two inserts
 * cannot both take position n+1), SQLite's IMMEDIATE transactions queue them anyway, and it finds out in the same
 * step whether the owner still exists.
 *
 * <p>Each write announces the criterion it changed and its owner ({@link ConfigChanges}): moving one renumbers the
 * others, and caches hold an owner's criteria together.
 *
 * <p>An owner's criteria in judging order ({@link #listFor}, {@link #forCall}: what every conversion postback and
 * every call's end judges by) are served from a cache kept current by those announcements, here and, through Redis, on
 * every node: a change of a criterion or of its owner drops that owner's list; when changes may have been missed the
 * cache starts again empty. At most {@value #CACHED_OWNERS} owners' lists are held; beyond that the cache starts again
 * empty. {@code maxAge} is a safety net for a change that never arrived.
 */
public final class ConversionCriterionRepository {
    static final int CACHED_OWNERS = 10_000;
    private static final String TABLE = "conversion_criteria";

    private final Jdbi jdbi;
    private final Clock clock;
    private final ConfigChanges changes;
    private final ConfigCache<OwnerKey, List<ConversionCriterion>> ownerToCriteria;

    /** The criteria of one owner, the cache's key. */
    private record OwnerKey(AccountId account, ConversionCriterion.Owner owner, long ownerId) {}

    /** With the owners' lists cached and no safety net but the changes (tests). */
    public ConversionCriterionRepository(Jdbi jdbi, Clock clock, ConfigChanges changes) {
        this(jdbi, clock, changes, Duration.ZERO);
    }

    /** With the owners' lists cached, kept current by {@code changes} and, as a safety net, {@code maxAge} (zero: none). */
    public ConversionCriterionRepository(Jdbi jdbi, Clock clock, ConfigChanges changes, Duration maxAge) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
        this.ownerToCriteria = new ConfigCache<>(
                list -> false,
                CACHED_OWNERS,
                0,
                maxAge,
                clock,
                task -> Thread.ofVirtual().name("criteria-refresh").start(task));
        changes.listen(new ConfigChanges.Listener() {
            @Override
            public void changed(ConfigChange change) {
                switch (change.kind()) {
                    case CAMPAIGN ->
                        ownerToCriteria.remove(
                                new OwnerKey(change.account(), ConversionCriterion.Owner.CAMPAIGN, change.id()));
                    case BUYER ->
                        ownerToCriteria.remove(
                                new OwnerKey(change.account(), ConversionCriterion.Owner.BUYER, change.id()));
                    // its owner's change comes with it; a list that holds it goes too, whatever came with it
                    case CRITERION ->
                        ownerToCriteria.removeIf((owner, list) -> list.stream().anyMatch(c -> c.id() == change.id()));
                    default -> {
                        // no criteria hang off anything else
                    }
                }
            }

            @Override
            public void everythingMayHaveChanged() {
                ownerToCriteria.clear();
            }
        });
    }

    private void announce(ConversionCriterion criterion) {
        changes.changed(
                new ConfigChange(ConfigChange.Kind.CRITERION, criterion.accountId(), criterion.id()),
                criterion.owner().change(criterion.accountId(), criterion.ownerId()));
    }

    public Optional<ConversionCriterion> find(AccountId account, long id) {
        return Sql.find(jdbi, TABLE, account, id, ConversionCriterionRepository::map);
    }

    /** All criteria of one owner in judging order (position, then id): what {@link ConversionPolicy#select} takes. */
    public List<ConversionCriterion> listFor(AccountId account, ConversionCriterion.Owner owner, long ownerId) {
        return ownerToCriteria.get(new OwnerKey(account, owner, ownerId), () -> read(account, owner, ownerId));
    }

    private List<ConversionCriterion> read(AccountId account, ConversionCriterion.Owner owner, long ownerId) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM conversion_criteria
                        WHERE account_id = :account AND owner_kind = :kind AND owner_id = :owner
                        ORDER BY position, id""")
                .bind("account", account.value())
                .bind("kind", owner.stored())
                .bind("owner", ownerId)
                .map(ConversionCriterionRepository::map)
                .collect(Collectors.toUnmodifiableList()));
    }

    /** The criteria that judge one call: its campaign's and its buyer's, each in judging order. */
    public record ForCall(List<ConversionCriterion> campaign, List<ConversionCriterion> buyer) {}

    /** {@link #listFor} of a call's campaign and (when it has one) its buyer, from the cache. */
    public ForCall forCall(AccountId account, long campaignId, Optional<Long> buyerId) {
        return new ForCall(
                listFor(account, ConversionCriterion.Owner.CAMPAIGN, campaignId),
                buyerId.map(buyer -> listFor(account, ConversionCriterion.Owner.BUYER, buyer))
                        .orElse(List.of()));
    }

    /** One page of an owner's criteria in judging order. */
    public Page<ConversionCriterion> page(
            AccountId account, ConversionCriterion.Owner owner, long ownerId, PageRequest page) {
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("""
                            SELECT COUNT(*) FROM conversion_criteria
                            WHERE account_id = :account AND owner_kind = :kind AND owner_id = :owner""")
                    .bind("account", account.value())
                    .bind("kind", owner.stored())
                    .bind("owner", ownerId)
                    .mapTo(Long.class)
                    .one();
            List<ConversionCriterion> items = handle.createQuery("""
                            SELECT * FROM conversion_criteria
                            WHERE account_id = :account AND owner_kind = :kind AND owner_id = :owner
                            ORDER BY position, id LIMIT :limit OFFSET :offset""")
                    .bind("account", account.value())
                    .bind("kind", owner.stored())
                    .bind("owner", ownerId)
                    .bind("limit", page.perPage())
                    .bind("offset", page.offset())
                    .map(ConversionCriterionRepository::map)
                    .list();
            return new Page<>(items, total);
        });
    }

    /**
     * Adds a criterion at {@code in.position()} (1..n+1), or last. A 404 when the account has no such owner (any
     * more); a 400 on {@code position} outside 1..n+1.
     */
    ConversionCriterion insert(
            AccountId account, ConversionCriterion.Owner owner, long ownerId, ConversionCriterionIn in) {
        long id = jdbi.inTransaction(handle -> {
            lockOwner(handle, account, owner, ownerId);
            List<Long> order = order(handle, account, owner, ownerId);
            int position = in.position().orElse(order.size() + 1);
            checkPosition(position, order.size() + 1);
            long now = clock.millis();
            long inserted = bindFields(handle.createQuery("""
                                    INSERT INTO conversion_criteria (account_id, owner_kind, owner_id, position, name,
                                        matches, trigger_kind, duration_seconds, duration_tag, postback_timeout_seconds,
                                        revenue_kind, revenue_micros, revenue_tag, payout_kind, payout_micros,
                                        payout_percent_micros, payout_tag, payout_modifier, duplicate_window_seconds,
                                        created_at, updated_at)
                                    VALUES (:account, :kind, :owner, :position, :name, :matches, :trigger_kind,
                                        :duration_seconds, :duration_tag, :postback_timeout_seconds, :revenue_kind,
                                        :revenue_micros, :revenue_tag, :payout_kind, :payout_micros,
                                        :payout_percent_micros, :payout_tag, :payout_modifier,
                                        :duplicate_window_seconds, :now, :now)
                                    RETURNING id"""), in)
                    .bind("account", account.value())
                    .bind("kind", owner.stored())
                    .bind("owner", ownerId)
                    .bind("position", order.size() + 1)
                    .bind("now", now)
                    .mapTo(Long.class)
                    .one();
            order.add(position - 1, inserted);
            renumber(handle, account, order);
            return inserted;
        });
        ConversionCriterion created = find(account, id).orElseThrow();
        announce(created);
        return created;
    }

    /**
     * Replaces the criterion's fields and, when {@code in.position()} differs from its place, moves it there (1..n)
     * and renumbers the others. A 404 when the criterion is gone.
     */
    ConversionCriterion update(AccountId account, long id, ConversionCriterionIn in) {
        jdbi.useTransaction(handle -> {
            ConversionCriterion existing = lockedCriterion(handle, account, id);
            bindFields(handle.createUpdate("""
                                    UPDATE conversion_criteria SET name = :name, matches = :matches,
                                        trigger_kind = :trigger_kind, duration_seconds = :duration_seconds,
                                        duration_tag = :duration_tag, postback_timeout_seconds = :postback_timeout_seconds,
                                        revenue_kind = :revenue_kind, revenue_micros = :revenue_micros,
                                        revenue_tag = :revenue_tag, payout_kind = :payout_kind,
                                        payout_micros = :payout_micros, payout_percent_micros = :payout_percent_micros,
                                        payout_tag = :payout_tag, payout_modifier = :payout_modifier,
                                        duplicate_window_seconds = :duplicate_window_seconds, updated_at = :now
                                    WHERE account_id = :account AND id = :id"""), in)
                    .bind("account", account.value())
                    .bind("id", id)
                    .bind("now", clock.millis())
                    .execute();
            if (in.position().isPresent() && in.position().get() != existing.position()) {
                moveLocked(handle, account, existing, in.position().get());
            }
        });
        ConversionCriterion updated = find(account, id).orElseThrow();
        announce(updated);
        return updated;
    }

    /**
     * Moves the criterion to {@code position} (1..n) among its owner's criteria and renumbers the others. A 404 when
     * the criterion is gone, a 400 on {@code position} outside 1..n.
     */
    public ConversionCriterion move(AccountId account, long id, int position) {
        jdbi.useTransaction(handle -> moveLocked(handle, account, lockedCriterion(handle, account, id), position));
        ConversionCriterion moved = find(account, id).orElseThrow();
        announce(moved);
        return moved;
    }

    private static void moveLocked(Handle handle, AccountId account, ConversionCriterion criterion, int position) {
        List<Long> order = order(handle, account, criterion.owner(), criterion.ownerId());
        checkPosition(position, order.size());
        order.remove(Long.valueOf(criterion.id()));
        order.add(position - 1, criterion.id());
        renumber(handle, account, order);
    }

    /** Deletes the criterion and closes the gap it leaves. */
    void delete(AccountId account, long id) {
        ConversionCriterion deleted = jdbi.inTransaction(handle -> {
            ConversionCriterion existing = lockedCriterion(handle, account, id);
            handle.createUpdate("DELETE FROM conversion_criteria WHERE account_id = :account AND id = :id")
                    .bind("account", account.value())
                    .bind("id", id)
                    .execute();
            renumber(handle, account, order(handle, account, existing.owner(), existing.ownerId()));
            return existing;
        });
        announce(deleted);
    }

    /** The criteria of an owner of {@code kind}, deleted by that owner's repository with the owner itself. */
    public static DependentRows ownedBy(ConversionCriterion.Owner kind) {
        return (handle, account, ownerId) -> deleteOwnedBy(handle, account, kind, ownerId).stream()
                .map(id -> new ConfigChange(ConfigChange.Kind.CRITERION, account, id))
                .toList();
    }

    /**
     * Deletes every criterion of an owner inside the caller's transaction (the owner is being deleted). The owner row
     * is locked first, in the same order as the other writers, so the two cannot deadlock on PostgreSQL. Returns the ids
     * of the criteria deleted (for the owner to announce).
     */
    private static List<Long> deleteOwnedBy(
            Handle handle, AccountId account, ConversionCriterion.Owner owner, long ownerId) {
        handle.createUpdate("UPDATE " + owner.table()
                        + " SET updated_at = updated_at WHERE account_id = :account AND id = :owner")
                .bind("account", account.value())
                .bind("owner", ownerId)
                .execute();
        List<Long> ids = order(handle, account, owner, ownerId);
        handle.createUpdate("""
                        DELETE FROM conversion_criteria
                        WHERE account_id = :account AND owner_kind = :kind AND owner_id = :owner""")
                .bind("account", account.value())
                .bind("kind", owner.stored())
                .bind("owner", ownerId)
                .execute();
        return ids;
    }

    private static void lockOwner(Handle handle, AccountId account, ConversionCriterion.Owner owner, long ownerId) {
        int rows = handle.createUpdate("UPDATE " + owner.table()
                        + " SET updated_at = updated_at WHERE account_id = :account AND id = :owner")
                .bind("account", account.value())
                .bind("owner", ownerId)
                .execute();
        if (rows == 0) {
            throw new Problem.NotFound("no " + owner.stored() + " with id " + ownerId);
        }
    }

    /** The criterion, read after its owner's row is locked, so its position cannot change underneath. */
    private static ConversionCriterion lockedCriterion(Handle handle, AccountId account, long id) {
        ConversionCriterion unlocked =
                criterion(handle, account, id).orElseThrow(() -> new Problem.NotFound(notFound(id)));
        lockOwner(handle, account, unlocked.owner(), unlocked.ownerId());
        return criterion(handle, account, id).orElseThrow(() -> new Problem.NotFound(notFound(id)));
    }

    private static String notFound(long id) {
        return "no conversion criterion with id " + id;
    }

    private static Optional<ConversionCriterion> criterion(Handle handle, AccountId account, long id) {
        return handle.createQuery("SELECT * FROM conversion_criteria WHERE account_id = :account AND id = :id")
                .bind("account", account.value())
                .bind("id", id)
                .map(ConversionCriterionRepository::map)
                .findOne();
    }

    /** The owner's criterion ids in judging order, as a list to rearrange. */
    private static List<Long> order(Handle handle, AccountId account, ConversionCriterion.Owner owner, long ownerId) {
        return new ArrayList<>(handle.createQuery("""
                        SELECT id FROM conversion_criteria
                        WHERE account_id = :account AND owner_kind = :kind AND owner_id = :owner
                        ORDER BY position, id""")
                .bind("account", account.value())
                .bind("kind", owner.stored())
                .bind("owner", ownerId)
                .mapTo(Long.class)
                .list());
    }

    /** Gives the ids positions 1..n in list order, writing only the rows whose position changes. */
    private static void renumber(Handle handle, AccountId account, List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Map<Long, Integer> idToPosition = new HashMap<>();
        handle.createQuery("SELECT id, position FROM conversion_criteria WHERE id IN (<ids>)")
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getInt(2)))
                .forEach(row -> idToPosition.put(row.getKey(), row.getValue()));
        for (int index = 0; index < ids.size(); index++) {
            long id = ids.get(index);
            if (idToPosition.getOrDefault(id, 0) != index + 1) {
                handle.createUpdate("UPDATE conversion_criteria SET position = :position"
                                + " WHERE account_id = :account AND id = :id")
                        .bind("position", index + 1)
                        .bind("account", account.value())
                        .bind("id", id)
                        .execute();
            }
        }
    }

    private static void checkPosition(int position, int last) {
        if (position < 1 || position > last) {
            throw new Problem.Invalid("position", "must be between 1 and " + last);
        }
    }

    private static <S extends SqlStatement<S>> S bindFields(S statement, ConversionCriterionIn in) {
        Integer durationSeconds = null;
        String durationTag = null;
        Integer postbackTimeout = null;
        switch (in.trigger()) {
            case Trigger.Duration d -> {
                durationSeconds = d.seconds().isPresent() ? d.seconds().getAsInt() : null;
                durationTag = d.secondsTag().orElse(null);
            }
            case Trigger.Postback p -> postbackTimeout = p.timeoutSeconds();
        }
        Long revenueMicros = null;
        String revenueTag = null;
        switch (in.revenue()) {
            case RevenueRule.Static s -> revenueMicros = s.amount().toMicros();
            case RevenueRule.Posted _ -> {}
            case RevenueRule.FromTag t -> revenueTag = t.key();
        }
        Long payoutMicros = null;
        Long percentMicros = null;
        String payoutTag = null;
        String modifier = null;
        switch (in.payout()) {
            case PayoutRule.Static s -> payoutMicros = s.amount().toMicros();
            case PayoutRule.PercentOfRevenue p ->
                percentMicros = p.percent().movePointRight(Money.SCALE).longValueExact();
            case PayoutRule.FromTag t -> payoutTag = t.key();
            case PayoutRule.Modifier m -> modifier = m.modifier().toString();
        }
        return statement
                .bind("name", in.name())
                .bind("matches", in.matches().toStored())
                .bind("trigger_kind", in.trigger().word())
                .bind("duration_seconds", durationSeconds)
                .bind("duration_tag", durationTag)
                .bind("postback_timeout_seconds", postbackTimeout)
                .bind("revenue_kind", in.revenue().word())
                .bind("revenue_micros", revenueMicros)
                .bind("revenue_tag", revenueTag)
                .bind("payout_kind", in.payout().word())
                .bind("payout_micros", payoutMicros)
                .bind("payout_percent_micros", percentMicros)
                .bind("payout_tag", payoutTag)
                .bind("payout_modifier", modifier)
                .bind("duplicate_window_seconds", in.duplicateWindowSeconds());
    }

    private static ConversionCriterion map(ResultSet rs, StatementContext ctx) throws SQLException {
        Trigger trigger = switch (rs.getString("trigger_kind")) {
            case "duration" ->
                new Trigger.Duration(
                        Columns.optionalIntValue(rs, "duration_seconds"),
                        Optional.ofNullable(rs.getString("duration_tag")));
            case "postback" -> new Trigger.Postback(rs.getInt("postback_timeout_seconds"));
            default -> throw new SQLException("unknown trigger kind " + rs.getString("trigger_kind"));
        };
        RevenueRule revenue = switch (rs.getString("revenue_kind")) {
            case "static" -> new RevenueRule.Static(Money.ofMicros(rs.getLong("revenue_micros")));
            case "posted" -> new RevenueRule.Posted();
            case "tag" -> new RevenueRule.FromTag(rs.getString("revenue_tag"));
            default -> throw new SQLException("unknown revenue kind " + rs.getString("revenue_kind"));
        };
        PayoutRule payout = switch (rs.getString("payout_kind")) {
            case "static" -> new PayoutRule.Static(Money.ofMicros(rs.getLong("payout_micros")));
            case "percent" ->
                new PayoutRule.PercentOfRevenue(BigDecimal.valueOf(rs.getLong("payout_percent_micros"), Money.SCALE));
            case "tag" -> new PayoutRule.FromTag(rs.getString("payout_tag"));
            case "modifier" ->
                new PayoutRule.Modifier(PayoutModifier.parse("payout_modifier", rs.getString("payout_modifier")));
            default -> throw new SQLException("unknown payout kind " + rs.getString("payout_kind"));
        };
        return new ConversionCriterion(
                rs.getLong("id"),
                new AccountId(rs.getLong("account_id")),
                ConversionCriterion.Owner.valueOf(rs.getString("owner_kind").toUpperCase(Locale.ROOT)),
                rs.getLong("owner_id"),
                rs.getInt("position"),
                rs.getString("name"),
                TagFilter.fromStored(rs.getString("matches")),
                trigger,
                revenue,
                payout,
                rs.getInt("duplicate_window_seconds"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
