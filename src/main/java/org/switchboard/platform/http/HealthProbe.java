package org.switchboard.platform.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A health check command for images without curl: exits 0 when the local server answers {@code /ready} (or the path
 * given) with 200, else 1, printing one line. Uses the JDK alone, so it runs from the classes folder without the
 * dependencies: {@code java -cp /app/classes org.switchboard.platform.http.HealthProbe [/health]}. The port is
 * {@code SWITCHBOARD_PORT} (default 8080).
 */
public final class HealthProbe {
    private HealthProbe() {}

    public static void main(String[] args) throws InterruptedException {
        String port = System.getenv().getOrDefault("SWITCHBOARD_PORT", "8080");
        String path = args.length > 0 ? args[0] : "/ready";
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(uri + " " + response.statusCode() + " " + response.body());
            System.exit(response.statusCode() == 200 ? 0 : 1);
        } catch (IOException e) {
            System.out.println(uri + " does not answer: " + e);
            System.exit(1);
        }
    }
}
