package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerProcess;

/**
 * The crash test of conversions: Switchboard runs as its own OS process ({@code org.switchboard.Main}) and is killed
 * with SIGKILL while buyers' postbacks are being accepted. After a restart on the same store, every postback that was
 * answered {@code SUCCESS} is there exactly once with its value, posting it again answers the same and changes
 * nothing, and the calls whose postbacks were cut by the kill are either still pending or converted once.
 *
 * <p>The kill lands after a randomly chosen share (25-60 %) of the postbacks were answered, so it always cuts
 * requests in flight; the seed is printed and named by the checks that fail. The server's output goes to
 * {@code target/crash-it/}, with a summary of each run (seed, outcomes, timings).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConversionCrashIT {
    private static final String API_KEY = "crash-it-first-account-api-key-0123456789";
    private static final String POSTGRES_URL = Optional.ofNullable(System.getenv("SWITCHBOARD_TEST_POSTGRES_URL"))
            .orElse("jdbc:postgresql://127.0.0.1:5432/test");
    private static final String POSTGRES_USER = "postgres";
    private static final int CALLS = 200;
    private static final int SETUP_THREADS = 16;
    private static final int POSTING_THREADS = 32;
    private static final BigDecimal PAYOUT_SHARE = new BigDecimal("0.8");
    private static final Duration START_LIMIT = Duration.ofSeconds(40);
    private static final Path LOG_DIR = Path.of("target", "crash-it");

    @Parameter
    Engine engine;

    private final List<ServerProcess> started = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private Path dataDir;
    private Optional<String> schema = Optional.empty();

    /** A failure carries the servers' logged problems (a 500 names only a request id; the log has its cause). */
    @RegisterExtension
    final TestExecutionExceptionHandler withServerProblems = (context, thrown) -> {
        String problems = started.stream()
                .map(ServerProcess::problems)
                .filter(text -> !text.isEmpty())
                .collect(Collectors.joining("\n"));
        if (problems.isEmpty()) {
            throw thrown;
        }
        throw new AssertionError(thrown.getMessage() + "\nwhat the servers logged:\n" + problems, thrown);
    };

    /** How one postback request ended, as the client saw it. */
    private enum Outcome {
        /** Answered {@code SUCCESS <uuid> <value>}. */
        SUCCESS,
        /** Answered with anything else (a FAILED line, a 500). Never expected. */
        OTHER_ANSWER,
        /** Sent, but the connection broke before an answer: the kill cut it in flight. */
        CUT,
        /** The server was already gone when the client connected. */
        REFUSED,
        /** Not sent: the kill had happened. */
        NOT_SENT
    }

    private record Posted(String uuid, BigDecimal value, Outcome outcome, String detail) {}

    @AfterEach
    void cleanUp() throws IOException {
        clients.forEach(client -> client.http().shutdownNow());
        started.forEach(ServerProcess::stop);
        try {
            schema.ifPresent(ConversionCrashIT::dropSchema);
        } finally {
            if (dataDir != null) {
                ProcessStore.deleteTree(dataDir);
            }
        }
    }

    private Client client(ServerProcess server) {
        Client client = new Client(server.base(), API_KEY);
        clients.add(client);
        return client;
    }

    @Test
    void everyPostbackAnsweredSuccessShouldSurviveAKillExactlyOnce() throws Exception {
        // given: a server process with a postback criterion (posted revenue, payout *0.8) and calls awaiting postbacks
        long testStart = System.nanoTime();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String run = engine + " seed " + seed;
        Map<String, String> env = environment();
        ServerProcess first = start(env, 1);
        log("%s: started in %d ms", run, millisSince(testStart));
        Client admin = client(first);
        long setupStart = System.nanoTime();
        Setup s = setUp(admin);
        List<String> uuids = placeCalls(admin, s);
        inParallel(
                uuids,
                uuid -> assertThat(conversion(admin, uuid).path("state").asText())
                        .as("%s: call %s before the postbacks", run, uuid)
                        .isEqualTo("pending"));
        Map<String, BigDecimal> uuidToValue = new LinkedHashMap<>();
        List<Integer> plan = new ArrayList<>();
        for (int i = 0; i < uuids.size(); i++) {
            // a distinct value per call, so a postback counted on the wrong call or twice shows
            uuidToValue.put(uuids.get(i), BigDecimal.valueOf(1_000 + 137L * i, 2));
            for (int copy = 0; copy < 1 + i % 3; copy++) {
                plan.add(i);
            }
        }
        Collections.shuffle(plan, random);
        int killAfter = plan.size() / 4 + random.nextInt(plan.size() * 35 / 100);
        log(
                "%s: %d calls placed in %d ms; %d postbacks planned, kill after %d answers",
                run, uuids.size(), millisSince(setupStart), plan.size(), killAfter);

        // when: postbacks stream in from many threads and the process is killed with SIGKILL mid-stream
        CountDownLatch killPoint = new CountDownLatch(killAfter);
        Results results = new Results(killPoint);
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger inFlight = new AtomicInteger();
        int inFlightAtKill;
        long postStart = System.nanoTime();
        Client poster = client(first);
        try (ExecutorService pool = Executors.newFixedThreadPool(POSTING_THREADS)) {
            List<Future<?>> sent = new ArrayList<>();
            for (int index : plan) {
                String uuid = uuids.get(index);
                BigDecimal value = uuidToValue.get(uuid);
                sent.add(pool.submit(() -> results.add(postOnce(poster, s.key(), uuid, value, killed, inFlight))));
            }
            try {
                Await.until(run + ": " + killAfter + " answers before the kill", Duration.ofSeconds(30), killPoint);
            } finally {
                // from here on nothing more is sent, even when the wait above failed
                killed.set(true);
            }
            inFlightAtKill = inFlight.get();
            first.kill();
            for (Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(first.process().isAlive()).as(run).isFalse();
        assertThat(first.process().exitValue())
                .as(run + ": exit status of a JVM killed by SIGKILL")
                .isEqualTo(128 + 9);
        assertThat(ProcessHandle.of(first.process().pid()).filter(ProcessHandle::isAlive))
                .as(run + ": the killed process")
                .isEmpty();
        List<Posted> posted = results.all();
        Map<Outcome, Long> counts = posted.stream()
                .collect(Collectors.groupingBy(
                        Posted::outcome, () -> new EnumMap<>(Outcome.class), Collectors.counting()));
        log(
                "%s: posting for %d ms, %d in flight at the kill; outcomes %s",
                run, millisSince(postStart), inFlightAtKill, counts);
        assertThat(posted)
                .as(run + ": every answer the server gave")
                .filteredOn(p -> p.outcome() == Outcome.OTHER_ANSWER)
                .isEmpty();
        assertThat(counts.getOrDefault(Outcome.CUT, 0L) + counts.getOrDefault(Outcome.REFUSED, 0L))
                .as(run + ": postbacks the kill cut or refused (else it did not land mid-stream)")
                .isPositive();

        long restartStart = System.nanoTime();
        ServerProcess second = start(env, 2);
        log("%s: restarted on the same store in %d ms", run, millisSince(restartStart));
        long checkStart = System.nanoTime();
        Client after = client(second);

        // then: every call answered SUCCESS is converted once with exactly its value; the others pending or converted
        Set<String> succeeded = posted.stream()
                .filter(p -> p.outcome() == Outcome.SUCCESS)
                .map(Posted::uuid)
                .collect(Collectors.toSet());
        List<JsonNode> conversions = mapInParallel(uuids, uuid -> conversion(after, uuid));
        Map<String, JsonNode> uuidToConversion = new HashMap<>();
        int convertedUnanswered = 0;
        int stillPending = 0;
        for (int i = 0; i < uuids.size(); i++) {
            String uuid = uuids.get(i);
            JsonNode conversion = conversions.get(i);
            uuidToConversion.put(uuid, conversion);
            BigDecimal value = uuidToValue.get(uuid);
            String state = conversion.path("state").asText();
            if (succeeded.contains(uuid)) {
                assertConvertedOnce(run, uuid, conversion, value, "its postback was answered SUCCESS");
            } else if (state.equals("pending")) {
                stillPending++;
            } else {
                // a postback may commit just before the kill without its answer reaching the client: then the call
                // is converted, and still only once, with its own value
                assertConvertedOnce(run, uuid, conversion, value, "converted, though no postback was answered");
                convertedUnanswered++;
            }
        }
        log(
                "%s: after the restart %d calls answered SUCCESS and converted, %d converted without an answer, %d pending",
                run, succeeded.size(), convertedUnanswered, stillPending);

        // then: the SUCCESS postbacks sent again answer the same and change nothing
        List<String> answered = List.copyOf(succeeded);
        inParallel(answered, uuid -> postAgain(run, after, s.key(), uuid, uuidToValue.get(uuid)));
        inParallel(
                answered,
                uuid -> assertThat(conversion(after, uuid))
                        .as(run + ": call " + uuid + " after its postback was sent again")
                        .isEqualTo(uuidToConversion.get(uuid)));

        // then: the server goes on working on the same store: the other postbacks, sent again, convert once
        List<String> unanswered =
                uuids.stream().filter(uuid -> !succeeded.contains(uuid)).toList();
        inParallel(unanswered, uuid -> {
            postAgain(run, after, s.key(), uuid, uuidToValue.get(uuid));
            assertConvertedOnce(
                    run, uuid, conversion(after, uuid), uuidToValue.get(uuid), "sent again after the restart");
        });
        log(
                "%s: checks after the restart took %d ms; all passed, %d ms in all",
                run, millisSince(checkStart), millisSince(testStart));
    }

    /** Sends the call's postback again; it must answer SUCCESS with the value. */
    private static void postAgain(String run, Client client, String key, String uuid, BigDecimal value) {
        Response again = client.postback(key, uuid, value);
        assertThat(again.body()).as(run + ": " + again).isEqualTo("SUCCESS " + uuid + " " + value.setScale(2));
    }

    private static void assertConvertedOnce(
            String run, String uuid, JsonNode conversion, BigDecimal value, String why) {
        String what = run + ": call " + uuid + " (" + why + ") " + conversion;
        assertThat(conversion.path("state").asText()).as(what).isEqualTo("converted");
        assertThat(conversion.path("revenue").decimalValue()).as(what).isEqualByComparingTo(value);
        assertThat(conversion.path("posted_value").decimalValue()).as(what).isEqualByComparingTo(value);
        assertThat(conversion.path("payout").decimalValue())
                .as(what)
                .isEqualByComparingTo(value.multiply(PAYOUT_SHARE));
    }

    /** Sends one postback unless the kill happened, and says how it ended. */
    private static Posted postOnce(
            Client client, String key, String uuid, BigDecimal value, AtomicBoolean killed, AtomicInteger inFlight) {
        if (killed.get()) {
            return new Posted(uuid, value, Outcome.NOT_SENT, "");
        }
        inFlight.incrementAndGet();
        try {
            Response answer = client.postback(key, uuid, value);
            boolean success =
                    answer.status() == 200 && answer.body().equals("SUCCESS " + uuid + " " + value.setScale(2));
            return new Posted(uuid, value, success ? Outcome.SUCCESS : Outcome.OTHER_ANSWER, answer.toString());
        } catch (UncheckedIOException e) {
            Outcome outcome = e.getCause() instanceof ConnectException ? Outcome.REFUSED : Outcome.CUT;
            return new Posted(uuid, value, outcome, String.valueOf(e.getCause()));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The postbacks' outcomes; each answer counts {@code answers} down. */
    private static final class Results {
        private final ConcurrentLinkedQueue<Posted> all = new ConcurrentLinkedQueue<>();
        private final CountDownLatch answers;

        Results(CountDownLatch answers) {
            this.answers = answers;
        }

        void add(Posted posted) {
            all.add(posted);
            if (posted.outcome() == Outcome.SUCCESS || posted.outcome() == Outcome.OTHER_ANSWER) {
                answers.countDown();
            }
        }

        List<Posted> all() {
            return List.copyOf(all);
        }
    }

    private record Setup(String number, String key) {}

    private static Setup setUp(Client api) {
        long campaign = created(api.post("/api/v2/campaigns", "{\"name\": \"Crash\"}"))
                .path("id")
                .asLong();
        String number = "+18665550177";
        created(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}"));
        long buyer = created(api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Closer\", \"destination\": \"+12125550701\", \"campaign_ids\": [" + campaign
                                + "]}"))
                .path("id")
                .asLong();
        String key = created(api.post(
                        "/api/v2/buyers/" + buyer + "/postback_keys",
                        "{\"type\": \"conversion\", \"name\": \"Closer conversions\"}"))
                .path("key")
                .asText();
        created(api.post(
                "/api/v2/campaigns/" + campaign + "/conversion_criteria",
                "{\"name\": \"Sale\", \"matches\": [\"system_buyer_id:" + buyer + "\"],"
                        + " \"trigger\": {\"type\": \"postback\"}, \"revenue\": {\"type\": \"posted\"},"
                        + " \"payout\": {\"type\": \"modifier\", \"modifier\": \"*0.8\"}}"));
        return new Setup(number, key);
    }

    /** Plays {@link #CALLS} calls that the buyer answers and that end, each then waiting for its postback. */
    private static List<String> placeCalls(Client api, Setup s) throws Exception {
        List<String> callers = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            callers.add("+1312555" + String.format("%04d", 1_000 + i));
        }
        return mapInParallel(callers, caller -> {
            Response arrived = api.post(
                    "/api/v2/call_control/calls",
                    "{\"carrier_call_id\": \"" + UUID.randomUUID() + "\", \"from\": \"" + caller + "\", \"to\": \""
                            + s.number() + "\"}");
            String uuid = created(arrived).path("call_uuid").asText();
            ok(api.post("/api/v2/call_control/calls/" + uuid + "/attempts/1", "{\"outcome\": \"answered\"}"));
            ok(api.post(
                    "/api/v2/call_control/calls/" + uuid + "/hangup",
                    "{\"duration_seconds\": 70, \"connected_seconds\": 60}"));
            return uuid;
        });
    }

    /** Applies {@code work} to every item on {@link #SETUP_THREADS} threads; results in order, failures as thrown. */
    private static <T, R> List<R> mapInParallel(List<T> items, Function<T, R> work) throws Exception {
        List<Future<R>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS)) {
            for (T item : items) {
                futures.add(pool.submit(() -> work.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                try {
                    results.add(future.get(60, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    if (e.getCause() instanceof Error error) {
                        throw error; // an assertion: reported as itself
                    }
                    throw e;
                }
            }
            return results;
        }
    }

    private static <T> void inParallel(List<T> items, Consumer<T> check) throws Exception {
        mapInParallel(items, item -> {
            check.accept(item);
            return item;
        });
    }

    private static JsonNode conversion(Client api, String uuid) {
        return ok(api.get("/api/v2/calls/" + uuid)).path("call").path("conversion");
    }

    private static JsonNode created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json();
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    /** The server's settings: a free port, a fresh data folder, and for PostgreSQL a fresh schema. */
    private Map<String, String> environment() throws IOException {
        dataDir = Files.createTempDirectory("switchboard-crash");
        Map<String, String> env = new HashMap<>();
        int port = ProcessStore.freePort();
        env.put("SWITCHBOARD_PORT", Integer.toString(port));
        env.put("SWITCHBOARD_PUBLIC_API_URL", "http://127.0.0.1:" + port);
        env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
        env.put("SWITCHBOARD_FIRST_ACCOUNT_API_KEY", API_KEY);
        if (engine == Engine.POSTGRESQL) {
            String name =
                    "sw_crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            createSchema(name);
            schema = Optional.of(name);
            env.put("SWITCHBOARD_DATABASE_URL", POSTGRES_URL + "?currentSchema=" + name);
            env.put("SWITCHBOARD_DATABASE_USER", POSTGRES_USER);
        }
        return Map.copyOf(env);
    }

    private ServerProcess start(Map<String, String> env, int run) throws Exception {
        Files.createDirectories(LOG_DIR);
        Path log = LOG_DIR.resolve("ConversionCrashIT-" + engine + "-" + run + ".log");
        ServerProcess server = ServerProcess.start(env, log);
        started.add(server);
        server.awaitReady(API_KEY, START_LIMIT);
        return server;
    }

    /** A small HTTP/1.1 client with the account's key; transport failures are {@link UncheckedIOException}s. */
    private record Client(String base, String key, HttpClient http) {
        Client(String base, String key) {
            this(
                    base,
                    key,
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(2))
                            .executor(Executors.newVirtualThreadPerTaskExecutor())
                            .build());
        }

        Response get(String path) {
            return send(request(path).GET());
        }

        Response post(String path, String json) {
            return send(request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)));
        }

        /** A buyer's conversion postback, as the buyer's system sends it: the key in the path, no other credential. */
        Response postback(String postbackKey, String uuid, BigDecimal value) {
            return send(HttpRequest.newBuilder(
                            URI.create(base + "/postbacks/" + postbackKey + "?call_uuid=" + uuid + "&value=" + value))
                    .timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.noBody()));
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + key);
        }

        private Response send(HttpRequest.Builder request) {
            return Api.send(http, request.build());
        }
    }

    private static void createSchema(String name) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
            connection.createStatement().execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            if (!"true".equals(System.getenv("CI"))) {
                Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES_URL + " (" + e.getMessage() + ")");
            }
            throw new IllegalStateException("PostgreSQL is required in CI but not reachable at " + POSTGRES_URL, e);
        }
    }

    private static void dropSchema(String name) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
            connection.createStatement().execute("DROP SCHEMA " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + name, e);
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }

    /** To the test's output and to a summary file both engines' runs add to (failsafe keeps one output per class). */
    private static void log(String format, Object... args) {
        String line = "[ConversionCrashIT] " + String.format(format, args);
        System.out.println(line);
        try {
            Files.createDirectories(LOG_DIR);
            Files.writeString(
                    LOG_DIR.resolve("ConversionCrashIT-summary.txt"),
                    line + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
