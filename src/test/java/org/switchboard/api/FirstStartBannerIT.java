package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.ServerProcess;

/**
 * The README's first start: a script that waits for {@code /ready} and then reads the new account's key from the
 * server's output finds it there, because the banner is printed before {@code /ready} answers 200.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FirstStartBannerIT {
    @Test
    void theKeyShouldBePrintedBeforeReadyAnswers() throws Exception {
        Path dataDir = Files.createTempDirectory("switchboard-banner");
        Path log = Files.createTempFile("switchboard-banner", ".log");
        int port = ProcessStore.freePort();
        ServerProcess server = ServerProcess.start(
                Map.of(
                        "SWITCHBOARD_PORT", Integer.toString(port),
                        "SWITCHBOARD_DATA_DIR", dataDir.toString(),
                        "SWITCHBOARD_DEMO_DATA", "true"),
                log);
        try (HttpClient http = HttpClient.newHttpClient()) {
            // when: /ready is asked as often as a script could ask it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (ready(http, port) != 200) {
                assertThat(server.process().isAlive())
                        .as("the server runs; its output:\n%s", server.output())
                        .isTrue();
                assertThat(System.nanoTime()).as("ready within 90 s").isLessThan(deadline);
                Thread.sleep(2);
            }

            // then: the key is in the output already
            assertThat(Files.readString(log)).containsPattern("sb_[A-Za-z0-9_]{20,}");
        } finally {
            server.stop();
            ProcessStore.deleteTree(dataDir);
            Files.deleteIfExists(log);
        }
    }

    private static int ready(HttpClient http, int port) throws InterruptedException {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0; // not listening yet
        }
    }
}
