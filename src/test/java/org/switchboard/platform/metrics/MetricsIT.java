package org.switchboard.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.rtb.RtbSetup;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.Scrape;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.TestServer;

/**
 * {@code /metrics} read by a Prometheus text-format parser after an RTB ping and the call that claims it: the HTTP,
 * RTB, webhook, conversion, money, live-call, writer, pool, JVM and process series, with the values the traffic put
 * there. And the two ways to guard it: a bearer token, a management port.
 */
class MetricsIT extends ServerIT {
    private final Receiver receiver = new Receiver().on("/", Receiver.respond(200, "text/plain", "ok"));

    @AfterEach
    void stop() {
        receiver.close();
    }

    private Scrape scrape() {
        Response answer = server.anonymous().get("/metrics");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        return Scrape.parse(answer.body());
    }

    @Test
    void metricsShouldCountAPingAndThePlayedCallThatClaimedIt() {
        // given: an RTB campaign whose one buyer converts at 90 s for 20.00 (12.50 paid out), and an always webhook
        Api api = newAccount();
        RtbSetup s = RtbSetup.create(api, engine);
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Closer\", \"destination\": \"+12125550901\", \"campaign_ids\": [" + s.campaign()
                                + "]}")
                .id();
        assertThat(api.post(
                                "/api/v2/campaigns/" + s.campaign() + "/conversion_criteria",
                                "{\"name\": \"Ninety\", \"matches\": [\"system_buyer_id:" + buyer + "\"],"
                                        + " \"trigger\": {\"type\": \"duration\", \"seconds\": 90},"
                                        + " \"revenue\": {\"type\": \"static\", \"amount\": \"20.00\"},"
                                        + " \"payout\": {\"type\": \"static\", \"amount\": \"12.50\"}}")
                        .status())
                .isEqualTo(201);
        assertThat(api.post(
                                "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                                "{\"name\": \"All\", \"trigger\": \"always\", \"url\": \"" + receiver.url("/always")
                                        + "\"}")
                        .status())
                .isEqualTo(201);
        String key = api.post(
                        "/api/v2/campaigns/" + s.campaign() + "/postback_keys",
                        "{\"type\": \"real_time_bidding\", \"name\": \"RTB\"}")
                .json()
                .path("key")
                .asText();
        String caller = RtbSetup.caller();
        Scrape before = scrape();

        // when: a ping reserves the buyer, the caller's call claims it, connects for 95 s and ends
        Response ping = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/rtbs.json?key=" + key
                        + "&publisher_id=" + s.publisherCid() + "&caller_number=" + caller.replace("+", "%2B")))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        String uuid =
                s.calls().arrive(caller, s.number()).json().path("call_uuid").asText();
        s.calls().attempt(uuid, 1, "answered");
        Await.until(
                "the call counted connected",
                () -> scrape().value("switchboard_calls_live", "state", "connected") >= 1);
        s.calls().hangup(uuid, 100, 95);
        // (the webhook is counted once its answer is read, just after the receiver has it)
        Await.until(
                "the always webhook counted",
                () -> delta(before, scrape(), "switchboard_webhooks_seconds", "trigger", "always", "outcome", "2xx")
                        == 1);

        // then
        assertThat(ping.json().path("status").asText()).as(ping.toString()).isEqualTo("reserved");
        assertThat(receiver.received()).hasSize(1);
        Scrape after = scrape();
        assertThat(delta(before, after, "switchboard_rtb_pings_seconds", "status", "reserved"))
                .isEqualTo(1);
        assertThat(after.histogram("switchboard_rtb_pings_seconds", "status", "reserved")
                        .getSampleSum())
                .isGreaterThan(0);
        assertThat(after.value("switchboard_rtb_reservations_total")
                        - before.value("switchboard_rtb_reservations_total"))
                .isEqualTo(1);
        assertThat(after.value("switchboard_rtb_reservations_claimed_total")
                        - before.value("switchboard_rtb_reservations_claimed_total"))
                .isEqualTo(1);
        assertThat(after.value("switchboard_rtb_reservations_live"))
                .isEqualTo(before.value("switchboard_rtb_reservations_live"));
        // HTTP requests by route template (never the path with its UUID), method and status
        assertThat(delta(
                        before,
                        after,
                        "switchboard_http_server_requests_seconds",
                        "route",
                        "/rtbs.json",
                        "method",
                        "POST",
                        "status",
                        "200"))
                .isEqualTo(1);
        assertThat(delta(
                        before,
                        after,
                        "switchboard_http_server_requests_seconds",
                        "route",
                        "/api/v2/call_control/calls/{uuid}/hangup",
                        "method",
                        "POST",
                        "status",
                        "200"))
                .isEqualTo(1);
        assertThat(after.families().stream()
                        .filter(f -> f.getName().equals("switchboard_http_server_requests_seconds"))
                        .flatMap(f -> f.getMetrics().stream())
                        .map(m -> m.getLabels().get("route")))
                .noneMatch(route -> route.contains(uuid) || route.contains(key));
        var buckets = after.histogram("switchboard_http_server_requests_seconds", "route", "/rtbs.json")
                .getBuckets();
        assertThat(buckets).hasSizeGreaterThan(10);
        assertThat(buckets.getLast().getCumulativeCount())
                .isEqualTo(after.count("switchboard_http_server_requests_seconds", "route", "/rtbs.json"));
        // the webhook, the conversion and its money
        assertThat(delta(before, after, "switchboard_webhooks_seconds", "trigger", "always", "outcome", "2xx"))
                .isEqualTo(1);
        assertThat(after.value("switchboard_conversions_total", "state", "converted")
                        - before.value("switchboard_conversions_total", "state", "converted"))
                .isEqualTo(1);
        assertThat(after.value("switchboard_conversions_revenue_total")
                        - before.value("switchboard_conversions_revenue_total"))
                .isEqualTo(20.0);
        assertThat(after.value("switchboard_conversions_payout_total")
                        - before.value("switchboard_conversions_payout_total"))
                .isEqualTo(12.5);
        // calls by state (the one connected call was counted above, while it was)
        assertThat(after.find("switchboard_calls_live", "state", "ringing")).isPresent();
        assertThat(after.find("switchboard_calls_live", "state", "dialing")).isPresent();
        // background writers, the SQL pool, keyed requests, the JVM and the process
        for (String writer : new String[] {"rtb-log", "fired-pixel", "postback-log"}) {
            assertThat(after.find("switchboard_writer_queued", "writer", writer))
                    .as(writer)
                    .isPresent();
        }
        assertThat(after.find("switchboard_writer_dropped_total", "writer", "rtb-log"))
                .isPresent();
        assertThat(after.value("switchboard_sql_pool_max")).isGreaterThanOrEqualTo(1);
        assertThat(after.find("switchboard_postbacks_total", "endpoint", "conversion", "outcome", "success"))
                .isPresent();
        // summed over the heap's pools: one of them (a survivor space, Eden after a collection) may hold nothing
        assertThat(after.sum("jvm_memory_used_bytes", "area", "heap")).isGreaterThan(0);
        assertThat(after.value("process_uptime_seconds")).isGreaterThan(0);
        assertThat(after.find("jvm_threads_live_threads")).isPresent();
    }

    @Test
    void everySeriesTheGrafanaDashboardQueriesShouldExist() throws IOException {
        // given
        String dashboard = Files.readString(Path.of("docs/grafana-dashboard.json"));
        Set<String> queried = new TreeSet<>();
        var names = Pattern.compile("\\b(?:switchboard|jvm|process)_[a-z_]+").matcher(dashboard);
        while (names.find()) {
            queried.add(names.group().replaceAll("_(bucket|count|sum)$", ""));
        }
        System.gc(); // so the JVM has a GC pause to show

        // when: the pause has reached the metrics (the JVM announces a collection on a thread of its own, later)
        Scrape scrape = Await.until(
                "a GC pause in the metrics", this::scrape, s -> s.names().contains("jvm_gc_pause_seconds"));

        // then
        assertThat(queried).hasSizeGreaterThan(15);
        assertThat(scrape.names()).containsAll(queried);
    }

    private static long delta(Scrape before, Scrape after, String histogram, String... labels) {
        return after.count(histogram, labels) - before.count(histogram, labels);
    }

    @Test
    void aTokenAndAManagementPortShouldGuardTheMetrics() {
        // given: a node with a metrics token and a management port
        String token = "metrics-token-for-tests-0123456789";
        try (TestServer guarded = TestServer.start(
                engine, Map.of("SWITCHBOARD_METRICS_TOKEN", token, "SWITCHBOARD_MANAGEMENT_PORT", "0"))) {
            String management =
                    "http://127.0.0.1:" + guarded.wiring().managementPort().getAsInt();

            // when
            Response onMainPort = guarded.anonymous().get("/metrics");
            Response withoutToken = Api.send(
                    HttpRequest.newBuilder(URI.create(management + "/metrics")).build());
            Response wrongToken = Api.send(HttpRequest.newBuilder(URI.create(management + "/metrics"))
                    .header("Authorization", "Bearer " + token + "x")
                    .build());
            Response withToken = Api.send(HttpRequest.newBuilder(URI.create(management + "/metrics"))
                    .header("Authorization", "Bearer " + token)
                    .build());

            // then
            assertThat(onMainPort.status()).isEqualTo(404);
            assertThat(withoutToken.status()).isEqualTo(401);
            assertThat(withoutToken.errorCode()).isEqualTo("unauthorized");
            assertThat(wrongToken.status()).isEqualTo(401);
            assertThat(withToken.status()).isEqualTo(200);
            assertThat(Scrape.parse(withToken.body()).find("process_uptime_seconds"))
                    .isPresent();
        }
    }
}
