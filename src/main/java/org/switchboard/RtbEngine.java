package org.switchboard;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import org.switchboard.call.CallService;
import org.switchboard.campaign.Campaign;
import org.switchboard.number.TrackingNumber;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.live.RedisLiveState;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.rtb.PingShield;
import org.switchboard.rtb.ReservationStore;
import org.switchboard.rtb.RtbConfigCache;
import org.switchboard.rtb.RtbLog;
import org.switchboard.rtb.RtbService;

/** The RTB engine: its configuration cache, its log of pings and the service that answers them. */
record RtbEngine(RtbLog log, RtbConfigCache cache, RtbService service) {

    /** Builds and starts the engine on the call flow's routing, and sets {@code rtb} to its service. */
    static RtbEngine start(
            Stores stores,
            Features features,
            WebhookEngine webhooks,
            CallEngine calls,
            LiveState live,
            Database database,
            ConfigChanges changes,
            SwitchboardConfig config,
            Metrics metrics,
            Clock clock,
            Later<RtbService> rtb) {
        // RTB log: pings written in batches off the ping path, read by the account owner
        var log = new RtbLog(database.jdbi(), clock);
        if (!(live instanceof RedisLiveState)) {
            int lost = log.expireLostReservations(clock.instant());
            if (lost > 0) {
                Logger.getLogger(Wiring.class.getName())
                        .info(() -> lost + " RTB reservations of the last run (kept in memory) logged as expired");
            }
        }
        MetricsBindings.rtbLog(log, metrics);
        var reservations = new ReservationStore(live, clock);
        var cache = new RtbConfigCache(
                new RtbConfigCache.Sources(
                        stores.accounts(),
                        stores.postbackKeys(),
                        stores.campaigns(),
                        stores.publishers(),
                        stores.numbers(),
                        stores.buyers(),
                        stores.groups(),
                        stores.callerLists(),
                        stores.webhooks(),
                        stores.conversionCriteria()),
                changes,
                clock,
                Duration.ofSeconds(config.configCacheSeconds()));
        var service = new RtbService(
                new RtbService.Parts(
                        cache,
                        calls.routing(),
                        webhooks.dispatcher(),
                        features.geo(),
                        reservations,
                        new PingShield(live, reservations, clock),
                        log,
                        live),
                metrics,
                clock);
        readConfigurationFrom(cache, service, calls);
        rtb.set(service);
        service.start(Duration.ofSeconds(1));
        return new RtbEngine(log, cache, service);
    }

    /**
     * Calls find their number and campaign, and gather the campaign's buyers, groups and lists, in the same cache as
     * pings, not in SQL.
     */
    private static void readConfigurationFrom(RtbConfigCache cache, RtbService service, CallEngine calls) {
        calls.calls().readConfigurationFrom(new CallService.Configuration() {
            @Override
            public Optional<TrackingNumber> trackingNumber(String e164) {
                return cache.trackingNumber(e164);
            }

            @Override
            public Optional<Campaign> campaign(AccountId account, long campaignId) {
                return cache.campaign(account, campaignId).map(RtbConfigCache.CampaignConfig::campaign);
            }
        });
        calls.routing().gatherFrom(service::gather);
    }
}
