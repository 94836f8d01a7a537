package org.switchboard.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.switchboard.buyer.BuyerRepository;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.publisher.PublisherRepository;

/**
 * The names of an account's campaigns, publishers and buyers, read once per page (filter menus and rows show names,
 * not ids). An id the account does not have shows as {@code #id}.
 */
public record Names(Map<Long, String> campaigns, Map<Long, String> publishers, Map<Long, String> buyers) {

    /** Where the names come from. */
    public record Sources(CampaignRepository campaigns, PublisherRepository publishers, BuyerRepository buyers) {
        /** The account's names (the first {@link PageRequest#MAX_PER_PAGE} of each, oldest first). */
        public Names of(AccountId account) {
            PageRequest all = new PageRequest(1, PageRequest.MAX_PER_PAGE);
            Map<Long, String> c = new LinkedHashMap<>();
            campaigns.list(account, all).items().forEach(x -> c.put(x.id(), x.name()));
            Map<Long, String> p = new LinkedHashMap<>();
            publishers.list(account, all).items().forEach(x -> p.put(x.id(), x.name()));
            Map<Long, String> b = new LinkedHashMap<>();
            buyers.list(account, Optional.empty(), all).items().forEach(x -> b.put(x.id(), x.name()));
            return new Names(c, p, b);
        }
    }

    public String campaign(long id) {
        return campaigns.getOrDefault(id, "#" + id);
    }

    public String publisher(Optional<Long> id) {
        return id.map(i -> publishers.getOrDefault(i, "#" + i)).orElse("");
    }

    public String buyer(Optional<Long> id) {
        return id.map(i -> buyers.getOrDefault(i, "#" + i)).orElse("");
    }
}
