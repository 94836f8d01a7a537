package org.switchboard;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.switchboard.account.AccountRepository;
import org.switchboard.account.AccountRoutes;
import org.switchboard.account.ApiKeys;
import org.switchboard.account.Authenticator;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.buyer.BuyerGroupService;
import org.switchboard.buyer.BuyerRepository;
import org.switchboard.buyer.BuyerService;
import org.switchboard.call.CallHooks;
import org.switchboard.call.CallLogRoutes;
import org.switchboard.call.CallRepository;
import org.switchboard.call.CallService;
import org.switchboard.call.CallTagging;
import org.switchboard.call.EndingHooks;
import org.switchboard.callerlist.CallerList;
import org.switchboard.callerlist.CallerListRepository;
import org.switchboard.callerlist.CallerListRoutes;
import org.switchboard.callerlist.CallerListUploads;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.campaign.CampaignService;
import org.switchboard.console.ConsoleRoutes;
import org.switchboard.console.Names;
import org.switchboard.conversion.ConversionCriterion;
import org.switchboard.conversion.ConversionCriterionRepository;
import org.switchboard.conversion.ConversionCriterionRoutes;
import org.switchboard.conversion.ConversionOut;
import org.switchboard.conversion.ConversionRepository;
import org.switchboard.conversion.ConversionService;
import org.switchboard.conversion.ReportRepository;
import org.switchboard.conversion.ReportRoutes;
import org.switchboard.directory.DirectoryRepository;
import org.switchboard.directory.DirectoryService;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.number.TrackingNumberService;
import org.switchboard.openapi.OpenApiRoutes;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.HeadRequests;
import org.switchboard.platform.http.HealthRoutes;
import org.switchboard.platform.http.Http1Connections;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.live.RedisLiveState;
import org.switchboard.platform.outbound.AddressPolicy;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.postback.CallerListKeyAccess;
import org.switchboard.postback.CallerTagCache;
import org.switchboard.postback.ConversionPostbackRoutes;
import org.switchboard.postback.DataReadingRoutes;
import org.switchboard.postback.DataWritingRoutes;
import org.switchboard.postback.KeyType;
import org.switchboard.postback.KeyUrls;
import org.switchboard.postback.LiveCallControlRoutes;
import org.switchboard.postback.PostbackKeyRepository;
import org.switchboard.postback.PostbackKeyRoutes;
import org.switchboard.postback.PostbackLog;
import org.switchboard.postback.PostbackLogRoutes;
import org.switchboard.publisher.PublisherRepository;
import org.switchboard.publisher.PublisherService;
import org.switchboard.routing.RoutingService;
import org.switchboard.rtb.PingShield;
import org.switchboard.rtb.ReservationStore;
import org.switchboard.rtb.RtbConfigCache;
import org.switchboard.rtb.RtbLog;
import org.switchboard.rtb.RtbLogRoutes;
import org.switchboard.rtb.RtbRoutes;
import org.switchboard.rtb.RtbService;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.PartyTerms;
import org.switchboard.telephony.CallControlRoutes;
import org.switchboard.telephony.CarrierControls;
import org.switchboard.telephony.PlivoRoutes;
import org.switchboard.telephony.TwilioRoutes;
import org.switchboard.webhook.FiredPixelRepository;
import org.switchboard.webhook.FiredPixelRoutes;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookDispatcher;
import org.switchboard.webhook.WebhookHooks;
import org.switchboard.webhook.WebhookRepository;
import org.switchboard.webhook.WebhookRoutes;

/**
 * The composition root: builds every component with its constructor and starts the HTTP server. Tests build the
 * same graph with their own configuration and clock.
 */
public final class Wiring implements AutoCloseable {
    private final SwitchboardConfig config;
    private final Database database;
    private final AccountRepository accounts;
    private final WebServer server;
    private final Http1Connections connections;
    private final Optional<String> firstStartBanner;
    private final CallService calls;
    private final OutboundHttp outbound;
    private final WebhookHooks webhookHooks;
    private final org.switchboard.webhook.DeliveryWorker deliveryWorker;
    private final CallerListUploads uploads;
    private final CarrierControls carrierControls;
    private final ConversionService conversions;
    private final RtbLog rtbLog;
    private final RtbService rtb;
    private final RtbConfigCache rtbCache;
    private final ConfigChanges changes = new ConfigChanges();
    private final LiveState live;
    private final ConsoleRoutes console;
    private final org.switchboard.platform.metrics.Metrics metrics;
    private final Optional<WebServer> management;
    private final org.switchboard.platform.http.Draining draining = new org.switchboard.platform.http.Draining();

    /** {@code hooks} empty: the webhooks are the call flow's hooks (tests may plug in their own instead). */
    private Wiring(SwitchboardConfig config, Clock clock, Optional<CallHooks> hooks) {
        this.config = config;
        // Helidon finds its services the first time a routing is built (a fifth of a start's CPU): on another core
        // while the store opens and migrates. The main thread waits for it before it touches Helidon itself, so the
        // two never initialise the same classes at once.
        Thread routingWarmUp = Thread.ofPlatform()
                .daemon()
                .name("routing-warm-up")
                .start(() -> {
                    try {
                        HttpRouting.builder();
                    } catch (RuntimeException e) {
                        // the main thread builds it again and reports what went wrong
                    }
                });
        this.metrics = org.switchboard.platform.metrics.Metrics.prometheus();
        this.database = Database.open(
                config.jdbcUrl(), config.databaseUser(), config.databasePassword(), config.databasePoolSize());
        try {
            // one live state for caps, reservations and the ping shield, so a reservation and a call share counters;
            // in Redis when several nodes must share them
            this.live = liveState(config, metrics, clock);
            if (live instanceof RedisLiveState redis) {
                // every node's configuration caches hear of every node's writes at once; a message missed while the
                // subscription was cut cannot be read again, so when it is back every cache starts again empty
                String node = java.util.UUID.randomUUID().toString();
                redis.subscribe(
                        CHANGES_CHANNEL,
                        message -> {
                            int bar = message.indexOf('|');
                            if (bar > 0 && !message.substring(0, bar).equals(node)) {
                                changes.received(message.substring(bar + 1));
                            }
                        },
                        changes::missed);
                changes.sendTo(text -> redis.publish(CHANGES_CHANNEL, node + "|" + text));
            }
        } catch (RuntimeException e) {
            closeLive();
            database.close();
            metrics.close();
            throw e;
        }
        try {
            var jdbi = database.jdbi();
            this.accounts = new AccountRepository(jdbi, clock, changes);
            var auth = new Authenticator(accounts);
            // every configuration write announces what it changed to the caches (here and on the other nodes);
            // deleting a campaign, buyer or number deletes the rows higher features keep about it, in its transaction
            var campaigns = new CampaignRepository(
                    jdbi,
                    clock,
                    changes,
                    List.of(
                            ConversionCriterionRepository.ownedBy(ConversionCriterion.Owner.CAMPAIGN),
                            WebhookRepository.ownedBy(Webhook.Owner.CAMPAIGN)));
            var publishers = new PublisherRepository(jdbi, clock, changes);
            var numbers = new TrackingNumberRepository(
                    jdbi, clock, changes, List.of(WebhookRepository.ownedBy(Webhook.Owner.NUMBER)));
            var buyers = new BuyerRepository(
                    jdbi,
                    clock,
                    changes,
                    List.of(
                            ConversionCriterionRepository.ownedBy(ConversionCriterion.Owner.BUYER),
                            WebhookRepository.ownedBy(Webhook.Owner.BUYER)));
            var groups = new BuyerGroupRepository(jdbi, clock, changes);
            var callerLists = new CallerListRepository(jdbi, clock, changes);
            var webhooks = new WebhookRepository(jdbi, clock, changes);
            database.bindPoolMetrics(metrics);
            var pixels = new FiredPixelRepository(jdbi, metrics);
            this.outbound = new OutboundHttp(
                    AddressPolicy.allowing(config.outboundAllowCidrs()),
                    config.webhookResponseCapBytes(),
                    config.webhookMaxConnections(),
                    config.webhookMaxConnectionsPerHost(),
                    clock);
            var secrets = SecretBox.fromConfig(config.masterKey(), config.dataDir());
            var dispatcher = new WebhookDispatcher(outbound, pixels, secrets, metrics, clock);
            var geo = new GeoTagger();
            // post-call webhooks (and failed answered / timer ones) go through a durable outbox
            var deliveries = new org.switchboard.webhook.DeliveryRepository(
                    jdbi, database.engine() == Database.Engine.POSTGRESQL, metrics, changes, clock);
            var retrySchedule = new org.switchboard.webhook.RetrySchedule(
                    config.webhookDelivery().retrySchedule());
            this.webhookHooks = new WebhookHooks(webhooks, numbers, dispatcher, geo, deliveries, retrySchedule, clock);
            // filters and test fires name publishers, buyers and campaigns by id or by cid
            var parties = new PartyTerms((account, kind, cidOrId) -> switch (kind) {
                case PUBLISHER ->
                    publishers.findByCidOrId(account, cidOrId).map(p -> new PartyTerms.Party(p.id(), p.cid()));
                case BUYER -> buyers.findByCidOrId(account, cidOrId).map(b -> new PartyTerms.Party(b.id(), b.cid()));
                case CAMPAIGN ->
                    campaigns.findByCidOrId(account, cidOrId).map(c -> new PartyTerms.Party(c.id(), c.cid()));
            });
            var services = new FirstAccount.Services(
                    new CampaignService(
                            campaigns,
                            (account, campaign) ->
                                    webhooks.copy(account, Webhook.Owner.COMPANY, 0, Webhook.Owner.CAMPAIGN, campaign)),
                    new PublisherService(publishers),
                    new TrackingNumberService(numbers, campaigns, publishers),
                    new BuyerService(buyers, campaigns, parties));
            var buyerGroups = new BuyerGroupService(groups, buyers, parties);
            var callRecords = new CallRepository(jdbi);
            // the keyed endpoints (data writing, postbacks, call control) read their key from a cache kept current by
            // the configuration changes, as the RTB engine's configuration is; it listens before the RTB cache, which
            // reads its keys through it
            var postbackKeys = new PostbackKeyRepository(
                    jdbi, clock, changes, java.time.Duration.ofSeconds(config.configCacheSeconds()));
            // a keyed request's rows (its log entry with what it wrote) in one transaction that concurrent requests
            // share: answered once durable, at a few disk syncs per burst
            // (its meters keep the postback log's name: every unit holds a log entry; caller tags are among its rows)
            var durableWrites = new org.switchboard.platform.db.DurableWrites(jdbi, "postback-log", metrics);
            var postbackLog = new PostbackLog(jdbi, durableWrites, clock, metrics);
            var callerTagCache = new CallerTagCache(jdbi, clock);
            var conversionCriteria = new ConversionCriterionRepository(jdbi, clock, changes);
            var callConversions = new ConversionRepository(jdbi, metrics);
            // the outbox is delivered by a bounded worker pool
            this.deliveryWorker = new org.switchboard.webhook.DeliveryWorker(
                    deliveries,
                    webhooks,
                    pixels,
                    dispatcher,
                    new org.switchboard.webhook.DeliveryWorker.Calls() {
                        @Override
                        public Optional<org.switchboard.call.Call> find(long callId) {
                            return callRecords.findById(callId);
                        }

                        @Override
                        public org.switchboard.call.LiveCall live(String uuid) {
                            return liveCall(uuid);
                        }
                    },
                    webhookHooks,
                    new org.switchboard.webhook.DeliveryWorker.Settings(
                            retrySchedule,
                            config.webhookDelivery().workers(),
                            config.webhookDelivery().disableAfter(),
                            config.webhookDelivery().disableMinFailures(),
                            config.webhookDelivery().lease()),
                    clock);
            var outbox = new org.switchboard.webhook.WebhookOutbox(webhookHooks, deliveries, deliveryWorker);
            // conversions are decided when a call ends and queue its post-call webhooks; they read calls back later
            this.conversions = new ConversionService(
                    conversionCriteria, callConversions, callRecords, outbox, this::liveCall, clock);
            // calls claim the reservations of RTB pings; the RTB engine is built later, from this routing
            var routingService = new RoutingService(
                    buyers,
                    groups,
                    callerLists,
                    live,
                    callRecords::connectedSince,
                    new Random(),
                    this::claimReservation,
                    java.time.Duration.ofSeconds(config.liveLeaseSeconds()));
            this.calls = new CallService(
                    callRecords,
                    numbers,
                    campaigns,
                    buyers,
                    new CallTagging(publishers, geo, callerTagCache, callRecords),
                    routingService,
                    hooks.orElseGet(() -> new EndingHooks(webhookHooks, conversions::onCallEnded)),
                    java.time.Duration.ofSeconds(config.dialGraceSeconds()),
                    // with several nodes, a call's carrier callbacks may reach any of them
                    live instanceof RedisLiveState
                            ? Optional.of(new org.switchboard.call.SharedCalls(live, secrets))
                            : Optional.empty(),
                    clock);
            conversions.start(java.time.Duration.ofSeconds(1));
            // calls a stopped node left ringing, dialing or connected: ended, or their timers armed again
            int resumed = calls.resumeOpenCalls();
            if (resumed > 0) {
                java.util.logging.Logger.getLogger(Wiring.class.getName())
                        .info(() -> "picked up " + resumed + " calls left open by the last run");
            }

            // RTB log: pings written in batches off the ping path, read by the account owner
            this.rtbLog = new RtbLog(jdbi, clock);
            if (!(live instanceof RedisLiveState)) {
                int lost = rtbLog.expireLostReservations(clock.instant());
                if (lost > 0) {
                    java.util.logging.Logger.getLogger(Wiring.class.getName())
                            .info(() -> lost + " RTB reservations of the last run (kept in memory) logged as expired");
                }
            }
            MetricsBindings.rtbLog(rtbLog, metrics);
            var reservations = new ReservationStore(live, clock);
            this.rtbCache = new RtbConfigCache(
                    new RtbConfigCache.Sources(
                            accounts,
                            postbackKeys,
                            campaigns,
                            publishers,
                            numbers,
                            buyers,
                            groups,
                            callerLists,
                            webhooks,
                            conversionCriteria),
                    changes,
                    clock,
                    java.time.Duration.ofSeconds(config.configCacheSeconds()));
            this.rtb = new RtbService(
                    new RtbService.Parts(
                            rtbCache,
                            routingService,
                            dispatcher,
                            geo,
                            reservations,
                            new PingShield(live, reservations, clock),
                            rtbLog,
                            live),
                    metrics,
                    clock);
            rtb.start(java.time.Duration.ofSeconds(1));
            awaitWarmUp(routingWarmUp);
            HttpRouting.Builder routing = HeadRequests.servedAsGet(HttpRouting.builder());
            HttpErrors.register(routing);
            org.switchboard.platform.http.AccessLog.register(
                    routing, new org.switchboard.platform.http.HttpMetrics(metrics));
            draining.register(routing);
            // the hot endpoints first: Helidon tries routes in the order they were registered, matching each
            // route's path pattern in turn, so a probe or a ping registered behind the admin API paid for every
            // pattern before its own
            new HealthRoutes(database, live).register(routing);
            new RtbRoutes(rtb).register(routing);
            new DataWritingRoutes(postbackKeys, postbackLog, callRecords, calls, callerTagCache, clock)
                    .register(routing);
            new ConversionPostbackRoutes(
                            new LiveCallControlRoutes.KeyedAccess(postbackKeys, postbackLog),
                            callRecords,
                            groups,
                            conversions)
                    .register(routing);
            // the web console's sessions also let a signed-in browser read the JSON its pages link to (CSV, HAR)
            this.console = new ConsoleRoutes(jdbi, live, clock, config.publicApiUrl());
            Function<ServerRequest, AccountId> readAuth =
                    req -> console.sessions().account(req).orElseGet(() -> auth.require(req));
            new AccountRoutes(accounts, auth, config.operatorToken()).register(routing);
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
            new CallControlRoutes(calls, callRecords, auth::require).register(routing);
            new CallLogRoutes(
                            callRecords,
                            readAuth,
                            call -> pixels.countForCall(call.accountId(), call.id()),
                            (account, callIds) -> ConversionOut.forCalls(callConversions.forCalls(account, callIds)))
                    .register(routing);
            var numberLocks = new WebhookRoutes.NumberLocks() {
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
            var webhookRoutes =
                    new WebhookRoutes(webhooks, dispatcher, auth::require, secrets, parties, pixels, deliveries);
            webhookRoutes.register(
                    routing,
                    (account, id) -> campaigns.find(account, id).isPresent(),
                    (account, id) -> buyers.find(account, id).isPresent(),
                    numberLocks);
            new FiredPixelRoutes(pixels, deliveries, callRecords, readAuth).register(routing);
            new org.switchboard.webhook.DeliveryRoutes(
                            deliveries, webhooks, pixels, deliveryWorker, callRecords, auth::require)
                    .register(routing);
            var directories = new DirectoryRepository(jdbi, clock);
            var directoryService = new DirectoryService(directories, postbackKeys::transferKeysUsing);
            CrudRoutes.register(routing, "/api/v2/directories", auth::require, directoryService);
            var criterionRoutes = new ConversionCriterionRoutes(conversionCriteria, parties, auth::require);
            criterionRoutes.register(
                    routing,
                    (account, id) -> campaigns.find(account, id).isPresent(),
                    (account, id) -> buyers.find(account, id).isPresent());
            var postbackKeyRoutes = new PostbackKeyRoutes(
                    postbackKeys,
                    secrets,
                    new KeyUrls(config.publicApiUrl(), config.publicRtbUrl(), config.publicDataUrl()),
                    accounts,
                    new PostbackKeyRoutes.References() {
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
                    },
                    auth::require);
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
            new PostbackLogRoutes(postbackLog).register(routing, auth::require);
            // the money report: calls and their conversions summed in SQL per campaign, publisher, buyer or day
            var reports = new ReportRepository(jdbi);
            new ReportRoutes(reports, readAuth).register(routing);
            // the web console: pages on the same repositories as the API, registered before the RTB log's routes so
            // that a browser asking for /call_reservations/{uuid} as HTML gets the page and API clients the JSON
            console.register(
                    routing,
                    new ConsoleRoutes.Sources(
                            new Names.Sources(campaigns, publishers, buyers),
                            callRecords,
                            pixels,
                            callConversions,
                            reports,
                            postbackLog,
                            rtbLog,
                            new ApiKeys(accounts),
                            deliveries,
                            deliveryWorker));
            console.registerConfiguration(
                    routing,
                    new ConsoleRoutes.Configuration(
                            services.campaigns(),
                            services.numbers(),
                            numbers,
                            services.publishers(),
                            services.buyers(),
                            buyerGroups,
                            directoryService,
                            accounts,
                            new org.switchboard.webhook.NumberWebhookLock(webhooks, numberLocks),
                            routingService));
            new RtbLogRoutes(rtbLog, auth::require, clock, rtb::processing).register(routing);
            this.uploads = new CallerListUploads(jdbi, callerLists, clock);
            uploads.resumePending();
            var callerListRoutes = new CallerListRoutes(
                    callerLists, uploads, new CallerListKeyAccess(postbackKeys, postbackLog, secrets, auth::require));
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
            // the console's configuration pages (webhooks, keys, criteria, caller lists, the configurator): the same
            // routes' code checks and saves what their forms send
            new org.switchboard.console.ConfigurationPages(
                            console.pages(),
                            new org.switchboard.console.ConfigurationPages.Sources(
                                    new org.switchboard.console.ConfigOwners(
                                            campaigns, numbers, buyers, groups, publishers, directories),
                                    webhookRoutes,
                                    postbackKeyRoutes,
                                    criterionRoutes,
                                    callerListRoutes,
                                    callerLists,
                                    uploads,
                                    callRecords,
                                    console.auditLog(),
                                    deliveryWorker))
                    .register(routing);
            new DataReadingRoutes(postbackKeys, postbackLog, callRecords, groups).register(routing);
            this.carrierControls = new CarrierControls(
                    carrierAccount(config.twilioAccountSid(), config.twilioAuthToken(), config.twilioApiUrl()),
                    carrierAccount(config.plivoAuthId(), config.plivoAuthToken(), config.plivoApiUrl()),
                    config.publicApiUrl(),
                    callRecords,
                    outbound);
            new LiveCallControlRoutes(
                            new LiveCallControlRoutes.KeyedAccess(postbackKeys, postbackLog),
                            callRecords,
                            calls,
                            groups,
                            directories,
                            accounts,
                            carrierControls)
                    .register(routing);
            config.twilioAuthToken()
                    .ifPresent(token -> new TwilioRoutes(calls, token, config.publicApiUrl()).register(routing));
            config.plivoAuthToken()
                    .ifPresent(token -> new PlivoRoutes(calls, token, config.publicApiUrl()).register(routing));
            new OpenApiRoutes(config.publicApiUrl()).register(routing);
            MetricsBindings.openCalls(callRecords, metrics);
            var metricsRoutes = new org.switchboard.platform.metrics.MetricsRoutes(
                    metrics, config.operations().metricsToken());
            if (config.operations().managementPort().isEmpty()) {
                metricsRoutes.register(routing);
            }
            routing.any(HttpErrors::notFound);

            var listener = WebServer.builder()
                    .address(address(config.bindAddress()))
                    .port(config.port())
                    .maxPayloadSize(config.maxRequestBytes())
                    .directHandlers(HttpErrors.directHandlers())
                    // hands HttpErrors the reason a request was refused before routing (it answers its own words)
                    .errorHandling(HttpErrors.transportErrors())
                    .shutdownHook(false)
                    .routing(routing);
            this.connections = Http1Connections.install(
                    listener, java.time.Duration.ofSeconds(config.requestHeadTimeoutSeconds()));
            this.server = listener.build().start();
            if (!server.isRunning() || server.port() < 0) {
                server.stop();
                connections.close();
                throw new CannotListen("cannot listen on " + config.bindAddress() + ":" + config.port()
                        + " (is another process using the port?)");
            }
            try {
                this.management = config.operations().managementPort().isPresent()
                        ? Optional.of(MetricsBindings.managementServer(
                                address(config.bindAddress()),
                                config.operations().managementPort().getAsInt(),
                                metricsRoutes))
                        : Optional.empty();
            } catch (RuntimeException e) {
                server.stop();
                connections.close();
                throw e;
            }
            Optional<String> accountBanner = FirstAccount.ensure(config, accounts, services);
            Optional<String> adminBanner = console.ensureFirstAdmin(config.demoData());
            this.firstStartBanner = accountBanner.isPresent() || adminBanner.isPresent()
                    ? Optional.of(accountBanner.orElse("") + adminBanner.orElse(""))
                    : Optional.empty();
            deliveryWorker.start(); // last: nothing can fail after it that would leave it running
        } catch (RuntimeException e) {
            closeLive();
            database.close();
            metrics.close();
            throw e;
        }
    }

    private static void awaitWarmUp(Thread warmUp) {
        try {
            warmUp.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    /**
     * The Redis channel on which nodes tell each other of configuration changes: {@code nodeId|changes}, the changes
     * as {@link ConfigChanges#received} reads them.
     */
    private static final String CHANGES_CHANNEL = "config-changes";

    private static LiveState liveState(
            SwitchboardConfig config, org.switchboard.platform.metrics.Metrics metrics, Clock clock) {
        return config.redis()
                .<LiveState>map(redis -> new RedisLiveState(
                        redis.url(), redis.prefix(), redis.timeout(), Optional.of(metrics.registry()), clock))
                .orElseGet(() -> new InMemoryLiveState(clock));
    }

    private void closeLive() {
        if (live instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                java.util.logging.Logger.getLogger(Wiring.class.getName())
                        .log(java.util.logging.Level.WARNING, "closing the live state failed", e);
            }
        }
    }

    /** Opens the store, runs migrations and starts serving. */
    public static Wiring start(SwitchboardConfig config, Clock clock) {
        return new Wiring(config, clock, Optional.empty());
    }

    /**
     * Starts with {@code hooks} plugged into the call flow. Until the webhook, conversion and RTB features provide
     * theirs, only tests use this.
     */
    public static Wiring start(SwitchboardConfig config, Clock clock, CallHooks hooks) {
        return new Wiring(config, clock, Optional.of(hooks));
    }

    /** A call's claim of an RTB reservation, answered by the RTB engine (built after the routing it uses). */
    private java.util.Optional<RoutingService.Claim> claimReservation(
            AccountId account, String inboundNumber, String callerNumber, String callUuid) {
        return rtb.claim(account, inboundNumber, callerNumber, callUuid);
    }

    /** A call as hooks see it; used by parts built before the call service (conversions decided after the end). */
    private org.switchboard.call.LiveCall liveCall(String uuid) {
        return calls.liveCall(uuid);
    }

    private static Optional<CarrierControls.Account> carrierAccount(
            Optional<String> id, Optional<String> authToken, String apiUrl) {
        return id.flatMap(i -> authToken.map(token -> new CarrierControls.Account(i, token, apiUrl)));
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("SWITCHBOARD_BIND_ADDRESS: unknown host " + host, e);
        }
    }

    public int port() {
        return server.port();
    }

    /** The management listener's port (serving {@code /metrics}), when one is configured. */
    public java.util.OptionalInt managementPort() {
        return management.map(m -> java.util.OptionalInt.of(m.port())).orElse(java.util.OptionalInt.empty());
    }

    public SwitchboardConfig config() {
        return config;
    }

    public AccountRepository accounts() {
        return accounts;
    }

    /** What to print after the very first start: the new account and its API key. */
    public Optional<String> firstStartBanner() {
        return firstStartBanner;
    }

    public Database database() {
        return database;
    }

    /** The web console (its users, for the demo admin and for tests that sign people in). */
    public ConsoleRoutes console() {
        return console;
    }

    public RtbService rtb() {
        return rtb;
    }

    /** The RTB engine's configuration cache (tests look at what it holds). */
    public RtbConfigCache rtbCache() {
        return rtbCache;
    }

    /** Where this node's configuration changes are announced, and its caches listen. */
    public ConfigChanges configChanges() {
        return changes;
    }

    /** The RTB log (tests write through it and purge it with a chosen instant). */
    public RtbLog rtbLog() {
        return rtbLog;
    }

    /**
     * Stops gracefully: new requests are refused (503) while those in flight finish, for at most the configured
     * grace; then the listener stops, the background writers write what they hold, and the stores close. Calls still
     * live and their timers are left as the store has them, for the next start to pick up ({@link
     * CallService#resumeOpenCalls}).
     */
    @Override
    public void close() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(Wiring.class.getName());
        long unfinished = draining.drain(config.operations().shutdownGrace());
        if (unfinished > 0) {
            log.warning(unfinished + " requests still running after the shutdown grace of "
                    + config.operations().shutdownGrace().toSeconds() + " s; stopping anyway");
        }
        server.stop();
        connections.close();
        conversions.close();
        deliveryWorker.close();
        calls.close();
        uploads.close();
        carrierControls.close();
        rtb.close();
        rtbCache.close();
        rtbLog.close();
        webhookHooks.close();
        outbound.close();
        closeLive();
        database.close();
        management.ifPresent(WebServer::stop);
        metrics.close();
    }

    /** The HTTP server could not bind its address and port (most often: another process holds the port). */
    public static final class CannotListen extends IllegalStateException {
        CannotListen(String message) {
            super(message);
        }
    }
}
