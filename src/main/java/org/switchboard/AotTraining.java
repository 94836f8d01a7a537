package org.switchboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.switchboard.platform.config.ConfigLoader;
import org.switchboard.platform.config.SwitchboardConfig;

/**
 * The training run of JDK 25's ahead-of-time cache ({@code ./switchboard} runs it once per build with
 * {@code -XX:AOTCacheOutput}; docs/operations.md): starts the server as a first start with the demo data does (SQLite
 * in a temporary folder, the in-memory live state, loopback on a free port), sends the requests a server answers first
 * (health, an API list, an RTB key and a ping, a data-writing post, a console page, the metrics), stops it gracefully
 * and exits. The classes this loads are the ones a real start loads, so the cache holds them loaded and linked, with
 * the method profiles of these requests. Exits 1 when a request is not answered as it should be: a cache of a start
 * that failed would be worth little, and the caller then starts without one.
 */
public final class AotTraining {
    static {
        // as Main does, before the first logger exists: the same classes as a real start
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", LogManagerKeptOnShutdown.class.getName());
        }
    }

    private static final String API_KEY = "sb_training_key_0123456789abcdefghij";
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AotTraining() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("switchboard-aot-training");
        int status = 0;
        try {
            // after the logging manager is set (static block), as Main configures it
            Logging.configure(SwitchboardConfig.LogFormat.TEXT);
            train(dataDir);
        } catch (IllegalStateException | IOException e) {
            System.err.println("AOT training failed: " + e.getMessage());
            status = 1;
        } finally {
            Logging.flush();
            deleteTree(dataDir);
        }
        // the JVM writes the cache as it exits; lingering non-daemon threads must not keep it from exiting
        System.exit(status);
    }

    /**
     * Starts a server on a store in {@code dataDir}, sends the training requests, stops it; an IllegalStateException
     * names the first request not answered as expected.
     */
    static void train(Path dataDir) throws IOException, InterruptedException {
        Map<String, String> env = Map.of(
                "SWITCHBOARD_PORT", "0",
                "SWITCHBOARD_BIND_ADDRESS", "127.0.0.1",
                "SWITCHBOARD_DATA_DIR", dataDir.toString(),
                "SWITCHBOARD_FIRST_ACCOUNT_API_KEY", API_KEY,
                "SWITCHBOARD_DEMO_DATA", "true");
        try (var wiring = Wiring.start(ConfigLoader.load(env), Clock.systemUTC());
                var client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            var base = URI.create("http://127.0.0.1:" + wiring.port());
            for (int round = 0; round < 3; round++) {
                expect(client, get(base, "/health"), 200);
                expect(client, get(base, "/api/v2/campaigns"), 200);
                expect(client, get(base, "/api/v2/buyers"), 200);
                expect(client, get(base, "/sign_in"), 200);
                expect(client, get(base, "/metrics"), 200);
            }
            String rtbKey = key(expect(client, post(base, "/api/v2/campaigns/1/postback_keys", """
                            {"type": "real_time_bidding", "name": "training", "options": {"publisher_id": 1}}"""), 201));
            String dataKey = key(expect(client, post(base, "/api/v2/publishers/1/postback_keys", """
                            {"type": "call_data_writing", "name": "training"}"""), 201));
            for (int caller = 0; caller < 10; caller++) {
                String number = "%2B1312555" + (1000 + caller);
                expect(client, form(base, "/rtbs.json?key=" + rtbKey, "caller_number=" + number), 200);
                expect(client, form(base, "/data_writing?key=" + dataKey, "caller_number=" + number + "&t=1"), 200);
            }
        }
    }

    private static HttpRequest get(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + API_KEY)
                .timeout(TIMEOUT)
                .build();
    }

    private static HttpRequest post(URI base, String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "application/json")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private static HttpRequest form(URI base, String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** The body of the answer, or an IllegalStateException naming the request when its status is not {@code status}. */
    private static String expect(HttpClient client, HttpRequest request, int status)
            throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(
                    request.method() + " " + request.uri().getPath() + " answered " + response.statusCode()
                            + " (expected " + status + "): " + response.body());
        }
        return response.body();
    }

    private static String key(String body) {
        Matcher matcher = KEY.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("no key in " + body);
        }
        return matcher.group(1);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
