package org.switchboard.buyer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.PartyTerms;

/**
 * Buyers through the admin API. Campaigns named in {@code campaign_ids} must be the caller's own; a buyer that
 * belongs to a buyer group cannot be deleted until it leaves the group. {@code POST /api/v2/buyers/{id}/reset_hard_cap}
 * starts a new hard-cap period. Lists filter by {@code campaign_id}.
 */
public final class BuyerService implements CrudRoutes.Resource<Buyer> {
    private final BuyerRepository buyers;
    private final CampaignRepository campaigns;
    private final PartyTerms parties;

    public BuyerService(BuyerRepository buyers, CampaignRepository campaigns, PartyTerms parties) {
        this.buyers = buyers;
        this.campaigns = campaigns;
        this.parties = parties;
    }

    record BuyerOut(
            long id,
            @Nullable String cid,
            String name,
            @Nullable String dbaName,
            String destination,
            int ringTimeoutSeconds,
            int priority,
            int weight,
            String timeZone,
            @Nullable Map<String, List<Map<String, String>>> hours,
            @Nullable Integer concurrencyCap,
            @Nullable Integer hourlyCap,
            @Nullable Integer dailyCap,
            @Nullable Integer monthlyCap,
            @Nullable Integer hardCap,
            @Nullable String hardCapResetAt,
            boolean paused,
            Map<String, List<String>> tags,
            List<String> tagFilters,
            List<Long> campaignIds,
            String createdAt,
            String updatedAt) {}

    /** Starts a new hard-cap period now (the {@code reset_hard_cap} action). */
    public Buyer resetHardCap(AccountId account, Buyer existing) {
        return buyers.resetHardCap(account, existing.id());
    }

    @Override
    public String what() {
        return "buyer";
    }

    @Override
    public long id(Buyer value) {
        return value.id();
    }

    @Override
    public List<String> idFilters() {
        return List.of("campaign_id");
    }

    @Override
    public Page<Buyer> list(AccountId account, CrudRoutes.ListQuery query) {
        return buyers.list(account, query.id("campaign_id"), query.page());
    }

    @Override
    public Optional<Buyer> find(AccountId account, long id) {
        return buyers.find(account, id);
    }

    /** Tag filters naming a publisher, buyer or campaign by id or cid are stored in the form calls carry. */
    @Override
    public List<String> normalize(AccountId account, ObjectNode body) {
        return parties.normalize(account, body, "tag_filters");
    }

    @Override
    public Buyer create(AccountId account, ObjectNode body) {
        return buyers.insert(account, checked(account, BuyerIn.parse(body), 0));
    }

    @Override
    public Buyer update(AccountId account, Buyer existing, ObjectNode merged) {
        return buyers.update(account, existing.id(), checked(account, BuyerIn.parse(merged), existing.id()));
    }

    @Override
    public void delete(AccountId account, Buyer existing) {
        List<String> groups = buyers.groupNames(existing.id());
        if (!groups.isEmpty()) {
            throw new Problem.Conflict(
                    null,
                    "buyer " + existing.id() + " is a member of buyer group(s) " + String.join(", ", groups)
                            + "; remove it from them first");
        }
        buyers.delete(account, existing.id());
    }

    @Override
    public Object wire(Buyer b) {
        return new BuyerOut(
                b.id(),
                b.cid().orElse(null),
                b.name(),
                b.dbaName().orElse(null),
                b.destination(),
                b.ringTimeoutSeconds(),
                b.priority(),
                b.weight(),
                b.timeZone().getId(),
                b.hours().map(HoursOfOperation::asMap).orElse(null),
                b.caps().concurrency().orElse(null),
                b.caps().hourly().orElse(null),
                b.caps().daily().orElse(null),
                b.caps().monthly().orElse(null),
                b.caps().hard().orElse(null),
                b.hardCapResetAt().map(Object::toString).orElse(null),
                b.paused(),
                b.tags().asMap(),
                b.tagFilters().asStrings(),
                b.campaignIds(),
                b.createdAt().toString(),
                b.updatedAt().toString());
    }

    private BuyerIn checked(AccountId account, BuyerIn in, long selfId) {
        in.cid().ifPresent(cid -> {
            if (buyers.cidTaken(account, cid, selfId)) {
                throw new Problem.Conflict("cid", "another buyer already uses cid '" + cid + "'");
            }
        });
        for (long campaignId : in.campaignIds()) {
            if (campaigns.find(account, campaignId).isEmpty()) {
                throw new Problem.Invalid("campaign_ids", "no campaign with id " + campaignId);
            }
        }
        return in;
    }
}
