package org.switchboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
import java.util.Optional;
import org.switchboard.account.AccountRepository;
import org.switchboard.account.AccountRoutes;
import org.switchboard.account.Feature;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerService;
import org.switchboard.campaign.Campaign;
import org.switchboard.campaign.CampaignService;
import org.switchboard.number.TrackingNumber;
import org.switchboard.number.TrackingNumberService;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.publisher.Publisher;
import org.switchboard.publisher.PublisherService;

/**
 * Creates the first account when the store holds none, with the configured name and API key (or a random key), and
 * optionally the demo objects a newcomer can try at once. Goes through the same services as the API, so demo data
 * obeys the same rules.
 */
final class FirstAccount {
    record Services(
            CampaignService campaigns,
            PublisherService publishers,
            TrackingNumberService numbers,
            BuyerService buyers) {}

    private FirstAccount() {}

    /** The first account, just created, and the start of the banner to print once (it holds the new API key). */
    record Created(AccountId account, String banner) {}

    /** Creates the first account with its key when the store holds none; empty when an account already existed. */
    static Optional<Created> create(SwitchboardConfig config, AccountRepository accounts) {
        if (accounts.countAccounts() > 0) {
            return Optional.empty();
        }
        String secret = config.firstAccountApiKey().orElseGet(AccountRoutes::newSecret);
        AccountRepository.NewAccount created = accounts.create(config.firstAccountName(), "first key", secret);
        StringBuilder banner = new StringBuilder()
                .append("\n  Created account ")
                .append(created.account().id())
                .append(" \"")
                .append(created.account().name())
                .append("\"\n");
        if (config.firstAccountApiKey().isEmpty()) {
            banner.append("  API key (shown only now; it is stored as a digest): ")
                    .append(secret)
                    .append('\n');
        } else {
            banner.append("  API key: the one set in SWITCHBOARD_FIRST_ACCOUNT_API_KEY\n");
        }
        return Optional.of(new Created(created.account().id(), banner.toString()));
    }

    /**
     * With the demo data configured, gives the account just {@link #create created} every feature and the demo
     * objects, and returns the banner's line about them; otherwise nothing, and the empty line.
     */
    static String seedDemo(SwitchboardConfig config, AccountRepository accounts, Created created, Services services) {
        if (!config.demoData()) {
            return "";
        }
        // a newcomer can try RTB and live call control at once
        accounts.setFeatures(created.account(), EnumSet.allOf(Feature.class));
        return seedDemo(created.account(), services);
    }

    private static String seedDemo(AccountId account, Services services) {
        Campaign campaign = services.campaigns().create(account, json("""
                {"name": "Demo Auto Insurance", "cid": "auto-insurance", "time_zone": "America/New_York",
                 "repeat_caller_handling": true, "tags": {"vertical": "auto_insurance"}}"""));
        Publisher publisher = services.publishers().create(account, json("""
                {"name": "Demo Publisher", "cid": "pub-100", "tags": {"traffic": "search"}}"""));
        TrackingNumber number = services.numbers().create(account, json("""
                {"number": "+18665550100", "name": "Demo landing page", "campaign_id": %d, "publisher_id": %d,
                 "tags": {"channel": "web"}}""".formatted(campaign.id(), publisher.id())));
        Buyer first = services.buyers().create(account, json("""
                {"name": "Acme Insurance Call Center", "cid": "acme", "dba_name": "Acme Insurance",
                 "destination": "+12125550123", "priority": 1, "weight": 3, "time_zone": "America/New_York",
                 "hours": {"monday": [{"open": "09:00", "close": "17:00"}],
                           "tuesday": [{"open": "09:00", "close": "17:00"}],
                           "wednesday": [{"open": "09:00", "close": "17:00"}],
                           "thursday": [{"open": "09:00", "close": "17:00"}],
                           "friday": [{"open": "09:00", "close": "17:00"}]},
                 "concurrency_cap": 5, "daily_cap": 100, "tag_filters": ["geo:us"], "campaign_ids": [%d]}""".formatted(campaign.id())));
        Buyer second = services.buyers().create(account, json("""
                {"name": "Night Owl Agency", "cid": "night-owl", "destination": "sip:intake@night-owl.example.com",
                 "priority": 2, "time_zone": "America/Los_Angeles",
                 "hourly_cap": 20, "campaign_ids": [%d]}""".formatted(campaign.id())));
        return "  Demo data: campaign " + campaign.id() + " (" + campaign.name() + "), tracking number "
                + number.number() + ", publisher " + publisher.id() + ", buyers " + first.id() + " and " + second.id()
                + "\n";
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) Json.read(text);
    }
}
