package org.switchboard;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.switchboard.account.AccountRepository;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.buyer.BuyerRepository;
import org.switchboard.call.CallRepository;
import org.switchboard.callerlist.CallerListRepository;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.conversion.ConversionCriterion;
import org.switchboard.conversion.ConversionCriterionRepository;
import org.switchboard.conversion.ConversionRepository;
import org.switchboard.conversion.ReportRepository;
import org.switchboard.directory.DirectoryRepository;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.db.DependentRows;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.postback.CallerTagCache;
import org.switchboard.postback.PostbackKeyRepository;
import org.switchboard.postback.PostbackLog;
import org.switchboard.publisher.PublisherRepository;
import org.switchboard.webhook.DeliveryRepository;
import org.switchboard.webhook.FiredPixelRepository;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookRepository;

/** The repositories on the database, built first: every feature, engine and route reads and writes through them. */
record Stores(
        AccountRepository accounts,
        CampaignRepository campaigns,
        PublisherRepository publishers,
        TrackingNumberRepository numbers,
        BuyerRepository buyers,
        BuyerGroupRepository groups,
        CallerListRepository callerLists,
        WebhookRepository webhooks,
        FiredPixelRepository pixels,
        DeliveryRepository deliveries,
        CallRepository calls,
        PostbackKeyRepository postbackKeys,
        PostbackLog postbackLog,
        CallerTagCache callerTagCache,
        ConversionCriterionRepository conversionCriteria,
        ConversionRepository conversions,
        DirectoryRepository directories,
        ReportRepository reports) {

    static Stores open(
            Database database, Metrics metrics, ConfigChanges changes, SwitchboardConfig config, Clock clock) {
        var jdbi = database.jdbi();
        // every configuration write announces what it changed to the caches (here and on the other nodes);
        // deleting a campaign, buyer or number deletes the rows higher features keep about it, in its transaction
        var accounts = new AccountRepository(jdbi, clock, changes, Duration.ofSeconds(config.configCacheSeconds()));
        var campaigns = new CampaignRepository(jdbi, clock, changes, ownedRows(ConversionCriterion.Owner.CAMPAIGN));
        var publishers = new PublisherRepository(jdbi, clock, changes);
        var numbers = new TrackingNumberRepository(
                jdbi, clock, changes, List.of(WebhookRepository.ownedBy(Webhook.Owner.NUMBER)));
        var buyers = new BuyerRepository(jdbi, clock, changes, ownedRows(ConversionCriterion.Owner.BUYER));
        var groups = new BuyerGroupRepository(jdbi, clock, changes);
        var callerLists = new CallerListRepository(jdbi, clock, changes);
        var webhooks = new WebhookRepository(jdbi, clock, changes);
        database.bindPoolMetrics(metrics);
        var pixels = new FiredPixelRepository(jdbi, metrics);
        // post-call webhooks (and failed answered / timer ones) go through a durable outbox
        var deliveries =
                new DeliveryRepository(jdbi, database.engine() == Database.Engine.POSTGRESQL, metrics, changes, clock);
        // the keyed endpoints (data writing, postbacks, call control) read their key from a cache kept current by
        // the configuration changes, as the RTB engine's configuration is; it listens before the RTB cache, which
        // reads its keys through it
        var postbackKeys =
                new PostbackKeyRepository(jdbi, clock, changes, Duration.ofSeconds(config.configCacheSeconds()));
        // a keyed request's rows (its log entry with what it wrote) in one transaction that concurrent requests
        // share: answered once durable, at a few disk syncs per burst (its meters keep the postback log's name: every
        // unit holds a log entry; caller tags are among its rows); on PostgreSQL two writers, so one batch's commit
        // overlaps the next one's (SQLite has one write lock: one writer)
        var keyedWrites = new DurableWrites(jdbi, "postback-log", metrics, durableWriters(database.engine()));
        return new Stores(
                accounts,
                campaigns,
                publishers,
                numbers,
                buyers,
                groups,
                callerLists,
                webhooks,
                pixels,
                deliveries,
                new CallRepository(jdbi),
                postbackKeys,
                new PostbackLog(jdbi, keyedWrites, clock, metrics),
                new CallerTagCache(jdbi, clock, keyedWrites),
                // what judges a call (every conversion postback, every call's end) from a cache kept current by the
                // changes; it listens before the RTB cache, which reads a campaign's criteria through it
                new ConversionCriterionRepository(
                        jdbi, clock, changes, Duration.ofSeconds(config.configCacheSeconds())),
                new ConversionRepository(jdbi, metrics),
                new DirectoryRepository(jdbi, clock),
                // the money report: calls and their conversions summed in SQL per campaign, publisher, buyer or day
                new ReportRepository(jdbi));
    }

    /** The rows of higher features that a campaign's or buyer's deletion deletes with it: criteria and webhooks. */
    private static List<DependentRows> ownedRows(ConversionCriterion.Owner owner) {
        Webhook.Owner webhookOwner =
                owner == ConversionCriterion.Owner.CAMPAIGN ? Webhook.Owner.CAMPAIGN : Webhook.Owner.BUYER;
        return List.of(ConversionCriterionRepository.ownedBy(owner), WebhookRepository.ownedBy(webhookOwner));
    }

    /** Writer threads of the keyed requests' shared commits: commits overlap on PostgreSQL, not on SQLite. */
    static int durableWriters(Database.Engine engine) {
        return engine == Database.Engine.POSTGRESQL ? 2 : 1;
    }
}
