package org.switchboard.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.switchboard.account.AccountRepository;
import org.switchboard.call.Call;
import org.switchboard.call.CallState;
import org.switchboard.call.LiveCall;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.outbound.AddressPolicy;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.TagSet;

/**
 * The outbox under a receiver outage, on an SQLite store in a temporary folder: N deliveries queued at once and
 * delivered by the real worker pool ({@link DeliveryWorker}, 32 workers) to a real HTTP receiver on loopback.
 *
 * <ol>
 *   <li>Baseline: the receiver is up; time to deliver all N.
 *   <li>Outage: the receiver's port refuses connections for {@code downSeconds}, then a receiver listens on it; time
 *       from then until all N are delivered, heap used sampled every 500 ms, the most platform threads, the most
 *       requests the receiver held at once.
 * </ol>
 *
 * Retries wait 1 s, 2 s, 4 s, 8 s, 15 s, 30 s, 30 s, 30 s (the default schedule's shape, in seconds instead of hours).
 * Usage: {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=org.switchboard.webhook.OutboxDrain
 * -Dbench.args="10000 60"}
 */
public final class OutboxDrain {
    private static final RetrySchedule SCHEDULE = RetrySchedule.parse("1s,2s,4s,8s,15s,30s,30s,30s");
    private static final int WORKERS = 32;

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int downSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path dir = Files.createTempDirectory("outbox-drain");
        Clock clock = Clock.systemUTC();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        try (Database db = Database.open(
                "jdbc:sqlite:" + dir.resolve("drain.db"), Optional.empty(), Optional.empty(), 4)) {
            var jdbi = db.jdbi();
            AccountId account = new AccountRepository(jdbi, clock, new org.switchboard.platform.config.ConfigChanges())
                    .create("drain", "bench", "drain-bench-secret-0123456789abcdef")
                    .account()
                    .id();
            var webhooks = new WebhookRepository(jdbi, clock, new org.switchboard.platform.config.ConfigChanges());
            var pixels = new FiredPixelRepository(jdbi, Metrics.none());
            var deliveries = new DeliveryRepository(jdbi, false, Metrics.none(), new org.switchboard.platform.config.ConfigChanges(), clock);
            var http = new OutboundHttp(AddressPolicy.allowing(List.of("127.0.0.0/8")), 65_536, 1_000, 250, clock);
            var dispatcher = new WebhookDispatcher(
                    http, pixels, SecretBox.fromConfig(Optional.empty(), dir), Metrics.none(), clock);
            var changes = new org.switchboard.platform.config.ConfigChanges();
            var hooks = new WebhookHooks(
                    new WebhookCandidates(
                            webhooks,
                            new TrackingNumberRepository(jdbi, clock, changes, List.of()),
                            changes,
                            Duration.ZERO,
                            clock),
                    dispatcher,
                    new GeoTagger(),
                    deliveries,
                    SCHEDULE,
                    clock);
            DeliveryWorker.Calls calls = new DeliveryWorker.Calls() {
                @Override
                public Optional<Call> find(long callId) {
                    return Optional.of(call(callId, account));
                }

                @Override
                public LiveCall live(String uuid) {
                    return LiveCall.NONE;
                }
            };
            var worker = new DeliveryWorker(
                    deliveries,
                    webhooks,
                    pixels,
                    dispatcher,
                    calls,
                    hooks,
                    new DeliveryWorker.Settings(SCHEDULE, WORKERS, Duration.ofDays(5), 5, Duration.ofSeconds(60)),
                    clock);
            worker.start();
            try {
                int upPort = freePort();
                HttpServer up = receiver(upPort, inFlight, maxInFlight, received);
                Webhook baselineHook = webhook(webhooks, account, "http://127.0.0.1:" + upPort + "/up");
                long started = System.nanoTime();
                enqueue(jdbi, deliveries, account, baselineHook, 0, count);
                worker.wake();
                awaitDrained(deliveries);
                long baselineMillis = (System.nanoTime() - started) / 1_000_000;
                up.stop(0);
                System.out.printf(
                        "baseline: %d deliveries in %d ms, receiver held at most %d at once%n",
                        count, baselineMillis, maxInFlight.get());

                int downPort = freePort();
                Webhook downHook = webhook(webhooks, account, "http://127.0.0.1:" + downPort + "/down");
                maxInFlight.set(0);
                received.set(0);
                long heapBefore = usedHeap();
                enqueue(jdbi, deliveries, account, downHook, count, count);
                worker.wake();
                long maxHeap = heapBefore;
                int maxThreads = 0;
                Instant upAt = Instant.now().plusSeconds(downSeconds);
                while (Instant.now().isBefore(upAt)) {
                    maxHeap = Math.max(maxHeap, usedHeap());
                    maxThreads = Math.max(maxThreads, ManagementFactory.getThreadMXBean().getThreadCount());
                    Thread.sleep(500);
                }
                long receivedBefore = received.get();
                HttpServer back = receiver(downPort, inFlight, maxInFlight, received);
                long upStarted = System.nanoTime();
                while (deliveries.unfinished() > 0) {
                    maxHeap = Math.max(maxHeap, usedHeap());
                    maxThreads = Math.max(maxThreads, ManagementFactory.getThreadMXBean().getThreadCount());
                    Thread.sleep(500);
                }
                long drainMillis = (System.nanoTime() - upStarted) / 1_000_000;
                back.stop(0);
                long failed = jdbi.withHandle(h -> h.createQuery(
                                "SELECT COUNT(*) FROM webhook_deliveries WHERE state <> 'delivered'")
                        .mapTo(Long.class)
                        .one());
                long attempts = jdbi.withHandle(h -> h.createQuery(
                                "SELECT COUNT(*) FROM fired_pixels WHERE webhook_id = :w")
                        .bind("w", downHook.id())
                        .mapTo(Long.class)
                        .one());
                System.out.printf(
                        "outage: %d deliveries, receiver down %d s; delivered %d s after it came back (%.1fx the"
                                + " baseline's time), not delivered %d, attempts %d, requests received %d (before"
                                + " it was up: %d)%n",
                        count,
                        downSeconds,
                        drainMillis / 1000,
                        drainMillis / (double) baselineMillis,
                        failed,
                        attempts,
                        received.get(),
                        receivedBefore);
                System.out.printf(
                        "  heap used: before queueing %d MiB, at most %d MiB (%.2fx); platform threads at most %d;"
                                + " receiver held at most %d requests at once (workers: %d)%n",
                        heapBefore >> 20,
                        maxHeap >> 20,
                        maxHeap / (double) heapBefore,
                        maxThreads,
                        maxInFlight.get(),
                        WORKERS);
            } finally {
                worker.close();
                http.close();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Webhook webhook(WebhookRepository webhooks, AccountId account, String url) {
        ObjectNode in = Json.MAPPER.createObjectNode()
                .put("name", "drain")
                .put("trigger", "always")
                .put("url", url + "?call=[call_uuid]");
        return webhooks.insert(account, Webhook.Owner.CAMPAIGN, 1, WebhookIn.parse(in), Optional.empty());
    }

    private static void enqueue(
            org.jdbi.v3.core.Jdbi jdbi,
            DeliveryRepository deliveries,
            AccountId account,
            Webhook webhook,
            int firstCall,
            int count) {
        for (int from = 0; from < count; from += 500) {
            int start = from;
            jdbi.useTransaction(handle -> {
                for (int i = start; i < Math.min(count, start + 500); i++) {
                    deliveries.enqueue(
                            handle,
                            account,
                            1L + firstCall + i,
                            List.of(new DeliveryRepository.Stage(Trigger.ALWAYS, List.of(webhook))));
                }
            });
        }
    }

    private static void awaitDrained(DeliveryRepository deliveries) throws InterruptedException {
        while (deliveries.unfinished() > 0) {
            Thread.sleep(100);
        }
    }

    private static HttpServer receiver(int port, AtomicInteger inFlight, AtomicInteger max, AtomicLong received)
            throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            received.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            inFlight.decrementAndGet();
        });
        server.start();
        return server;
    }

    private static Call call(long id, AccountId account) {
        Instant t = Instant.EPOCH;
        return new Call(
                id,
                "bench-" + id,
                account,
                1,
                1,
                Optional.empty(),
                "bench",
                "bench-" + id,
                "+13125550100",
                "+18665550100",
                CallState.ENDED,
                Optional.empty(),
                Optional.empty(),
                TagSet.empty(),
                List.of(),
                List.of(),
                t,
                Optional.empty(),
                Optional.of(t),
                Optional.of(0),
                Optional.of(0),
                Optional.empty());
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
