package org.switchboard.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.switchboard.account.AccountRepository;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.outbound.AddressPolicy;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;
import org.switchboard.testing.Receiver;
import org.switchboard.webhook.FiredPixelRepository;
import org.switchboard.webhook.Trigger;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookDispatcher;

/**
 * Webhook load run against a real loopback receiver, on an SQLite store in a temporary folder.
 *
 * <ol>
 *   <li>Overhead per webhook: N webhooks fired one after another through the dispatcher (templates, request, response
 *       tags, fired-pixel insert) against a fast receiver, against the same number of bare requests through the same
 *       HTTP client in the same run; time and bytes allocated per request.
 *   <li>In flight: M webhooks fired at once at a receiver that holds every request for 2 s; how many the receiver
 *       held at the same time, errors, elapsed time and heap.
 * </ol>
 *
 * Usage: {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=org.switchboard.bench.WebhookLoad
 * -Dbench.args="2000 5000"}
 */
public final class WebhookLoad {
    public static void main(String[] args) throws Exception {
        int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int concurrent = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Path dir = Files.createTempDirectory("webhook-load");
        try (Receiver receiver = new Receiver()
                        .on("/fast", Receiver.respond(200, "application/json", "{\"disposition\": \"sold\"}"))
                        .on("/slow", exchange -> {
                            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            try {
                                Thread.sleep(2_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            inFlight.decrementAndGet();
                            Receiver.respond(200, "application/json", "{}").answer(exchange);
                        });
                Database db = Database.open("jdbc:sqlite:" + dir.resolve("load.db"), Optional.empty(), Optional.empty(), 4);
                OutboundHttp http = new OutboundHttp(
                        AddressPolicy.allowing(List.of("127.0.0.0/8")), 65_536, concurrent, concurrent, Clock.systemUTC())) {
            AccountId account = new AccountRepository(db.jdbi(), Clock.systemUTC(), new org.switchboard.platform.config.ConfigChanges())
                    .create("Load", "load", "sb_load_key_000000000000000000000")
                    .account()
                    .id();
            WebhookDispatcher dispatcher = new WebhookDispatcher(
                    http, new FiredPixelRepository(db.jdbi(), org.switchboard.platform.metrics.Metrics.none()), new org.switchboard.platform.secret.SecretBox(new byte[32]), org.switchboard.platform.metrics.Metrics.none(), Clock.systemUTC());
            Webhook fast = webhook(account, receiver.url("/fast") + "?caller=[caller_number]&call=[call_uuid]&s=[caller_state]");
            WebhookDispatcher.Context context = new WebhookDispatcher.Context(
                    account, Optional.empty(), "00000000-0000-0000-0000-000000000000", Optional.of("key"),
                    TagSet.of("caller_number", "+12125550123", "caller_state", "NY", "geo", "us"), Optional.empty());
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            OutboundHttp.Request bare = new OutboundHttp.Request(
                    "GET", receiver.url("/fast") + "?caller=%2B12125550123", Map.of(), Optional.empty(), Optional.empty(),
                    Duration.ofSeconds(5));

            // warm-up of both paths
            for (int i = 0; i < 500; i++) {
                http.send(bare);
                dispatcher.fire(context, List.of(fast), Optional.empty(), false);
            }
            long baseBytes = threads.getCurrentThreadAllocatedBytes();
            long baseStart = System.nanoTime();
            for (int i = 0; i < sequential; i++) {
                http.send(bare);
            }
            long baseNanos = System.nanoTime() - baseStart;
            baseBytes = threads.getCurrentThreadAllocatedBytes() - baseBytes;
            long hookBytes = threads.getCurrentThreadAllocatedBytes();
            long hookStart = System.nanoTime();
            for (int i = 0; i < sequential; i++) {
                dispatcher.fire(context, List.of(fast), Optional.empty(), false);
            }
            long hookNanos = System.nanoTime() - hookStart;
            hookBytes = threads.getCurrentThreadAllocatedBytes() - hookBytes;
            System.out.printf("sequential, %d each:%n", sequential);
            System.out.printf("  bare request (baseline): %.1f us, %d bytes allocated per request%n",
                    baseNanos / 1e3 / sequential, baseBytes / sequential);
            System.out.printf("  webhook (render, request, tags, fired-pixel insert): %.1f us, %d bytes per webhook%n",
                    hookNanos / 1e3 / sequential, hookBytes / sequential);
            System.out.printf("  overhead per webhook: %.1f us (ratio %.2f), %d bytes%n",
                    (hookNanos - baseNanos) / 1e3 / sequential, (double) hookNanos / baseNanos,
                    (hookBytes - baseBytes) / sequential);

            Webhook slow = webhook(account, receiver.url("/slow") + "?call=[call_uuid]");
            List<Webhook> many = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                many.add(slow);
            }
            System.gc();
            long heapBefore = usedHeap();
            long start = System.nanoTime();
            List<WebhookDispatcher.Fired> fired = dispatcher.fire(context, many, Optional.empty(), false);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            long errors = fired.stream().filter(f -> !f.pixel().errorKind().isEmpty() || f.pixel().status().orElse(0) != 200).count();
            long heapAfter = usedHeap();
            System.out.printf("concurrent: %d webhooks at a receiver holding each 2 s%n", concurrent);
            System.out.printf("  held in flight at once: %d, errors: %d, all done in %d ms%n", maxInFlight.get(), errors, elapsedMs);
            System.out.println("  outcomes: " + fired.stream()
                    .collect(java.util.stream.Collectors.groupingBy(
                            f -> f.pixel().errorKind().map(k -> k + " " + f.pixel().errorDetail().orElse(""))
                                    .orElse("status " + f.pixel().status().orElse(0)),
                            java.util.stream.Collectors.counting())));
            System.out.printf("  heap used before %d MiB, after %d MiB; RSS %d MiB%n", heapBefore >> 20, heapAfter >> 20, rss() >> 20);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Webhook webhook(AccountId account, String url) {
        return new Webhook(1, account, Webhook.Owner.CAMPAIGN, 1, "load", Trigger.ANSWERED, Optional.empty(),
                TagFilter.ANY, "GET", url, Map.of(), Optional.empty(), Webhook.BodyFormat.NONE, Duration.ofSeconds(10), Optional.empty(),
                java.time.Instant.EPOCH, java.time.Instant.EPOCH, Optional.empty(), Optional.empty());
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long rss() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }
}
