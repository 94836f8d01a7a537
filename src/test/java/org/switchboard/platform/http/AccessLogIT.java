package org.switchboard.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.problem.Problem;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.ServerLog;

/** One access-log line per request, with its route, status and request id, and never a key. */
class AccessLogIT extends ServerIT {
    private static final String POSTBACK_KEY = "postbackkeyneverlogged0123456789";
    private static final String DATA_KEY = "datakeyneverlogged0123456789";
    private static final String CALL_KEY = "callkeyneverlogged0123456789";

    @Test
    void everyRequestShouldLogOneLineWithItsRouteStatusAndIdAndNoKey() {
        // given
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Logged\"}").id();
        try (ServerLog log = ServerLog.capture()) {
            Api anonymous = server.anonymous();

            // when
            List<Response> responses = List.of(
                    anonymous.get("/api/v2/campaigns/" + campaign + "?api_key=" + api.key()),
                    anonymous.get("/postbacks/" + POSTBACK_KEY + "?caller_number=2125550100&value=10"),
                    anonymous.get("/data_writing/" + DATA_KEY + "?caller_number=2125550100"),
                    anonymous.get("/data_writing?key=" + DATA_KEY + "&call_key=" + CALL_KEY),
                    anonymous.get("/no/such/endpoint?api_key=" + api.key()));

            // then: each answer names its id, and exactly one access line carries it
            List<String> expected = List.of(
                    "GET /api/v2/campaigns/{id} 200 ",
                    "GET /postbacks/{key} ",
                    "GET /data_writing/{key} ",
                    "GET /data_writing ",
                    "GET /no/such/endpoint 404 ");
            for (int i = 0; i < responses.size(); i++) {
                Response response = responses.get(i);
                String id = response.header("X-Request-Id");
                assertThat(id).as(response.toString()).matches("[0-9a-f-]{36}");
                Await.until(
                        "the access line of " + id, () -> accessLines(log, id).size() == 1);
                String line = accessLines(log, id).getFirst();
                assertThat(line)
                        .contains(expected.get(i))
                        .contains(" " + response.status() + " ")
                        .containsPattern(" [0-9]+ ms request_id=" + id);
                assertThat(line.substring(line.indexOf("INFO")).strip()).doesNotContain("\n");
            }
            assertThat(log.lines())
                    .noneMatch(line -> line.contains(api.key()))
                    .noneMatch(line -> line.contains(POSTBACK_KEY))
                    .noneMatch(line -> line.contains(DATA_KEY))
                    .noneMatch(line -> line.contains(CALL_KEY));
        }
    }

    @Test
    void aFailureShouldQuoteTheAccessLinesRequestIdInItsAnswerAndLog() {
        // given: a routing with the access log and the error handler, and a route that fails unexpectedly
        HttpRouting.Builder routing = HttpRouting.builder();
        HttpErrors.register(routing);
        AccessLog.register(routing, new HttpMetrics(Metrics.none()));
        routing.get("/postbacks/{key}", (req, res) -> {
            throw new IllegalStateException("boom");
        });
        WebServer web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing)
                .build()
                .start();
        try (ServerLog log = ServerLog.capture()) {
            // when
            Response response = Api.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + web.port() + "/postbacks/" + POSTBACK_KEY + "?key=" + DATA_KEY))
                    .build());

            // then
            String id = response.header("X-Request-Id");
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body()).contains("quote request id " + id);
            Await.until("the access line of " + id, () -> accessLines(log, id).size() == 1);
            assertThat(accessLines(log, id).getFirst()).contains("GET /postbacks/{key} 500 ");
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("request " + id + " GET /postbacks/[redacted] failed"));
            assertThat(log.lines())
                    .noneMatch(line -> line.contains(POSTBACK_KEY))
                    .noneMatch(line -> line.contains(DATA_KEY));
        } finally {
            web.stop();
        }
    }

    @Test
    void aFailureOutsideTheRoutesShouldQuoteTheAccessLinesRequestIdInItsAnswer() {
        // given: the access log, then a filter that fails before any route runs (its error is handled after the
        // access log's filter has returned)
        HttpRouting.Builder routing = HttpRouting.builder();
        HttpErrors.register(routing);
        AccessLog.register(routing, new HttpMetrics(Metrics.none()));
        routing.addFilter((chain, req, res) -> {
            throw new IllegalStateException("filter failed");
        });
        routing.get("/work", (req, res) -> res.send("never"));
        WebServer web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing)
                .build()
                .start();
        try (ServerLog log = ServerLog.capture()) {
            // when
            Response response = Api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/work"))
                    .build());

            // then: the answer, its header, the failure's line and the access line name the same id
            String id = response.header("X-Request-Id");
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body()).contains("quote request id " + id);
            assertThat(log.lines()).anyMatch(line -> line.contains("request " + id + " GET /work failed"));
            Await.until("the access line of " + id, () -> accessLines(log, id).size() == 1);
        } finally {
            web.stop();
        }
    }

    @Test
    void aLineLoggedWhileARequestIsHandledAndItsErrorAnswerShouldQuoteItsRequestId() {
        // given: a route that logs a line of its own, then refuses the request
        HttpRouting.Builder routing = HttpRouting.builder();
        HttpErrors.register(routing);
        AccessLog.register(routing, new HttpMetrics(Metrics.none()));
        routing.get("/work", (req, res) -> {
            java.util.logging.Logger.getLogger("org.switchboard.test").info("working on it");
            throw new Problem.NotFound("nothing to work on");
        });
        WebServer web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing)
                .build()
                .start();
        try (ServerLog log = ServerLog.capture()) {
            // when
            Response response = Api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/work"))
                    .build());

            // then: the answer, the text line and the JSON line name the request's id
            String id = response.header("X-Request-Id");
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().path("error").path("request_id").asText())
                    .isEqualTo(id);
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("working on it request_id=" + id + System.lineSeparator()));
            assertThat(log.jsonLines())
                    .anyMatch(line -> line.contains("\"message\":\"working on it\",\"request_id\":\"" + id + "\""));
            // and a line logged outside any request names none
            java.util.logging.Logger.getLogger("org.switchboard.test").info("idle");
            assertThat(log.lines()).anyMatch(line -> line.endsWith("idle" + System.lineSeparator()));
            assertThat(log.jsonLines()).anyMatch(line -> line.contains("\"idle\"}"));
        } finally {
            web.stop();
        }
    }

    private static List<String> accessLines(ServerLog log, String id) {
        return log.lines().stream()
                .filter(line -> line.contains("INFO") && line.contains(" ms request_id=" + id))
                .toList();
    }
}
