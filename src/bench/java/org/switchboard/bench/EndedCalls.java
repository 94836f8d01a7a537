package org.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes answered and ended calls through the call control API, for {@code bench/rtb-load.sh}'s first postbacks: each
 * call is created, answered by its first attempt's buyer and hung up after 60 connected seconds, exactly as a carrier
 * would report it, and its {@code call_uuid} is appended to a file, one a line. The callers are {@code +1602} numbers
 * numbered from FIRST, so each call is its caller's only one and the bench's criterion on {@code caller_area_code:602}
 * judges it. Run by the source launcher: {@code java EndedCalls.java BASE API_KEY TO FIRST COUNT FILE}. Sixteen
 * calls are made at a time; any answer other than 2xx stops it with the answer printed.
 */
public final class EndedCalls {
    private static final Pattern CALL_UUID = Pattern.compile("\"call_uuid\":\"([0-9a-f-]{36})\"");
    private static final int AT_A_TIME = 16;

    private EndedCalls() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: EndedCalls BASE API_KEY TO FIRST COUNT FILE");
            System.exit(2);
        }
        String base = args[0];
        String apiKey = args[1];
        String to = args[2];
        int first = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        Path file = Path.of(args[5]);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        AtomicInteger next = new AtomicInteger(first);
        int end = first + count;
        List<String> made = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> parts = new ArrayList<>();
            for (int t = 0; t < AT_A_TIME; t++) {
                parts.add(threads.submit(() -> {
                    List<String> uuids = new ArrayList<>();
                    for (int i = next.getAndIncrement(); i < end; i = next.getAndIncrement()) {
                        uuids.add(endedCall(client, base, apiKey, to, i));
                    }
                    return uuids;
                }));
            }
            for (Future<List<String>> part : parts) {
                made.addAll(part.get());
            }
        }
        Files.write(file, made, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The caller of call number {@code i}: a valid Phoenix number, one for each i below 8,000,000. */
    static String caller(int i) {
        return String.format("+1602%03d%04d", 200 + (i / 10_000) % 800, i % 10_000);
    }

    private static String endedCall(HttpClient client, String base, String apiKey, String to, int i) {
        String created = post(
                client,
                apiKey,
                base + "/api/v2/call_control/calls",
                "{\"carrier_call_id\": \"bench-first-" + i + "\", \"from\": \"" + caller(i) + "\", \"to\": \"" + to
                        + "\"}");
        Matcher uuid = CALL_UUID.matcher(created);
        if (!uuid.find()) {
            throw new IllegalStateException("no call_uuid in " + created);
        }
        String calls = base + "/api/v2/call_control/calls/" + uuid.group(1);
        post(client, apiKey, calls + "/attempts/1", "{\"outcome\": \"answered\"}");
        post(client, apiKey, calls + "/hangup", "{\"duration_seconds\": 70, \"connected_seconds\": 60}");
        return uuid.group(1);
    }

    private static String post(HttpClient client, String apiKey, String url, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
            }
            return answer.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
