package org.switchboard.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.switchboard.Wiring;
import org.switchboard.platform.config.ConfigLoader;
import org.switchboard.testing.MutableClock;

/**
 * A simulated day of calls, then the money report timed against baselines of the same run.
 *
 * <p>Starts the real server in-process on a fresh SQLite store (or a fresh schema of the PostgreSQL database given with
 * {@code --postgres=jdbc:postgresql://...}), on a clock the simulation moves. Through the admin API it creates an
 * account with 3 campaigns, 5 publishers (and tracking numbers, some without a publisher), 8 buyers, conversion
 * criteria (duration with static revenue and percentage or modifier payouts, postback with posted revenue and modifier
 * payouts, two buyers' own criteria) and conversion keys. Then it plays N calls (default 10,000) over one day in New
 * York, everything through the public APIs: the call-control API (arrive, each dial attempt's outcome, hang-up) and
 * buyers' postbacks, in time order, the clock set to each event's time. Starts follow a day's curve (busy 9:00-20:00);
 * callers sometimes hang up while it rings; buyers answer, miss or are busy (the call fails over); connected calls last
 * from seconds to a quarter of an hour; about half of the Home Services calls that reach a minute get a postback 1 to
 * 25 minutes after the end (some after the 10-minute timeout: late conversions). The simulation stops five minutes
 * after midnight, so calls still connected stay live and postbacks not yet due stay pending, as in a report read just
 * after the day.
 *
 * <p>Then it times the report for each grouping (the New York day, campaign, publisher, buyer) against two baselines,
 * {@code GET /health} (the HTTP server alone) and {@code GET /api/v2/calls?per_page=1} (key lookup, a count of the
 * day's calls and one row): warm-up rounds, then rounds that request every endpoint once in turn, medians compared.
 *
 * <p>Usage: {@code make bench-report}, or {@code ./mvnw -q -Pbench test-compile exec:exec
 * -Dbench.main=org.switchboard.bench.SimulatedDay -Dbench.args="10000 [--postgres=URL] [--keep] [--disk] [--rounds=31] [--reuse=DIR] [--from=DATE --to=DATE]"}.
 * {@code --keep} leaves the SQLite store (or the PostgreSQL schema) in place for inspection; {@code --disk} keeps it on disk rather than in
 * {@code /dev/shm} (every SQLite commit then waits for an fsync: about half an hour for 10,000 calls here);
 * {@code --reuse=DIR} times the report again on a SQLite store kept before, without playing the day; {@code --from} and
 * {@code --to} (New York dates) report and time another range than the simulated day.
 */
public final class SimulatedDay {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final LocalDate DAY = LocalDate.parse("2026-12-01");
    private static final String OPERATOR = "operator-token-for-the-simulated-day-0123";
    private static final int[] HOUR_WEIGHTS = {1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 12, 11, 11, 11, 11, 10, 9, 8, 6, 4, 3,
            2, 1};
    private static final String[] POSTED = {"25", "40", "47.5", "62.35", "89.99", "120.125", "12.345678", "1.6757"};
    private static final String[] AREA_CODES = {"212", "312", "415", "305", "617", "713", "404", "602", "206", "303"};

    /** Reads amounts as the exact decimals the server wrote (the platform's reader would make doubles of them). */
    private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Random random = new Random(42);
    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final MutableClock clock;
    private final String base;
    private String key;

    private SimulatedDay(MutableClock clock, String base) {
        this.clock = clock;
        this.base = base;
    }

    /** A campaign of the simulation: its tracking numbers (with their publisher, or none) and buyers. */
    private record Campaign(long id, String name, int weight, List<String> numbers, List<Long> buyers) {}

    /** What happens next to a call, and when. */
    private record Event(long at, long seq, Step step) {}

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** What the driver saw, to check the report against. */
    private final Map<String, Integer> tally = new LinkedHashMap<>();

    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long seq;
    private final Map<Long, String> buyerToPostbackKey = new HashMap<>();
    private final Map<Long, Campaign> campaignsById = new HashMap<>();

    public static void main(String[] args) throws Exception {
        int calls = 10_000;
        Optional<String> postgres = Optional.empty();
        boolean keep = false;
        boolean disk = false;
        Optional<Path> reuse = Optional.empty();
        LocalDate from = DAY;
        LocalDate to = DAY.plusDays(1);
        int rounds = 31;
        for (String arg : args) {
            if (arg.startsWith("--postgres=")) {
                postgres = Optional.of(arg.substring("--postgres=".length()));
            } else if (arg.startsWith("--reuse=")) {
                reuse = Optional.of(Path.of(arg.substring("--reuse=".length())));
                keep = true;
            } else if (arg.startsWith("--from=")) {
                from = LocalDate.parse(arg.substring("--from=".length()));
            } else if (arg.startsWith("--to=")) {
                to = LocalDate.parse(arg.substring("--to=".length()));
            } else if (arg.equals("--disk")) {
                disk = true;
            } else if (arg.equals("--keep")) {
                keep = true;
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(arg.substring("--rounds=".length()));
            } else {
                calls = Integer.parseInt(arg);
            }
        }
        // SQLite commits with synchronous=FULL: on this machine's disk every commit waits ~5 ms for its fsync, and
        // playing a call takes a dozen commits. The store goes to memory (tmpfs) unless --disk, so the day plays in
        // minutes; the report only reads, from the page cache either way.
        Path shm = Path.of("/dev/shm");
        Path dataDir = reuse.isPresent()
                ? reuse.get()
                : !disk && Files.isDirectory(shm) && Files.isWritable(shm)
                        ? Files.createTempDirectory(shm, "simulated-day")
                        : Files.createTempDirectory("simulated-day");
        Map<String, String> env = new HashMap<>();
        env.put("SWITCHBOARD_PORT", "0");
        env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
        env.put("SWITCHBOARD_OPERATOR_TOKEN", OPERATOR);
        Optional<String> schema = Optional.empty();
        if (postgres.isPresent()) {
            schema = Optional.of("sw_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
            try (Connection c = DriverManager.getConnection(postgres.get(), "postgres", "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema.get());
            }
            env.put("SWITCHBOARD_DATABASE_URL", postgres.get() + "?currentSchema=" + schema.get());
            env.put("SWITCHBOARD_DATABASE_USER", "postgres");
        }
        Instant dayStart = DAY.atStartOfDay(NEW_YORK).toInstant();
        MutableClock clock = new MutableClock(dayStart.minus(Duration.ofHours(1)));
        String store = postgres.map(url -> "PostgreSQL " + url).orElse("SQLite " + dataDir.resolve("switchboard.db"));
        try (Wiring wiring = Wiring.start(ConfigLoader.load(env), clock)) {
            SimulatedDay day = new SimulatedDay(clock, "http://127.0.0.1:" + wiring.port());
            System.out.printf("store: %s; %d CPUs; JDK %s%n", store, Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
            day.reportFrom = from;
            day.reportTo = to;
            Path keyFile = dataDir.resolve("simulated-day.key");
            if (reuse.isPresent()) {
                day.key = Files.readString(keyFile).strip();
                clock.set(dayStart.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(5)));
                System.out.println("reusing the day played before in " + dataDir);
            } else {
                day.setUp();
                Files.writeString(keyFile, day.key);
                long started = System.nanoTime();
                day.play(calls, dayStart);
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("played %d calls through the call-control API and postbacks in %.1f s (%.0f requests/s): %s%n",
                        calls, seconds, day.tally.getOrDefault("requests", 0) / seconds, day.tally);
            }
            day.printReport();
            day.time(rounds);
        } finally {
            if (schema.isPresent() && keep) {
                System.out.println("kept schema " + schema.get());
            } else if (schema.isPresent()) {
                try (Connection c = DriverManager.getConnection(postgres.get(), "postgres", "")) {
                    c.createStatement().execute("DROP SCHEMA " + schema.get() + " CASCADE");
                }
            }
            if (keep && postgres.isEmpty()) {
                System.out.println("kept " + dataDir);
            } else {
                try (var files = Files.walk(dataDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    // --- set-up through the admin API ---------------------------------------------------------------------------

    private void setUp() throws Exception {
        JsonNode account = send("POST", "/api/v2/accounts", "{\"name\": \"Simulated day\"}", OPERATOR);
        key = account.path("api_key").path("key").asText();
        long[] publishers = new long[5];
        for (int i = 0; i < publishers.length; i++) {
            publishers[i] = post("/api/v2/publishers", "{\"name\": \"Publisher " + (char) ('A' + i) + "\"}").path("id").asLong();
        }
        Campaign auto = campaign("Auto Insurance", 50, new long[] {publishers[0], publishers[1], publishers[2], 0},
                new String[] {"Auto Buyer 1", "Auto Buyer 2", "Auto Buyer 3"});
        Campaign home = campaign("Home Services", 30, new long[] {publishers[1], publishers[3], 0},
                new String[] {"Home Buyer 1", "Home Buyer 2", "Home Buyer 3"});
        Campaign medicare = campaign("Medicare", 20, new long[] {publishers[2], publishers[4], publishers[0]},
                new String[] {"Medicare Buyer 1", "Medicare Buyer 2"});
        // Auto: Publisher C's calls need two minutes and pay through a modifier; the others 90 s at 70% of 35
        criterion("campaigns", auto.id(), """
                {"name": "Publisher C", "matches": ["publisher_id:%d"], "trigger": {"type": "duration", "seconds": 120},
                 "revenue": {"type": "static", "amount": "42.5"}, "payout": {"type": "modifier", "modifier": "*0.65+1.25"}}"""
                .formatted(publishers[2]));
        criterion("campaigns", auto.id(), """
                {"name": "Ninety seconds", "trigger": {"type": "duration", "seconds": 90},
                 "revenue": {"type": "static", "amount": 35}, "payout": {"type": "percent", "percent": 70}}""");
        // Home: converts on the buyer's postback for the posted value; Publisher D is paid less
        String homeBuyers = String.join(", ", home.buyers().stream().map(b -> "\"system_buyer_id:" + b + "\"").toList());
        criterion("campaigns", home.id(), """
                {"name": "Sale via D", "matches": ["publisher_id:%d"], "trigger": {"type": "postback"},
                 "revenue": {"type": "posted"}, "payout": {"type": "modifier", "modifier": "*0.7-2"}}"""
                .formatted(publishers[3]));
        criterion("campaigns", home.id(), """
                {"name": "Sale", "matches": [%s], "trigger": {"type": "postback"},
                 "revenue": {"type": "posted"}, "payout": {"type": "modifier", "modifier": "*0.8"}}"""
                .formatted(homeBuyers));
        // Medicare: two minutes, sub-cent revenue, 65% payout (30.662905)
        criterion("campaigns", medicare.id(), """
                {"name": "Two minutes", "trigger": {"type": "duration", "seconds": 120},
                 "revenue": {"type": "static", "amount": "47.1737"}, "payout": {"type": "percent", "percent": 65}}""");
        // two buyers keep their own view of their revenue
        criterion("buyers", auto.buyers().get(0), """
                {"name": "Own view", "trigger": {"type": "duration", "seconds": 60},
                 "revenue": {"type": "static", "amount": 30}}""");
        criterion("buyers", medicare.buyers().get(0), """
                {"name": "Own view", "trigger": {"type": "duration", "seconds": 90},
                 "revenue": {"type": "static", "amount": "19.99"}}""");
        for (long buyer : home.buyers()) {
            buyerToPostbackKey.put(buyer, post("/api/v2/buyers/" + buyer + "/postback_keys",
                    "{\"type\": \"conversion\", \"name\": \"sales\"}").path("key").asText());
        }
        System.out.println("set up: 3 campaigns, 5 publishers, 10 tracking numbers, 8 buyers, 7 criteria, 3 conversion keys");
    }

    private static int nextNumber = 1000;

    private Campaign campaign(String name, int weight, long[] publishers, String[] buyerNames) throws Exception {
        long id = post("/api/v2/campaigns", "{\"name\": \"" + name + "\", \"time_zone\": \"America/New_York\"}")
                .path("id").asLong();
        List<String> numbers = new ArrayList<>();
        for (long publisher : publishers) {
            String number = "+1866555" + (nextNumber++);
            post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + id
                    + (publisher == 0 ? "" : ", \"publisher_id\": " + publisher) + "}");
            numbers.add(number);
        }
        List<Long> buyers = new ArrayList<>();
        for (int i = 0; i < buyerNames.length; i++) {
            buyers.add(post("/api/v2/buyers", "{\"name\": \"" + buyerNames[i] + "\", \"destination\": \"+1212555"
                    + (2000 + buyers.size() + 10 * (int) (id % 10)) + "\", \"priority\": " + (1 + i / 2)
                    + ", \"weight\": " + (10 + 5 * i) + ", \"campaign_ids\": [" + id + "]}").path("id").asLong());
        }
        Campaign campaign = new Campaign(id, name, weight, numbers, buyers);
        campaignsById.put(id, campaign);
        return campaign;
    }

    private void criterion(String owner, long id, String json) throws Exception {
        post("/api/v2/" + owner + "/" + id + "/conversion_criteria", json);
    }

    // --- the day ---------------------------------------------------------------------------------------------------

    private void play(int calls, Instant dayStart) throws Exception {
        List<Campaign> campaigns = new ArrayList<>(campaignsById.values());
        campaigns.sort((a, b) -> Long.compare(a.id(), b.id()));
        int totalWeight = Arrays.stream(HOUR_WEIGHTS).sum();
        for (int i = 0; i < calls; i++) {
            int pick = random.nextInt(totalWeight);
            int hour = 0;
            while (pick >= HOUR_WEIGHTS[hour]) {
                pick -= HOUR_WEIGHTS[hour++];
            }
            long at = DAY.atTime(hour, 0).atZone(NEW_YORK).toInstant().toEpochMilli() + random.nextLong(3_600_000L);
            Campaign campaign = pickCampaign(campaigns);
            String number = campaign.numbers().get(random.nextInt(campaign.numbers().size()));
            String caller = caller();
            schedule(at, () -> arrive(campaign, number, caller));
        }
        long stop = dayStart.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(5)).toEpochMilli();
        while (!events.isEmpty() && events.peek().at() <= stop) {
            Event event = events.poll();
            if (event.at() > clock.millis()) {
                clock.set(Instant.ofEpochMilli(event.at()));
            }
            event.step().run();
        }
        long live = events.stream().filter(e -> e.step() instanceof Hangup).count();
        count("left live at 00:05", (int) live);
        count("postbacks not yet sent at 00:05", (int) events.stream().filter(e -> e.step() instanceof Postback).count());
        events.clear();
        clock.set(Instant.ofEpochMilli(stop));
    }

    private Campaign pickCampaign(List<Campaign> campaigns) {
        int pick = random.nextInt(campaigns.stream().mapToInt(Campaign::weight).sum());
        for (Campaign c : campaigns) {
            if (pick < c.weight()) {
                return c;
            }
            pick -= c.weight();
        }
        throw new IllegalStateException();
    }

    private String caller() {
        int exchange;
        do {
            exchange = 201 + random.nextInt(788);
        } while (exchange % 100 == 11 || exchange == 555);
        return "+1" + AREA_CODES[random.nextInt(AREA_CODES.length)] + exchange + String.format("%04d", random.nextInt(10_000));
    }

    private void schedule(long at, Step step) {
        events.add(new Event(at, seq++, step));
    }

    private void arrive(Campaign campaign, String number, String caller) throws Exception {
        JsonNode step = post("/api/v2/call_control/calls",
                "{\"carrier_call_id\": \"" + UUID.randomUUID() + "\", \"from\": \"" + caller + "\", \"to\": \"" + number + "\"}");
        count("calls", 1);
        uuidToStart.put(step.path("call_uuid").asText(), clock.millis());
        follow(campaign, step.path("call_uuid").asText(), step.path("instruction"), 0);
    }

    /** Acts on the instruction the server gave: dial a buyer (who answers or not), or the call is over. */
    private void follow(Campaign campaign, String uuid, JsonNode instruction, long connectedSinceMillis) {
        String action = instruction.path("action").asText();
        long now = clock.millis();
        switch (action) {
            case "dial" -> {
                int attempt = instruction.path("attempt").asInt();
                long buyer = instruction.path("buyer_id").asLong();
                long ring = 6_000 + random.nextLong(19_000);
                if (attempt == 1 && random.nextDouble() < 0.06) {
                    // the caller gives up while it rings
                    schedule(now + ring / 2, new Hangup(this, campaign, uuid, buyer, (int) (ring / 2000), 0));
                    return;
                }
                double r = random.nextDouble();
                String outcome = r < 0.78 ? "answered" : r < 0.95 ? "no_answer" : "busy";
                schedule(now + ring, () -> attemptEnded(campaign, uuid, attempt, buyer, outcome));
            }
            case "connect" -> {
                // never reached: connect is answered to the attempt, handled in attemptEnded
            }
            default -> count("calls ended by the server (" + action + ")", 1);
        }
    }

    private void attemptEnded(Campaign campaign, String uuid, int attempt, long buyer, String outcome) throws Exception {
        JsonNode step = post("/api/v2/call_control/calls/" + uuid + "/attempts/" + attempt, "{\"outcome\": \"" + outcome + "\"}");
        JsonNode instruction = step.path("instruction");
        if (instruction.path("action").asText().equals("connect")) {
            count("answered", 1);
            double r = random.nextDouble();
            int seconds = r < 0.30 ? 5 + random.nextInt(55) : r < 0.65 ? 60 + random.nextInt(121) : 180 + random.nextInt(721);
            int rang = (int) ((clock.millis() - startedAt(uuid)) / 1000);
            schedule(clock.millis() + seconds * 1000L, new Hangup(this, campaign, uuid, buyer, rang + seconds, seconds));
            return;
        }
        follow(campaign, uuid, instruction, 0);
    }

    private final Map<String, Long> uuidToStart = new HashMap<>();

    private long startedAt(String uuid) {
        return uuidToStart.getOrDefault(uuid, clock.millis());
    }

    /** The call ends: the caller or the buyer hangs up. */
    private record Hangup(SimulatedDay day, Campaign campaign, String uuid, long buyer, int duration, int connected)
            implements Step {
        @Override
        public void run() throws Exception {
            day.post("/api/v2/call_control/calls/" + uuid + "/hangup",
                    "{\"duration_seconds\": " + duration + ", \"connected_seconds\": " + connected + "}");
            String key = day.buyerToPostbackKey.get(buyer);
            if (connected >= 60 && key != null && day.random.nextDouble() < 0.55) {
                String value = POSTED[day.random.nextInt(POSTED.length)];
                long delay = 60_000 + day.random.nextLong(24 * 60_000L);
                day.schedule(day.clock.millis() + delay, new Postback(day, key, uuid, value));
            }
        }
    }

    /** The buyer posts a conversion for the call. */
    private record Postback(SimulatedDay day, String key, String uuid, String value) implements Step {
        @Override
        public void run() throws Exception {
            HttpResponse<String> answer = day.raw("POST", "/postbacks/" + key + "?call_uuid=" + uuid + "&value="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8), null, null);
            day.count(answer.body().startsWith("SUCCESS") ? "postbacks SUCCESS" : "postbacks " + answer.body(), 1);
        }
    }

    private void count(String what, int n) {
        tally.merge(what, n, Integer::sum);
    }

    // --- the report ------------------------------------------------------------------------------------------------

    /** The days reported and timed: the simulated day unless --from/--to say otherwise (a store grown with more). */
    private LocalDate reportFrom = DAY;

    private LocalDate reportTo = DAY.plusDays(1);

    private String range() {
        return "from=" + reportFrom + "&to=" + reportTo + "&time_zone=America/New_York";
    }

    private String instants() {
        return "from=" + reportFrom.atStartOfDay(NEW_YORK).toInstant() + "&to="
                + reportTo.atStartOfDay(NEW_YORK).toInstant();
    }

    private void printReport() throws Exception {
        JsonNode byCampaign = get("/api/v2/reports/calls?" + range() + "&group_by=campaign");
        long logged = Long.parseLong(raw("GET", "/api/v2/calls?per_page=1&" + instants(), null, key)
                .headers().firstValue("X-Total-Count").orElse("-1"));
        System.out.println();
        System.out.println("report of [" + reportFrom + ", " + reportTo + ") in America/New_York (X-Total-Count of the call log for the same range: "
                + logged + ", calls the driver started: " + tally.getOrDefault("calls", 0) + ")");
        printRows("campaign", byCampaign);
        printRows("publisher", get("/api/v2/reports/calls?" + range() + "&group_by=publisher"));
        printRows("buyer", get("/api/v2/reports/calls?" + range() + "&group_by=buyer"));
        printRows("day", get("/api/v2/reports/calls?" + range() + "&group_by=day"));
        System.out.println("totals as answered: " + byCampaign.path("totals"));
    }

    private static void printRows(String groupBy, JsonNode report) {
        System.out.printf("%nby %s:%n", groupBy);
        String format = "| %-22s | %6s | %9s | %9s | %12s | %12s | %12s | %13s |%n";
        System.out.printf(format, groupBy, "calls", "connected", "converted", "revenue", "payout", "profit",
                "buyer_revenue");
        System.out.printf(format, "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
        for (JsonNode row : report.path("rows")) {
            String label = row.path("key").isNull() ? "(none)" : row.path("key").asText();
            if (!row.path("name").isNull()) {
                label = row.path("name").asText() + " (" + label + ")";
            }
            printCounters(format, label, row);
        }
        printCounters(format, "**total**", report.path("totals"));
    }

    private static void printCounters(String format, String label, JsonNode c) {
        System.out.printf(format, label, c.path("calls").asText(), c.path("connected").asText(),
                c.path("converted").asText(), exact(c, "revenue"), exact(c, "payout"), exact(c, "profit"),
                exact(c, "buyer_revenue"));
    }

    private static String exact(JsonNode counters, String amount) {
        return counters.path(amount).decimalValue().toPlainString();
    }

    private void time(int rounds) throws Exception {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("GET /health (baseline)", "/health");
        endpoints.put("GET /api/v2/calls?per_page=1 (baseline)", "/api/v2/calls?per_page=1&" + instants());
        for (String groupBy : List.of("day", "campaign", "publisher", "buyer")) {
            endpoints.put("report group_by=" + groupBy, "/api/v2/reports/calls?" + range() + "&group_by=" + groupBy);
        }
        endpoints.put("report group_by=day, time_zone=UTC", "/api/v2/reports/calls?from=" + reportFrom + "&to=" + reportTo);
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        endpoints.keySet().forEach(name -> millis.put(name, new ArrayList<>()));
        int warmUp = 10;
        for (int round = 0; round < warmUp + rounds; round++) {
            for (var endpoint : endpoints.entrySet()) {
                long start = System.nanoTime();
                HttpResponse<String> response = raw("GET", endpoint.getValue(), null, key);
                double elapsed = (System.nanoTime() - start) / 1e6;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(endpoint + " answered " + response.statusCode() + " " + response.body());
                }
                if (round >= warmUp) {
                    millis.get(endpoint.getKey()).add(elapsed);
                }
            }
        }
        double health = median(millis.get("GET /health (baseline)"));
        double list = median(millis.get("GET /api/v2/calls?per_page=1 (baseline)"));
        System.out.printf("%ntimings: %d warm-up rounds, then %d rounds requesting each endpoint once in turn%n", warmUp, rounds);
        String format = "| %-40s | %9s | %9s | %9s | %13s | %15s |%n";
        System.out.printf(format, "endpoint", "median ms", "min ms", "p90 ms", "x /health", "x calls list");
        System.out.printf(format, "---", "---:", "---:", "---:", "---:", "---:");
        for (var entry : millis.entrySet()) {
            List<Double> sorted = entry.getValue().stream().sorted().toList();
            double median = median(sorted);
            System.out.printf(format, entry.getKey(), "%.2f".formatted(median), "%.2f".formatted(sorted.get(0)),
                    "%.2f".formatted(sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1)),
                    "%.1f".formatted(median / health), "%.2f".formatted(median / list));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    // --- HTTP --------------------------------------------------------------------------------------------------------

    private JsonNode get(String path) throws Exception {
        return send("GET", path, null, key);
    }

    private JsonNode post(String path, String json) throws Exception {
        return send("POST", path, json, key);
    }

    private JsonNode send(String method, String path, String json, String bearer) throws Exception {
        HttpResponse<String> response = raw(method, path, json, bearer);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + " " + response.body());
        }
        return EXACT.readTree(response.body());
    }

    private HttpResponse<String> raw(String method, String path, String json, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        count("requests", 1);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
