package org.switchboard;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.switchboard.account.AccountRepository;
import org.switchboard.call.CallHooks;
import org.switchboard.call.CallService;
import org.switchboard.callerlist.CallerListUploads;
import org.switchboard.console.ConsoleRoutes;
import org.switchboard.conversion.ConversionService;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.http.Draining;
import org.switchboard.platform.http.Http1Connections;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.live.RedisLiveState;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.metrics.MetricsRoutes;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.rtb.RtbConfigCache;
import org.switchboard.rtb.RtbLog;
import org.switchboard.rtb.RtbService;
import org.switchboard.telephony.CarrierControls;
import org.switchboard.webhook.DeliveryWorker;
import org.switchboard.webhook.WebhookHooks;

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
    private final DeliveryWorker deliveryWorker;
    private final CallerListUploads uploads;
    private final CarrierControls carrierControls;
    private final ConversionService conversions;
    private final RtbLog rtbLog;
    private final RtbService rtb;
    private final RtbConfigCache rtbCache;
    private final ConfigChanges changes = new ConfigChanges();
    private final LiveState live;
    private final ConsoleRoutes console;
    private final Metrics metrics;
    private final Optional<WebServer> management;
    private final Draining draining = new Draining();

    /**
     * Builds the graph in the order its parts need each other: the stores, the features' services, the engines (the
     * webhooks' outbox, the call flow, RTB), the routes, then the listener. {@code hooks} empty: the webhooks are the
     * call flow's hooks (tests may plug in their own instead). A failed start closes the live state, the database
     * and the meters it opened. {@code announce} is given the first start's banner before {@code /ready} can answer
     * 200, so whoever waits for {@code /ready} finds the new key already printed.
     */
    private Wiring(SwitchboardConfig config, Clock clock, Optional<CallHooks> hooks, Consumer<String> announce) {
        this.config = config;
        Thread routingWarmUp = startRoutingWarmUp(config.jdbcUrl());
        this.metrics = Metrics.prometheus();
        this.database = Database.open(
                config.jdbcUrl(), config.databaseUser(), config.databasePassword(), config.databasePoolSize());
        try {
            // one live state for caps, reservations and the ping shield, so a reservation and a call share counters;
            // in Redis when several nodes must share them
            this.live = liveState(config, metrics, clock);
            shareChangesBetweenNodes(live, changes);
        } catch (RuntimeException e) {
            closeOnFailedStart();
            throw e;
        }
        try {
            var stores = Stores.open(database, metrics, changes, config, clock);
            this.accounts = stores.accounts();
            var features = Features.build(stores, config);
            // the two cycles of the graph: see Later
            var callsLater = new Later<CallService>("the call service");
            var rtbLater = new Later<RtbService>("the RTB engine");
            var webhooks = WebhookEngine.build(stores, features, config, metrics, clock, changes, callsLater);
            this.outbound = webhooks.outbound();
            this.webhookHooks = webhooks.hooks();
            this.deliveryWorker = webhooks.worker();
            var callFlow =
                    CallEngine.build(stores, features, webhooks, live, config, clock, hooks, callsLater, rtbLater);
            this.conversions = callFlow.conversions();
            this.calls = callFlow.calls();
            callFlow.start();
            var rtbEngine = RtbEngine.start(
                    stores, features, webhooks, callFlow, live, database, changes, config, metrics, clock, rtbLater);
            this.rtbLog = rtbEngine.log();
            this.rtbCache = rtbEngine.cache();
            this.rtb = rtbEngine.service();
            awaitWarmUp(routingWarmUp);
            var web = new WebRoutes(
                    stores, features, webhooks, callFlow, rtbEngine, live, database, config, clock, metrics);
            this.console = web.console();
            this.uploads = web.uploads();
            this.carrierControls = web.carrierControls();
            var listeners = Listeners.start(config, web.routing(draining), web.metricsRoutes());
            this.server = listeners.server();
            web.listening(server.port()); // before anything reads a public URL that follows the port
            this.connections = listeners.connections();
            this.management = listeners.management();
            this.firstStartBanner = firstStartBanner(config, accounts, features.services(), console);
            firstStartBanner.ifPresent(announce);
            web.started();
            // answering and ready already: the JVM's meters, which a scrape arriving first waits for (Metrics#scrape)
            metrics.bindProcessMeters();
            // and the TLS set-up of the webhooks' first https request, beside them
            Thread.ofPlatform().daemon().name("tls-warm-up").start(OutboundHttp::warmUp);
            deliveryWorker.start(); // last: nothing can fail after it that would leave it running
        } catch (RuntimeException e) {
            closeOnFailedStart();
            throw e;
        }
    }

    /** What a failed start closes: the live state, the database and the meters (opened before anything else). */
    private void closeOnFailedStart() {
        closeLive();
        database.close();
        metrics.close();
    }

    /**
     * With Redis, every node's configuration caches hear of every node's writes at once; a message missed while the
     * subscription was cut cannot be read again, so when it is back every cache starts again empty.
     */
    private static void shareChangesBetweenNodes(LiveState live, ConfigChanges changes) {
        if (live instanceof RedisLiveState redis) {
            String node = UUID.randomUUID().toString();
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
    }

    /** The HTTP listener, its connection tracker and the management listener when one is configured. */
    private record Listeners(WebServer server, Http1Connections connections, Optional<WebServer> management) {
        /** Starts listening; on a failure stops what it started and throws. */
        static Listeners start(SwitchboardConfig config, HttpRouting.Builder routing, MetricsRoutes metricsRoutes) {
            var listener = WebServer.builder()
                    .address(address(config.bindAddress()))
                    .port(config.port())
                    .maxPayloadSize(config.maxRequestBytes())
                    .directHandlers(HttpErrors.directHandlers())
                    // hands HttpErrors the reason a request was refused before routing (it answers its own words)
                    .errorHandling(HttpErrors.transportErrors())
                    .shutdownHook(false)
                    .routing(routing);
            var connections =
                    Http1Connections.install(listener, Duration.ofSeconds(config.requestHeadTimeoutSeconds()));
            var server = listener.build().start();
            if (!server.isRunning() || server.port() < 0) {
                server.stop();
                connections.close();
                throw new CannotListen("cannot listen on " + config.bindAddress() + ":" + config.port()
                        + " (is another process using the port?)");
            }
            try {
                Optional<WebServer> management =
                        config.operations().managementPort().isPresent()
                                ? Optional.of(MetricsBindings.managementServer(
                                        address(config.bindAddress()),
                                        config.operations().managementPort().getAsInt(),
                                        metricsRoutes))
                                : Optional.empty();
                return new Listeners(server, connections, management);
            } catch (RuntimeException e) {
                server.stop();
                connections.close();
                throw e;
            }
        }
    }

    /**
     * What to print after the very first start: the new account and its API key, the demo data, the console's first
     * admin. With the demo data the admin is made on a second thread beside them: both need only the account, and the
     * demo admin's password hash (Argon2, memory-hard by design) costs about what the demo data cost, while {@code
     * /ready} waits for both.
     */
    private static Optional<String> firstStartBanner(
            SwitchboardConfig config,
            AccountRepository accounts,
            FirstAccount.Services services,
            ConsoleRoutes console) {
        Optional<FirstAccount.Created> created = FirstAccount.create(config, accounts);
        if (created.isEmpty()) {
            // a store from before the console may still lack its first admin
            return console.ensureFirstAdmin(config.demoData());
        }
        FutureTask<Optional<String>> admin = new FutureTask<>(() -> console.ensureFirstAdmin(config.demoData()));
        if (config.demoData()) {
            Thread.ofPlatform().name("first-admin").start(admin);
        } else {
            admin.run();
        }
        String demo;
        try {
            demo = FirstAccount.seedDemo(config, accounts, created.get(), services);
        } catch (RuntimeException e) {
            awaitQuietly(admin); // the store closes after a failed start: nothing may write to it then
            throw e;
        }
        return Optional.of(created.get().banner() + demo + await(admin).orElse(""));
    }

    /** The result of a start's task on another thread; what it threw is thrown here. */
    private static <T> T await(FutureTask<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits for {@code task} to end, whatever its outcome: a start that fails already reports its own failure. */
    private static void awaitQuietly(FutureTask<?> task) {
        try {
            await(task);
        } catch (RuntimeException e) {
            // the first failure is the one reported
        }
    }

    /**
     * Work a start does on a second core while the main thread sets up the meters and opens the store, in the order
     * the main thread comes to need it: SQLite's native library (see {@link Database#loadNativeLibrary}), Jdbi's first
     * use ({@link Database#warmUpJdbi}), which the main thread's Jdbi and first statements then find linked; then
     * Helidon finds its services, the first time a routing is built (a fifth of a start's CPU). Jdbi makes its
     * warm-up safe to run beside the main thread's first use (the later one waits for a class being initialised, or
     * finds it done). The main thread waits for the warm-up ({@link #awaitWarmUp}) before it touches Helidon itself,
     * so the two never initialise the same Helidon classes at once. (The outbound client's TLS set-up, once here too,
     * now waits for the first https connection, and is done ahead once the start is finished.)
     */
    private static Thread startRoutingWarmUp(String jdbcUrl) {
        return Thread.ofPlatform().daemon().name("routing-warm-up").start(() -> {
            Database.loadNativeLibrary(jdbcUrl);
            Database.warmUpJdbi(jdbcUrl);
            try {
                HttpRouting.builder();
            } catch (RuntimeException e) {
                // the main thread builds it again and reports what went wrong
            }
        });
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

    private static LiveState liveState(SwitchboardConfig config, Metrics metrics, Clock clock) {
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
                Logger.getLogger(Wiring.class.getName()).log(Level.WARNING, "closing the live state failed", e);
            }
        }
    }

    /** Opens the store, runs migrations and starts serving. */
    public static Wiring start(SwitchboardConfig config, Clock clock) {
        return new Wiring(config, clock, Optional.empty(), banner -> {});
    }

    /**
     * Starts as {@link #start(SwitchboardConfig, Clock)} does and hands a first start's banner (the new account's key)
     * to {@code announce} before {@code /ready} answers 200.
     */
    public static Wiring startAnnouncing(SwitchboardConfig config, Clock clock, Consumer<String> announce) {
        return new Wiring(config, clock, Optional.empty(), announce);
    }

    /**
     * Starts with {@code hooks} plugged into the call flow. Until the webhook, conversion and RTB features provide
     * theirs, only tests use this.
     */
    public static Wiring start(SwitchboardConfig config, Clock clock, CallHooks hooks) {
        return new Wiring(config, clock, Optional.of(hooks), banner -> {});
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
    public OptionalInt managementPort() {
        return management.map(m -> OptionalInt.of(m.port())).orElse(OptionalInt.empty());
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
        Logger log = Logger.getLogger(Wiring.class.getName());
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
