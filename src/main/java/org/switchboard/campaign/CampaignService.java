package org.switchboard.campaign;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.problem.Problem;

/** Campaigns through the admin API: unique customer ids, and no deletion while tracking numbers point at one. */
public final class CampaignService implements CrudRoutes.Resource<Campaign> {
    private final CampaignRepository campaigns;
    private final java.util.function.BiConsumer<AccountId, Long> copyDefaultWebhooks;

    /**
     * @param copyDefaultWebhooks copies the company's default webhooks into a new campaign that asks for them
     */
    public CampaignService(
            CampaignRepository campaigns, java.util.function.BiConsumer<AccountId, Long> copyDefaultWebhooks) {
        this.campaigns = campaigns;
        this.copyDefaultWebhooks = copyDefaultWebhooks;
    }

    @Override
    public String what() {
        return "campaign";
    }

    @Override
    public long id(Campaign value) {
        return value.id();
    }

    @Override
    public Page<Campaign> list(AccountId account, CrudRoutes.ListQuery query) {
        return campaigns.list(account, query.page());
    }

    @Override
    public Optional<Campaign> find(AccountId account, long id) {
        return campaigns.find(account, id);
    }

    @Override
    public Campaign create(AccountId account, ObjectNode body) {
        CampaignIn in = checked(account, CampaignIn.parse(body), 0);
        Campaign created = campaigns.insert(account, in);
        if (created.useCompanyDefaultWebhooks()) {
            copyDefaultWebhooks.accept(account, created.id());
        }
        return created;
    }

    @Override
    public Campaign update(AccountId account, Campaign existing, ObjectNode merged) {
        return campaigns.update(account, existing.id(), checked(account, CampaignIn.parse(merged), existing.id()));
    }

    @Override
    public void delete(AccountId account, Campaign existing) {
        long numbers = campaigns.trackingNumberCount(existing.id());
        if (numbers > 0) {
            throw new Problem.Conflict(
                    null,
                    "campaign " + existing.id() + " still has " + numbers
                            + " tracking number(s); delete them or move them to another campaign first");
        }
        campaigns.delete(account, existing.id());
    }

    @Override
    public Object wire(Campaign value) {
        return CampaignOut.of(value);
    }

    private CampaignIn checked(AccountId account, CampaignIn in, long selfId) {
        in.cid().ifPresent(cid -> {
            if (campaigns.cidTaken(account, cid, selfId)) {
                throw new Problem.Conflict("cid", "another campaign already uses cid '" + cid + "'");
            }
        });
        return in;
    }
}
