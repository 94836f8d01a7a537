package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerProcess;

/**
 * The crash test of the webhook outbox: Switchboard runs as its own process and is killed with SIGKILL twice, once
 * while calls end and convert (their hang-ups in flight) and once while their post-call webhooks are being delivered
 * to a slow receiver. After the last restart on the same store: every due post-call webhook of every ended call
 * reached the receiver at least once; each delivery the store recorded delivered has exactly one successful attempt;
 * the receiver got no request beyond the recorded attempts but those in flight at a kill (at most the workers of a
 * node per kill); and per call connect and conversion / non_conversion all came before always.
 *
 * <p>The kills land at random moments (the seed is printed); the server's output goes to {@code target/crash-it/}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
@Timeout(value = 480, unit = TimeUnit.SECONDS)
class DeliveryCrashIT {
    private static final String API_KEY = "delivery-crash-it-first-account-api-key-0123";
    private static final String POSTGRES_URL = Optional.ofNullable(System.getenv("SWITCHBOARD_TEST_POSTGRES_URL"))
            .orElse("jdbc:postgresql://127.0.0.1:5432/test");
    private static final int CALLS = 200;
    private static final int WORKERS = 32;
    private static final int KILLS = 2;
    /** Longer than a decision takes on a busy machine, so a node never takes up work a live one is still doing. */
    private static final String RECOVERY_GRACE = "3s";

    private static final Path LOG_DIR = Path.of("target", "crash-it");

    @Parameter
    Engine engine;

    private final List<ServerProcess> started = new ArrayList<>();
    private Receiver receiver;
    private Path dataDir;
    private Optional<String> schema = Optional.empty();

    @AfterEach
    void cleanUp() throws IOException {
        started.forEach(ServerProcess::stop);
        if (receiver != null) {
            receiver.close();
        }
        try {
            schema.ifPresent(DeliveryCrashIT::dropSchema);
        } finally {
            if (dataDir != null) {
                ProcessStore.deleteTree(dataDir);
            }
        }
    }

    /** A request the receiver got: which call, which trigger, which webhook-id, in arrival order. */
    private record Got(String call, String trigger, String webhookId, long order) {}

    @Test
    void everyDuePostCallWebhookShouldArriveOnceAcknowledgedInOrderThroughKills() throws Exception {
        // given: a receiver answering 200 after 20-80 ms, and a server with four post-call webhooks per call
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String run = engine + " seed " + seed;
        AtomicInteger arrivals = new AtomicInteger();
        List<Got> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        receiver = new Receiver().on("/hook", exchange -> {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            got.add(new Got(
                    query.get("call"),
                    query.get("t"),
                    exchange.getRequestHeaders().getFirst("webhook-id"),
                    arrivals.incrementAndGet()));
            try {
                Thread.sleep(20 + ThreadLocalRandom.current().nextInt(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Receiver.respond(200, "text/plain", "ok").answer(exchange);
        });
        Map<String, String> env = environment();
        ServerProcess first = start(env, 1);
        Api api = Api.forKey(first.base(), API_KEY);
        String number = setUp(api, receiver.url("/hook"));
        List<String> uuids = mapInParallel(range(CALLS), i -> liveCall(api, number, i));
        log("%s: %d live calls", run, uuids.size());

        // when: the calls hang up (half long enough to convert) and the server is killed mid-stream
        int killAfter = CALLS / 5 + random.nextInt(CALLS / 2);
        AtomicInteger hungUp = new AtomicInteger();
        CountDownLatch killPoint = new CountDownLatch(killAfter);
        List<Future<?>> hangups = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < CALLS; i++) {
                String uuid = uuids.get(i);
                int connected = i % 2 == 0 ? 60 : 10;
                hangups.add(pool.submit(() -> {
                    try {
                        hangUp(api, uuid, connected);
                        hungUp.incrementAndGet();
                        killPoint.countDown();
                    } catch (UncheckedIOException e) {
                        // cut by the kill: hung up again after the restart
                    }
                }));
            }
            Await.until(killAfter + " hang-ups before the first kill", Duration.ofSeconds(60), killPoint);
            first.kill();
        }
        log("%s: first kill after %d hang-ups answered, %d webhook requests received", run, hungUp.get(), got.size());

        ServerProcess second = start(env, 2);
        Api again = Api.forKey(second.base(), API_KEY);
        // calls whose hang-up the kill cut are hung up again (an ended call answers without change)
        mapInParallel(range(CALLS), i -> {
            hangUp(again, uuids.get(i), i % 2 == 0 ? 60 : 10);
            return i;
        });
        // a call the first kill caught between its end and its decision is decided by this node's poller (at its
        // first sweep once the call ended RECOVERY_GRACE ago): waited for here, where it comes soonest
        Map<String, Set<String>> uuidToDue = due(again, uuids);
        int expected = uuidToDue.values().stream().mapToInt(Set::size).sum();
        // (when everything has arrived already, as it may once the first node's claims have passed on, the second
        // kill comes at once)
        int atSecondKill =
                Math.min(expected, got.size() + 1 + random.nextInt(Math.max(1, (expected - got.size()) / 2)));
        awaitOrExplain(
                "webhooks before the second kill", Duration.ofSeconds(90), again, () -> got.size() >= atSecondKill);
        second.kill();
        log("%s: second kill with %d of %d due webhooks received", run, got.size(), expected);

        // then: after the last restart every due webhook arrives
        ServerProcess third = start(env, 3);
        Api last = Api.forKey(third.base(), API_KEY);
        // the killed node's claims pass to the new one when their lease (10 s here) runs out
        awaitOrExplain(
                "every due webhook at the receiver",
                Duration.ofSeconds(150),
                last,
                () -> missing(uuidToDue, got).isEmpty());
        Await.until(
                "every delivery finished",
                Duration.ofSeconds(30),
                () -> last.get("/api/v2/webhook_deliveries?state=pending&per_page=1")
                                .header("X-Total-Count")
                                .equals("0")
                        && last.get("/api/v2/webhook_deliveries?state=retrying&per_page=1")
                                .header("X-Total-Count")
                                .equals("0"));
        Map<String, List<Got>> callToGot = got.stream().collect(Collectors.groupingBy(Got::call));
        Map<String, Long> idToCount =
                got.stream().collect(Collectors.groupingBy(Got::webhookId, Collectors.counting()));
        long repeated = idToCount.values().stream().filter(n -> n > 1).count();
        AtomicLong unrecorded = new AtomicLong();
        log("%s: %d requests for %d due webhooks; %d webhook-ids repeated", run, got.size(), expected, repeated);
        for (String uuid : uuids) {
            List<Got> mine = callToGot.getOrDefault(uuid, List.of());
            Set<String> triggers = mine.stream().map(Got::trigger).collect(Collectors.toCollection(TreeSet::new));
            assertThat(triggers)
                    .as(run + ": triggers received for call " + uuid)
                    .isEqualTo(new TreeSet<>(uuidToDue.get(uuid)));
            long firstAlways = mine.stream()
                    .filter(g -> g.trigger().equals("always"))
                    .mapToLong(Got::order)
                    .min()
                    .orElseThrow();
            assertThat(mine)
                    .as(run + ": call " + uuid + "'s other webhooks before its always")
                    .filteredOn(g -> !g.trigger().equals("always"))
                    .allMatch(g -> g.order() < firstAlways);
            // the store records each delivery delivered with exactly one successful attempt; a request the receiver
            // got beyond the attempts recorded is one a kill cut between the receiver's answer and the record
            for (JsonNode delivery :
                    last.get("/api/v2/webhook_deliveries?call_uuid=" + uuid).json()) {
                assertThat(delivery.path("state").asText())
                        .as(run + ": " + delivery)
                        .isEqualTo("delivered");
                List<JsonNode> attempts = new ArrayList<>();
                last.get("/api/v2/webhook_deliveries/" + delivery.path("id").asLong())
                        .json()
                        .path("attempts")
                        .forEach(attempts::add);
                assertThat(attempts)
                        .as(run + ": successful attempts of " + delivery)
                        .filteredOn(a -> a.path("status").asInt() == 200)
                        .hasSize(1);
                long recorded = attempts.stream()
                        .filter(a -> !a.path("status").isNull()
                                || List.of("timeout", "io")
                                        .contains(a.path("error").asText()))
                        .count();
                long receipts = idToCount.getOrDefault(
                        delivery.path("webhook_message_id").asText(), 0L);
                assertThat(receipts)
                        .as(run + ": requests received for " + delivery + " against " + recorded + " recorded")
                        .isBetween(1L, recorded + KILLS);
                unrecorded.addAndGet(Math.max(0, receipts - recorded));
            }
        }
        log("%s: %d requests received beyond the recorded attempts", run, unrecorded.get());
        assertThat(unrecorded.get())
                .as(run + ": requests received but not recorded (only those in flight at a kill)")
                .isLessThanOrEqualTo((long) KILLS * WORKERS);
    }

    /** Waits like {@link Await#until}; when it fails, says what the outbox holds. */
    private static void awaitOrExplain(
            String what, Duration within, Api api, java.util.function.BooleanSupplier condition) {
        try {
            Await.until(what, within, condition);
        } catch (AssertionError e) {
            StringBuilder state = new StringBuilder(e.getMessage()).append("; the outbox:");
            for (String word : List.of("pending", "retrying", "delivered", "failed", "cancelled")) {
                Response page = api.get("/api/v2/webhook_deliveries?per_page=3&state=" + word);
                state.append("\n  ").append(word).append(": ").append(page.header("X-Total-Count"));
                if (word.equals("pending") || word.equals("retrying")) {
                    state.append(" e.g. ").append(page.body());
                }
            }
            throw new AssertionError(state.toString(), e);
        }
    }

    /**
     * Per call, the post-call triggers due: connect, conversion or non_conversion by its decision, always. A call the
     * kill caught between its end and its decision is decided by the restarted server's poller: waited for, 90 s at
     * most (it takes seconds).
     */
    private static Map<String, Set<String>> due(Api api, List<String> uuids) {
        Map<String, Set<String>> uuidToDue = new LinkedHashMap<>();
        Await.until(
                "every call decided (the poller decides those the kill caught before their decision)",
                Duration.ofSeconds(90),
                () -> {
                    uuidToDue.putAll(decided(
                            api,
                            uuids.stream()
                                    .filter(uuid -> !uuidToDue.containsKey(uuid))
                                    .toList()));
                    return uuids.stream()
                            .filter(uuid -> !uuidToDue.containsKey(uuid))
                            .toList();
                },
                List::isEmpty);
        return uuidToDue;
    }

    /** The post-call triggers due for each of the calls that is decided now (all of them ended). */
    private static Map<String, Set<String>> decided(Api api, List<String> uuids) {
        List<JsonNode> calls = mapInParallelUnchecked(
                uuids, uuid -> api.get("/api/v2/calls/" + uuid).json().path("call"));
        Map<String, Set<String>> uuidToDue = new LinkedHashMap<>();
        for (int i = 0; i < uuids.size(); i++) {
            JsonNode call = calls.get(i);
            assertThat(call.path("status").asText()).as(call.toString()).isEqualTo("completed");
            String decision = call.path("conversion").path("state").asText();
            if (!decision.isEmpty()) {
                assertThat(decision).as(call.toString()).isIn("converted", "not_converted");
                uuidToDue.put(
                        uuids.get(i),
                        Set.of("connect", decision.equals("converted") ? "conversion" : "non_conversion", "always"));
            }
        }
        return uuidToDue;
    }

    private static List<String> missing(Map<String, Set<String>> uuidToDue, List<Got> got) {
        Set<String> received =
                got.stream().map(g -> g.call() + " " + g.trigger()).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        uuidToDue.forEach((uuid, triggers) -> triggers.stream()
                .map(t -> uuid + " " + t)
                .filter(key -> !received.contains(key))
                .forEach(missing::add));
        return missing;
    }

    /** A campaign with a buyer, a 30-second criterion and four signed post-call webhooks at {@code hookUrl}. */
    private static String setUp(Api api, String hookUrl) {
        long campaign = created(api.post("/api/v2/campaigns", "{\"name\": \"Crash\"}"));
        String number = "+18665550178";
        created(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}"));
        created(api.post(
                "/api/v2/buyers",
                "{\"name\": \"Closer\", \"destination\": \"+12125550701\", \"campaign_ids\": [" + campaign + "]}"));
        created(api.post(
                "/api/v2/campaigns/" + campaign + "/conversion_criteria",
                "{\"name\": \"Thirty seconds\", \"trigger\": {\"type\": \"duration\", \"seconds\": 30},"
                        + " \"revenue\": {\"type\": \"static\", \"amount\": \"10.00\"}}"));
        for (String trigger : List.of("connect", "conversion", "non_conversion", "always")) {
            created(api.post(
                    "/api/v2/campaigns/" + campaign + "/webhooks",
                    "{\"name\": \"" + trigger + "\", \"trigger\": \"" + trigger + "\", \"signed\": true, \"url\": \""
                            + hookUrl + "?t=" + trigger + "&call=[call_uuid]\"}"));
        }
        return number;
    }

    /** A call that arrived and that the buyer answered. */
    private static String liveCall(Api api, String number, int i) {
        Response arrived = api.post(
                "/api/v2/call_control/calls",
                "{\"carrier_call_id\": \"" + UUID.randomUUID() + "\", \"from\": \"+1312555" + (1000 + i) + "\","
                        + " \"to\": \"" + number + "\"}");
        assertThat(arrived.status()).as(arrived.toString()).isEqualTo(201);
        String uuid = arrived.json().path("call_uuid").asText();
        Response answered =
                api.post("/api/v2/call_control/calls/" + uuid + "/attempts/1", "{\"outcome\": \"answered\"}");
        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        return uuid;
    }

    private static void hangUp(Api api, String uuid, int connected) {
        api.post(
                "/api/v2/call_control/calls/" + uuid + "/hangup",
                "{\"duration_seconds\": " + (connected + 10) + ", \"connected_seconds\": " + connected + "}");
    }

    private static long created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().path("id").asLong();
    }

    private static List<Integer> range(int n) {
        return Stream.iterate(0, i -> i + 1).limit(n).toList();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        pair.substring(0, eq),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static <T, R> List<R> mapInParallelUnchecked(List<T> items, Function<T, R> work) {
        try {
            return mapInParallel(items, work);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T, R> List<R> mapInParallel(List<T> items, Function<T, R> work) throws Exception {
        List<Future<R>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (T item : items) {
                futures.add(pool.submit(() -> work.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    private Map<String, String> environment() throws IOException {
        dataDir = Files.createTempDirectory("switchboard-delivery-crash");
        Map<String, String> env = new HashMap<>();
        int port = ProcessStore.freePort();
        env.put("SWITCHBOARD_PORT", Integer.toString(port));
        env.put("SWITCHBOARD_PUBLIC_API_URL", "http://127.0.0.1:" + port);
        env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
        env.put("SWITCHBOARD_FIRST_ACCOUNT_API_KEY", API_KEY);
        env.put("SWITCHBOARD_OUTBOUND_ALLOW_CIDRS", "127.0.0.0/8");
        env.put("SWITCHBOARD_WEBHOOK_DELIVERY_WORKERS", Integer.toString(WORKERS));
        // the killed node's claims pass to the next one when their lease runs out: 10 s here instead of 60
        env.put("SWITCHBOARD_WEBHOOK_DELIVERY_LEASE", "10s");
        env.put("SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE", "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s");
        // the work a killed node left (calls ended undecided, decisions with their webhooks unqueued) is taken up
        // RECOVERY_GRACE after it was left, looked for every second here instead of 30 s and 30 s
        env.put("SWITCHBOARD_CONVERSION_RECOVERY_GRACE", RECOVERY_GRACE);
        env.put("SWITCHBOARD_CONVERSION_SWEEP_EVERY", "1s");
        if (engine == Engine.POSTGRESQL) {
            String name =
                    "sw_dcrash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            createSchema(name);
            schema = Optional.of(name);
            env.put("SWITCHBOARD_DATABASE_URL", POSTGRES_URL + "?currentSchema=" + name);
            env.put("SWITCHBOARD_DATABASE_USER", "postgres");
        }
        return Map.copyOf(env);
    }

    private ServerProcess start(Map<String, String> env, int run) throws Exception {
        Files.createDirectories(LOG_DIR);
        ServerProcess server =
                ServerProcess.start(env, LOG_DIR.resolve("DeliveryCrashIT-" + engine + "-" + run + ".log"));
        started.add(server);
        server.awaitReady(API_KEY, Duration.ofSeconds(90));
        return server;
    }

    private static void createSchema(String name) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, "postgres", "")) {
            connection.createStatement().execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            if (!"true".equals(System.getenv("CI"))) {
                Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES_URL + " (" + e.getMessage() + ")");
            }
            throw new IllegalStateException("PostgreSQL is required in CI but not reachable at " + POSTGRES_URL, e);
        }
    }

    private static void dropSchema(String name) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, "postgres", "")) {
            connection.createStatement().execute("DROP SCHEMA " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + name, e);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[DeliveryCrashIT] " + String.format(format, args));
    }
}
