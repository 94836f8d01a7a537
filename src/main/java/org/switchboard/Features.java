package org.switchboard;

import org.switchboard.account.Authenticator;
import org.switchboard.buyer.BuyerGroupService;
import org.switchboard.buyer.BuyerService;
import org.switchboard.campaign.CampaignService;
import org.switchboard.directory.DirectoryService;
import org.switchboard.number.TrackingNumberService;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.publisher.PublisherService;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.PartyTerms;
import org.switchboard.webhook.Webhook;

/**
 * The features' services on the stores: who a request is, the secrets box, the geo tagger, and the configuration
 * services the API, the console and the first start share.
 */
record Features(
        Authenticator auth,
        SecretBox secrets,
        GeoTagger geo,
        PartyTerms parties,
        FirstAccount.Services services,
        BuyerGroupService buyerGroups,
        DirectoryService directories) {

    static Features build(Stores stores, SwitchboardConfig config) {
        // filters and test fires name publishers, buyers and campaigns by id or by cid
        var parties = new PartyTerms((account, kind, cidOrId) -> switch (kind) {
            case PUBLISHER ->
                stores.publishers().findByCidOrId(account, cidOrId).map(p -> new PartyTerms.Party(p.id(), p.cid()));
            case BUYER ->
                stores.buyers().findByCidOrId(account, cidOrId).map(b -> new PartyTerms.Party(b.id(), b.cid()));
            case CAMPAIGN ->
                stores.campaigns().findByCidOrId(account, cidOrId).map(c -> new PartyTerms.Party(c.id(), c.cid()));
        });
        var services = new FirstAccount.Services(
                new CampaignService(
                        stores.campaigns(),
                        (account, campaign) -> stores.webhooks()
                                .copy(account, Webhook.Owner.COMPANY, 0, Webhook.Owner.CAMPAIGN, campaign)),
                new PublisherService(stores.publishers()),
                new TrackingNumberService(stores.numbers(), stores.campaigns(), stores.publishers()),
                new BuyerService(stores.buyers(), stores.campaigns(), parties));
        return new Features(
                new Authenticator(stores.accounts()),
                SecretBox.fromConfig(config.masterKey(), config.dataDir()),
                new GeoTagger(),
                parties,
                services,
                new BuyerGroupService(stores.groups(), stores.buyers(), parties),
                new DirectoryService(stores.directories(), stores.postbackKeys()::transferKeysUsing));
    }
}
