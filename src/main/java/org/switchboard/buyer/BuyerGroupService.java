package org.switchboard.buyer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.PartyTerms;
import org.switchboard.tag.TagFilter;

/**
 * Buyer groups through the admin API; members named in {@code buyer_ids} must be the caller's own buyers. {@code POST
 * /api/v2/buyer_groups/{id}/reset_hard_cap} starts a new hard-cap period.
 */
public final class BuyerGroupService implements CrudRoutes.Resource<BuyerGroup> {
    private final BuyerGroupRepository groups;
    private final BuyerRepository buyers;
    private final PartyTerms parties;

    public BuyerGroupService(BuyerGroupRepository groups, BuyerRepository buyers, PartyTerms parties) {
        this.groups = groups;
        this.buyers = buyers;
        this.parties = parties;
    }

    /** Tag filters naming a publisher, buyer or campaign by id or cid are stored in the form calls carry. */
    @Override
    public List<String> normalize(AccountId account, ObjectNode body) {
        return parties.normalize(account, body, "tag_filters");
    }

    record BuyerGroupOut(
            long id,
            String name,
            List<Long> buyerIds,
            @Nullable Integer concurrencyCap,
            @Nullable Integer hourlyCap,
            @Nullable Integer dailyCap,
            @Nullable Integer monthlyCap,
            @Nullable Integer hardCap,
            @Nullable String hardCapResetAt,
            List<String> tagFilters,
            String createdAt,
            String updatedAt) {}

    private record BuyerGroupIn(String name, List<Long> buyerIds, Caps caps, TagFilter tagFilters) {}

    /** Starts a new hard-cap period now (the {@code reset_hard_cap} action). */
    public BuyerGroup resetHardCap(AccountId account, BuyerGroup existing) {
        return groups.resetHardCap(account, existing.id());
    }

    @Override
    public String what() {
        return "buyer group";
    }

    @Override
    public long id(BuyerGroup value) {
        return value.id();
    }

    @Override
    public Page<BuyerGroup> list(AccountId account, CrudRoutes.ListQuery query) {
        return groups.list(account, query.page());
    }

    @Override
    public Optional<BuyerGroup> find(AccountId account, long id) {
        return groups.find(account, id);
    }

    @Override
    public BuyerGroup create(AccountId account, ObjectNode body) {
        BuyerGroupIn in = parse(account, body);
        return groups.insert(account, in.name(), in.buyerIds(), in.caps(), in.tagFilters());
    }

    @Override
    public BuyerGroup update(AccountId account, BuyerGroup existing, ObjectNode merged) {
        BuyerGroupIn in = parse(account, merged);
        return groups.update(account, existing.id(), in.name(), in.buyerIds(), in.caps(), in.tagFilters());
    }

    @Override
    public void delete(AccountId account, BuyerGroup existing) {
        groups.delete(account, existing.id());
    }

    @Override
    public Object wire(BuyerGroup g) {
        return new BuyerGroupOut(
                g.id(),
                g.name(),
                g.buyerIds(),
                g.caps().concurrency().orElse(null),
                g.caps().hourly().orElse(null),
                g.caps().daily().orElse(null),
                g.caps().monthly().orElse(null),
                g.caps().hard().orElse(null),
                g.hardCapResetAt().map(Object::toString).orElse(null),
                g.tagFilters().asStrings(),
                g.createdAt().toString(),
                g.updatedAt().toString());
    }

    private BuyerGroupIn parse(AccountId account, ObjectNode body) {
        JsonFields fields = new JsonFields(body, "id", "created_at", "updated_at", "hard_cap_reset_at", "warnings");
        var in = new BuyerGroupIn(
                fields.requiredText("name", 200),
                fields.idList("buyer_ids"),
                Caps.parse(fields),
                TagFilter.parse("tag_filters", fields.take("tag_filters").orElse(null)));
        fields.finish();
        for (long buyerId : in.buyerIds()) {
            if (buyers.find(account, buyerId).isEmpty()) {
                throw new Problem.Invalid("buyer_ids", "no buyer with id " + buyerId);
            }
        }
        return in;
    }
}
