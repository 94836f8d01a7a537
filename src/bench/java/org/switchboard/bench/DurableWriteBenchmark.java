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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.switchboard.Wiring;
import org.switchboard.platform.config.ConfigLoader;
import org.switchboard.platform.http.Json;

/**
 * The durable-write path: Call Data Writing requests ({@code POST /data_writing}: key, the caller's latest call, tags
 * stored for the caller's next call, a postback log entry; answered once its rows are committed) from 16 threads at
 * once, so their commits can be shared, on a fresh SQLite store (synchronous=FULL) in a temporary folder. Baseline in
 * the same run and through the same client: {@code GET /health} from as many threads (the HTTP server and client
 * alone).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Threads(16)
@Fork(1)
public class DurableWriteBenchmark {
    private static final String API_KEY = "sb_bench_key_0123456789abcdefghijkl";

    private Path data;
    private Wiring wiring;
    private HttpClient client;
    private URI health;
    private URI dataWriting;
    private final AtomicLong next = new AtomicLong(3_125_000_000L);

    @Setup(Level.Trial)
    public void start() throws Exception {
        data = Files.createTempDirectory("durable-bench");
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
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> created = client.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v2/publishers/1/postback_keys"))
                        .header("Authorization", "Bearer " + API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"type\": \"call_data_writing\", \"name\": \"bench\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("no data-writing key: " + created.body());
        }
        String key = Json.read(created.body()).path("key").asText();
        health = URI.create(base + "/health");
        dataWriting = URI.create(base + "/data_writing?key=" + key);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        wiring.close();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public int dataWriting() throws IOException, InterruptedException {
        String body = "caller_number=%2B1" + next.getAndIncrement() + "&lead=bench";
        return send(HttpRequest.newBuilder(dataWriting)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Benchmark
    public int baselineHealth() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(health).GET().build());
    }

    private int send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri().getPath() + " answered " + response.statusCode());
        }
        return response.statusCode();
    }
}
