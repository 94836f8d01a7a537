package org.switchboard.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.switchboard.Wiring;
import org.switchboard.platform.config.ConfigLoader;
import org.switchboard.platform.http.Json;
import org.switchboard.rtb.RtbOut;
import org.switchboard.rtb.RtbService;

/**
 * One RTB ping through the engine (no HTTP): key check, ping shield, tagging, routing over the demo campaign's
 * buyers and a buyer without caps (so every ping reserves), payout from a criterion, a reservation in live state and
 * a queued log row. Baselines in the same run: the
 * same caller pinging again (answered by the ping shield with its reservation) and the HTTP server's plain work of
 * parsing a caller number (libphonenumber), the one step every ping must do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class RtbPingBenchmark {
    private static final String API_KEY = "sb_bench_key_0123456789abcdefghijkl";

    private Path data;
    private Wiring wiring;
    private RtbService rtb;
    private String key;
    private long next;

    @Setup(Level.Trial)
    public void start() throws Exception {
        data = Files.createTempDirectory("rtb-bench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        wiring = Wiring.start(
                ConfigLoader.load(Map.of(
                        "SWITCHBOARD_PORT", Integer.toString(port),
                        "SWITCHBOARD_DATA_DIR", data.toString(),
                        "SWITCHBOARD_FIRST_ACCOUNT_API_KEY", API_KEY,
                        "SWITCHBOARD_DEMO_DATA", "true")),
                Clock.systemUTC());
        String base = "http://127.0.0.1:" + port;
        HttpClient client = HttpClient.newHttpClient();
        post(client, base + "/api/v2/campaigns/1/conversion_criteria", """
                {"name": "bench", "trigger": {"type": "duration", "seconds": 90},
                 "revenue": {"type": "static", "amount": 20}, "payout": {"type": "percent", "percent": 60}}""");
        // a buyer without caps or hours: the demo buyers' caps are used up after a few pings, and every ping after
        // that would measure the capped path instead of a reservation
        post(client, base + "/api/v2/buyers", """
                {"name": "Bench buyer", "destination": "+12125550999", "priority": 1, "weight": 100,
                 "campaign_ids": [1]}""");
        String created = post(client, base + "/api/v2/campaigns/1/postback_keys", """
                {"type": "real_time_bidding", "name": "bench", "options": {"publisher_id": 1}}""");
        key = Json.read(created).path("key").asText();
        rtb = wiring.rtb();
        // what is measured must be what the names say: a new caller reserves, the same caller again is shielded
        requireReserved(newCaller(), "a new caller");
        requireReserved(sameCallerShielded(), "the shielded caller's first ping");
        RtbService.Answer again = sameCallerShielded();
        if (!(again instanceof RtbService.Answer.Given(RtbOut body)) || !Boolean.TRUE.equals(body.shielded())) {
            throw new IllegalStateException("the same caller again was not answered by the ping shield: " + again);
        }
    }

    private static void requireReserved(RtbService.Answer answer, String what) {
        if (!(answer instanceof RtbService.Answer.Given(RtbOut body)) || !body.status().equals("reserved")) {
            throw new IllegalStateException(what + " was not reserved: " + answer);
        }
    }

    /** A valid US caller never pinged before: the load script's numbers (area 312, exchanges 200-999). */
    private String nextCaller() {
        long k = next++;
        return String.format("+1312%03d%04d", 200 + (k / 10_000) % 800, k % 10_000);
    }

    private static String post(HttpClient client, String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        wiring.close();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public RtbService.Answer newCaller() {
        return rtb.ping(new RtbService.PingIn(Optional.of(key), Map.of("caller_number", nextCaller())));
    }

    @Benchmark
    public RtbService.Answer sameCallerShielded() {
        return rtb.ping(new RtbService.PingIn(Optional.of(key), Map.of("caller_number", "+13125559999")));
    }

    @Benchmark
    public Optional<String> baselineCallerParse() {
        return org.switchboard.platform.phone.PhoneNumbers.toE164(nextCaller());
    }
}
