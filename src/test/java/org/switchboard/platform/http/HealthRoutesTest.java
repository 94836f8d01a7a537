package org.switchboard.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.testing.Api;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Response;

/**
 * The probes on a real SQLite store and a real server: {@code /health} answers as soon as the server listens,
 * {@code /ready} only once the start is finished (on a first start the server listens before the first account and
 * its API key exist, and a client that waits for {@code /ready} must be able to use that key).
 */
class HealthRoutesTest {
    private Path dir;
    private Database database;
    private HealthRoutes health;
    private WebServer web;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("health-routes-test");
        database = Database.open("jdbc:sqlite:" + dir.resolve("test.db"), Optional.empty(), Optional.empty(), 2);
        health = new HealthRoutes(database, new InMemoryLiveState(Clock.systemUTC()));
        HttpRouting.Builder routing = HttpRouting.builder();
        health.register(routing);
        web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing)
                .build()
                .start();
    }

    @AfterEach
    void stop() throws IOException {
        web.stop();
        database.close();
        ProcessStore.deleteTree(dir);
    }

    @Test
    void readyShouldAnswerStartingUntilTheStartIsFinishedWhileHealthAnswersOk() {
        // when: the server listens, the start not finished
        Response healthBefore = get("/health");
        Response readyBefore = get("/ready");

        // then
        assertThat(healthBefore.status()).isEqualTo(200);
        assertThat(healthBefore.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(readyBefore.status()).isEqualTo(503);
        assertThat(readyBefore.body())
                .isEqualTo("{\"status\":\"starting\",\"store\":\"sqlite\",\"live_state\":\"memory\"}");

        // when: the start is finished
        health.started();
        Response readyAfter = get("/ready");

        // then
        assertThat(readyAfter.status()).isEqualTo(200);
        assertThat(readyAfter.body()).isEqualTo("{\"status\":\"ok\",\"store\":\"sqlite\",\"live_state\":\"memory\"}");
    }

    private Response get(String path) {
        return Api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .build());
    }
}
