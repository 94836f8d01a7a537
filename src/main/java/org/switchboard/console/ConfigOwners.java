package org.switchboard.console;

import java.util.List;
import java.util.Optional;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.buyer.BuyerRepository;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.directory.DirectoryRepository;
import org.switchboard.number.TrackingNumber;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.publisher.PublisherRepository;

/**
 * The account's campaigns, numbers, buyers, buyer groups, publishers and directories as configuration pages need
 * them: whether an owner a URL names is the account's (another account's answers "not found"), its name, and the
 * choices of a select. Account-scoped, as every repository read.
 */
public final class ConfigOwners {
    /** A choice of a select: the value sent and the name shown. */
    public record Choice(String value, String label) {}

    private final CampaignRepository campaigns;
    private final TrackingNumberRepository numbers;
    private final BuyerRepository buyers;
    private final BuyerGroupRepository groups;
    private final PublisherRepository publishers;
    private final DirectoryRepository directories;

    public ConfigOwners(
            CampaignRepository campaigns,
            TrackingNumberRepository numbers,
            BuyerRepository buyers,
            BuyerGroupRepository groups,
            PublisherRepository publishers,
            DirectoryRepository directories) {
        this.campaigns = campaigns;
        this.numbers = numbers;
        this.buyers = buyers;
        this.groups = groups;
        this.publishers = publishers;
        this.directories = directories;
    }

    /** The owner's name ("Console Campaign"), or not found when the account has no such owner. */
    public String requireName(AccountId account, OwnerRef owner) {
        Optional<String> name = switch (owner.kind()) {
            case COMPANY -> Optional.of("Company defaults");
            case CAMPAIGN -> campaigns.find(account, owner.id()).map(c -> c.name());
            case NUMBER -> numbers.find(account, owner.id()).map(TrackingNumber::number);
            case BUYER -> buyers.find(account, owner.id()).map(b -> b.name());
            case BUYER_GROUP -> groups.find(account, owner.id()).map(g -> g.name());
            case PUBLISHER -> publishers.find(account, owner.id()).map(p -> p.name());
        };
        return name.orElseThrow(() -> new Problem.NotFound("no " + owner.kind().label() + " " + owner.id()));
    }

    /** A tracking number of the account (for its webhook lock). */
    public TrackingNumber requireNumber(AccountId account, long id) {
        return numbers.find(account, id).orElseThrow(() -> new Problem.NotFound("no tracking number " + id));
    }

    public void setWebhooksUnlocked(AccountId account, long numberId, boolean unlocked) {
        numbers.setWebhooksUnlocked(account, numberId, unlocked);
    }

    private static PageRequest all() {
        return new PageRequest(1, PageRequest.MAX_PER_PAGE);
    }

    /** Campaigns by id. */
    public List<Choice> campaigns(AccountId account) {
        return campaigns.list(account, all()).items().stream()
                .map(c -> new Choice(Long.toString(c.id()), c.name()))
                .toList();
    }

    /** Buyers by id. */
    public List<Choice> buyers(AccountId account) {
        return buyers.list(account, Optional.empty(), all()).items().stream()
                .map(b -> new Choice(Long.toString(b.id()), b.name()))
                .toList();
    }

    /** Publishers by id. */
    public List<Choice> publishers(AccountId account) {
        return publishers.list(account, all()).items().stream()
                .map(p -> new Choice(Long.toString(p.id()), p.name()))
                .toList();
    }

    /** Publishers by the value calls carry in {@code publisher_id} (the cid, else the id), for tag filters. */
    public List<Choice> publisherTags(AccountId account) {
        return publishers.list(account, all()).items().stream()
                .map(p -> new Choice("publisher_id:" + p.cid().orElse(Long.toString(p.id())), p.name()))
                .toList();
    }

    /** Buyers as a tag filter names them. */
    public List<Choice> buyerTags(AccountId account) {
        return buyers.list(account, Optional.empty(), all()).items().stream()
                .map(b -> new Choice("system_buyer_id:" + b.id(), b.name()))
                .toList();
    }

    /** Campaigns as a tag filter names them. */
    public List<Choice> campaignTags(AccountId account) {
        return campaigns.list(account, all()).items().stream()
                .map(c -> new Choice("campaign_id:" + c.id(), c.name()))
                .toList();
    }

    public List<Choice> directories(AccountId account) {
        return directories.list(account, all()).items().stream()
                .map(d -> new Choice(Long.toString(d.id()), d.name()))
                .toList();
    }
}
