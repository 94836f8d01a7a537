package org.switchboard;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.switchboard.account.AccountRoutes;
import org.switchboard.account.ApiKeys;
import org.switchboard.call.CallLogRoutes;
import org.switchboard.callerlist.CallerList;
import org.switchboard.callerlist.CallerListRoutes;
import org.switchboard.callerlist.CallerListUploads;
import org.switchboard.console.ConfigOwners;
import org.switchboard.console.ConfigurationPages;
import org.switchboard.console.ConsoleRoutes;
import org.switchboard.console.Names;
import org.switchboard.conversion.ConversionCriterionRoutes;
import org.switchboard.conversion.ConversionOut;
import org.switchboard.conversion.ReportRoutes;
import org.switchboard.openapi.OpenApiRoutes;
import org.switchboard.platform.config.PublicUrl;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.http.AccessLog;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.Draining;
import org.switchboard.platform.http.HeadRequests;
import org.switchboard.platform.http.HealthRoutes;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.http.HttpMetrics;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.metrics.MetricsRoutes;
import org.switchboard.postback.CallerListKeyAccess;
import org.switchboard.postback.ConversionPostbackRoutes;
import org.switchboard.postback.DataReadingRoutes;
import org.switchboard.postback.DataWritingRoutes;
import org.switchboard.postback.KeyType;
import org.switchboard.postback.KeyUrls;
import org.switchboard.postback.LiveCallControlRoutes;
import org.switchboard.postback.PostbackKeyRoutes;
import org.switchboard.postback.PostbackLogRoutes;
import org.switchboard.rtb.RtbLogRoutes;
import org.switchboard.rtb.RtbRoutes;
import org.switchboard.telephony.CallControlRoutes;
import org.switchboard.telephony.CarrierControls;
import org.switchboard.telephony.PlivoRoutes;
import org.switchboard.telephony.TwilioRoutes;
import org.switchboard.webhook.DeliveryRoutes;
import org.switchboard.webhook.FiredPixelRoutes;
import org.switchboard.webhook.NumberWebhookLock;
import org.switchboard.webhook.WebhookRoutes;

/**
 * The HTTP routes, registered area by area. Helidon tries routes in the order they were registered, matching each
 * route's path pattern in turn, so the order of {@link #routing} is part of the behaviour: the hot endpoints first,
 * then the admin API, the console (before the RTB log's API), the keyed endpoints, the carriers, and "not found"
 * last.
 */
final class WebRoutes {
    private final Stores stores;
    private final Features features;
    private final WebhookEngine webhooks;
    private final CallEngine calls;
    private final RtbEngine rtb;
    private final SwitchboardConfig config;
    /** The public base URLs, which on port 0 follow the port the listener gets (see {@link #listening}). */
    private final PublicUrl apiUrl;

    private final PublicUrl rtbUrl;
    private final PublicUrl dataUrl;
    private final Clock clock;
    private final Metrics metrics;

    private final ConsoleRoutes console;
    private final CallerListUploads uploads;
    private final CarrierControls carrierControls;
    private final MetricsRoutes metricsRoutes;
    private final HealthRoutes health;
    /** The API's key, or the web console's session: a signed-in browser also reads the JSON its pages link to. */
    private final Function<ServerRequest, AccountId> readAuth;

    // the API's routes whose checks and saves the console's configuration pages reuse
    private final WebhookRoutes.NumberLocks numberLocks;
    private final WebhookRoutes webhookRoutes;
    private final ConversionCriterionRoutes criterionRoutes;
    private final PostbackKeyRoutes postbackKeyRoutes;
    private final CallerListRoutes callerListRoutes;

    WebRoutes(
            Stores stores,
            Features features,
            WebhookEngine webhooks,
            CallEngine calls,
            RtbEngine rtb,
            LiveState live,
            Database database,
            SwitchboardConfig config,
            Clock clock,
            Metrics metrics) {
        this.stores = stores;
        this.features = features;
        this.webhooks = webhooks;
        this.calls = calls;
        this.rtb = rtb;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.apiUrl = PublicUrl.of(config.publicApiUrl(), config.port());
        this.rtbUrl = PublicUrl.of(config.publicRtbUrl(), config.port());
        this.dataUrl = PublicUrl.of(config.publicDataUrl(), config.port());
        this.console = new ConsoleRoutes(database.jdbi(), live, clock, apiUrl);
        this.uploads = new CallerListUploads(database.jdbi(), stores.callerLists(), clock);
        this.carrierControls = new CarrierControls(
                carrierAccount(config.twilioAccountSid(), config.twilioAuthToken(), config.twilioApiUrl()),
                carrierAccount(config.plivoAuthId(), config.plivoAuthToken(), config.plivoApiUrl()),
                apiUrl,
                stores.calls(),
                webhooks.outbound());
        this.metricsRoutes = new MetricsRoutes(metrics, config.operations().metricsToken());
        this.health = new HealthRoutes(database, live);
        this.readAuth = req ->
                console.sessions().account(req).orElseGet(() -> features.auth().require(req));
        this.numberLocks = numberLocks(stores);
        this.webhookRoutes = new WebhookRoutes(
                stores.webhooks(),
                webhooks.dispatcher(),
                features.auth()::require,
                features.secrets(),
                features.parties(),
                stores.pixels(),
                stores.deliveries());
        this.criterionRoutes = new ConversionCriterionRoutes(
                stores.conversionCriteria(), features.parties(), features.auth()::require);
        this.postbackKeyRoutes = new PostbackKeyRoutes(
                stores.postbackKeys(),
                features.secrets(),
                new KeyUrls(apiUrl, rtbUrl, dataUrl),
                stores.accounts(),
                keyReferences(stores),
                features.auth()::require);
        this.callerListRoutes = new CallerListRoutes(
                stores.callerLists(),
                uploads,
                new CallerListKeyAccess(
                        stores.postbackKeys(), stores.postbackLog(), features.secrets(), features.auth()::require));
    }

    /** The listener is bound to {@code port}: public URLs that follow it take it. */
    void listening(int port) {
        apiUrl.listening(port);
        rtbUrl.listening(port);
        dataUrl.listening(port);
    }

    /** The start is finished (the first account exists): {@code /ready} may answer ok. */
    void started() {
        health.started();
    }

    /**
     * Every route, in the order Helidon tries them; takes up the caller-list uploads a previous run left unfinished.
     */
    HttpRouting.Builder routing(Draining draining) {
        HttpRouting.Builder routing = HeadRequests.servedAsGet(HttpRouting.builder());
        HttpErrors.register(routing);
        AccessLog.register(routing, new HttpMetrics(metrics), draining);
        hotEndpoints(routing);
        configurationApi(routing);
        webhookAndKeyApi(routing);
        console(routing);
        callerListsAndConfigurationPages(routing);
        keyedEndpoints(routing);
        carriers(routing);
        new OpenApiRoutes(apiUrl).register(routing);
        MetricsBindings.openCalls(stores.calls(), metrics);
        if (config.operations().managementPort().isEmpty()) {
            metricsRoutes.register(routing);
        }
        routing.any(HttpErrors::notFound);
        return routing;
    }

    /** The web console (its users, for the demo admin and for tests that sign people in). */
    ConsoleRoutes console() {
        return console;
    }

    CallerListUploads uploads() {
        return uploads;
    }

    CarrierControls carrierControls() {
        return carrierControls;
    }

    /** {@code /metrics}, served here or, when a management port is configured, on the management listener. */
    MetricsRoutes metricsRoutes() {
        return metricsRoutes;
    }

    /**
     * The hot endpoints first: a probe or a ping registered behind the admin API paid for every pattern before its
     * own.
     */
    private void hotEndpoints(HttpRouting.Builder routing) {
        health.register(routing);
        new RtbRoutes(rtb.service()).register(routing);
        new DataWritingRoutes(
                        stores.postbackKeys(),
                        stores.postbackLog(),
                        stores.calls(),
                        calls.calls(),
                        stores.callerTagCache(),
                        clock)
                .register(routing);
        new ConversionPostbackRoutes(
                        new LiveCallControlRoutes.KeyedAccess(stores.postbackKeys(), stores.postbackLog()),
                        stores.calls(),
                        stores.groups(),
                        calls.conversions())
                .register(routing);
    }

    /** The admin API's accounts, configuration objects, call control and call log. */
    private void configurationApi(HttpRouting.Builder routing) {
        var auth = features.auth();
        var services = features.services();
        var buyerGroups = features.buyerGroups();
        new AccountRoutes(stores.accounts(), auth, config.operatorToken()).register(routing);
        CrudRoutes.register(routing, "/api/v2/campaigns", auth::require, services.campaigns());
        CrudRoutes.register(routing, "/api/v2/publishers", auth::require, services.publishers());
        CrudRoutes.register(routing, "/api/v2/numbers", auth::require, services.numbers());
        CrudRoutes.register(routing, "/api/v2/buyers", auth::require, services.buyers());
        CrudRoutes.action(
                routing,
                "/api/v2/buyers",
                "reset_hard_cap",
                auth::require,
                services.buyers(),
                services.buyers()::resetHardCap);
        CrudRoutes.register(routing, "/api/v2/buyer_groups", auth::require, buyerGroups);
        CrudRoutes.action(
                routing,
                "/api/v2/buyer_groups",
                "reset_hard_cap",
                auth::require,
                buyerGroups,
                buyerGroups::resetHardCap);
        new CallControlRoutes(calls.calls(), stores.calls(), auth::require).register(routing);
        var callConversions = stores.conversions();
        var pixels = stores.pixels();
        new CallLogRoutes(
                        stores.calls(),
                        readAuth,
                        call -> pixels.countForCall(call.accountId(), call.id()),
                        (account, callIds) -> ConversionOut.forCalls(callConversions.forCalls(account, callIds)))
                .register(routing);
    }

    /** The admin API's webhooks and their deliveries, directories, conversion criteria, keys and reports. */
    private void webhookAndKeyApi(HttpRouting.Builder routing) {
        var auth = features.auth();
        var campaigns = stores.campaigns();
        var buyers = stores.buyers();
        var publishers = stores.publishers();
        var groups = stores.groups();
        webhookRoutes.register(
                routing,
                (account, id) -> campaigns.find(account, id).isPresent(),
                (account, id) -> buyers.find(account, id).isPresent(),
                numberLocks);
        new FiredPixelRoutes(stores.pixels(), stores.deliveries(), stores.calls(), readAuth).register(routing);
        new DeliveryRoutes(
                        stores.deliveries(),
                        stores.webhooks(),
                        stores.pixels(),
                        webhooks.worker(),
                        stores.calls(),
                        auth::require)
                .register(routing);
        CrudRoutes.register(routing, "/api/v2/directories", auth::require, features.directories());
        criterionRoutes.register(
                routing,
                (account, id) -> campaigns.find(account, id).isPresent(),
                (account, id) -> buyers.find(account, id).isPresent());
        postbackKeyRoutes.register(
                routing,
                Map.of(
                        KeyType.Owner.CAMPAIGN,
                        (account, id) -> campaigns.find(account, id).isPresent(),
                        KeyType.Owner.PUBLISHER,
                        (account, id) -> publishers.find(account, id).isPresent(),
                        KeyType.Owner.BUYER,
                        (account, id) -> buyers.find(account, id).isPresent(),
                        KeyType.Owner.BUYER_GROUP,
                        (account, id) -> groups.find(account, id).isPresent()));
        new PostbackLogRoutes(stores.postbackLog()).register(routing, auth::require);
        // the money report: calls and their conversions summed in SQL per campaign, publisher, buyer or day
        new ReportRoutes(stores.reports(), readAuth).register(routing);
    }

    /**
     * The web console: pages on the same repositories as the API, registered before the RTB log's routes so that a
     * browser asking for /call_reservations/{uuid} as HTML gets the page and API clients the JSON.
     */
    private void console(HttpRouting.Builder routing) {
        console.register(
                routing,
                new ConsoleRoutes.Sources(
                        new Names.Sources(stores.campaigns(), stores.publishers(), stores.buyers()),
                        stores.calls(),
                        stores.pixels(),
                        stores.conversions(),
                        stores.reports(),
                        stores.postbackLog(),
                        rtb.log(),
                        new ApiKeys(stores.accounts()),
                        stores.deliveries(),
                        webhooks.worker()));
        var services = features.services();
        console.registerConfiguration(
                routing,
                new ConsoleRoutes.Configuration(
                        services.campaigns(),
                        services.numbers(),
                        stores.numbers(),
                        services.publishers(),
                        services.buyers(),
                        features.buyerGroups(),
                        features.directories(),
                        stores.accounts(),
                        new NumberWebhookLock(stores.webhooks(), numberLocks),
                        calls.routing()));
        new RtbLogRoutes(rtb.log(), features.auth()::require, clock, rtb.service()::processing).register(routing);
    }

    /**
     * The caller lists (API and uploads), then the console's configuration pages (webhooks, keys, criteria, caller
     * lists, the configurator): the same routes' code checks and saves what their forms send.
     */
    private void callerListsAndConfigurationPages(HttpRouting.Builder routing) {
        var campaigns = stores.campaigns();
        var buyers = stores.buyers();
        uploads.resumePending();
        callerListRoutes.register(
                routing,
                "campaigns",
                CallerList.Owner.CAMPAIGN,
                (account, id) -> campaigns.find(account, id).isPresent());
        // buyers are "targets" in the reference platform's caller-list URLs; both paths work
        for (String collection : List.of("buyers", "targets")) {
            callerListRoutes.register(
                    routing,
                    collection,
                    CallerList.Owner.BUYER,
                    (account, id) -> buyers.find(account, id).isPresent());
        }
        new ConfigurationPages(
                        console.pages(),
                        new ConfigurationPages.Sources(
                                new ConfigOwners(
                                        campaigns,
                                        stores.numbers(),
                                        buyers,
                                        stores.groups(),
                                        stores.publishers(),
                                        stores.directories()),
                                webhookRoutes,
                                postbackKeyRoutes,
                                criterionRoutes,
                                callerListRoutes,
                                stores.callerLists(),
                                uploads,
                                stores.calls(),
                                console.auditLog(),
                                webhooks.worker()))
                .register(routing);
    }

    /** The keyed endpoints that read data and control live calls (the writing ones are hot, above). */
    private void keyedEndpoints(HttpRouting.Builder routing) {
        new DataReadingRoutes(stores.postbackKeys(), stores.postbackLog(), stores.calls(), stores.groups())
                .register(routing);
        new LiveCallControlRoutes(
                        new LiveCallControlRoutes.KeyedAccess(stores.postbackKeys(), stores.postbackLog()),
                        stores.calls(),
                        calls.calls(),
                        stores.groups(),
                        stores.directories(),
                        stores.accounts(),
                        carrierControls)
                .register(routing);
    }

    /** The carriers' callbacks, for the carriers whose auth token is configured. */
    private void carriers(HttpRouting.Builder routing) {
        config.twilioAuthToken().ifPresent(token -> new TwilioRoutes(calls.calls(), token, apiUrl).register(routing));
        config.plivoAuthToken().ifPresent(token -> new PlivoRoutes(calls.calls(), token, apiUrl).register(routing));
    }

    /** Whether a number's webhooks are unlocked from its campaign's, and which campaign that is. */
    private static WebhookRoutes.NumberLocks numberLocks(Stores stores) {
        var numbers = stores.numbers();
        return new WebhookRoutes.NumberLocks() {
            @Override
            public Optional<Long> campaignOf(AccountId account, long numberId) {
                return numbers.find(account, numberId).map(n -> n.campaignId());
            }

            @Override
            public boolean unlocked(AccountId account, long numberId) {
                return numbers.find(account, numberId)
                        .map(n -> n.webhooksUnlocked())
                        .orElse(false);
            }

            @Override
            public void setUnlocked(AccountId account, long numberId, boolean unlocked) {
                numbers.setWebhooksUnlocked(account, numberId, unlocked);
            }
        };
    }

    /** What a postback key's scope may name: the account's publishers, directories and numbers. */
    private static PostbackKeyRoutes.References keyReferences(Stores stores) {
        var publishers = stores.publishers();
        var directories = stores.directories();
        var numbers = stores.numbers();
        return new PostbackKeyRoutes.References() {
            @Override
            public boolean publisherExists(AccountId account, long publisherId) {
                return publishers.find(account, publisherId).isPresent();
            }

            @Override
            public boolean directoryExists(AccountId account, long directoryId) {
                return directories.find(account, directoryId).isPresent();
            }

            @Override
            public Optional<Long> campaignOfNumber(AccountId account, String e164) {
                return numbers.findByNumber(e164)
                        .filter(n -> n.accountId().equals(account))
                        .map(n -> n.campaignId());
            }
        };
    }

    private static Optional<CarrierControls.Account> carrierAccount(
            Optional<String> id, Optional<String> authToken, String apiUrl) {
        return id.flatMap(i -> authToken.map(token -> new CarrierControls.Account(i, token, apiUrl)));
    }
}
