package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Await;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.ServerIT;

/**
 * Replay from the console: a failed post-call delivery shows its state on the call overview and its pixel page, a
 * viewer's replay is refused, a manager's sends it again; the webhook editor shows health and the disabled reason.
 */
class ConsoleReplayIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final AtomicBoolean CRM_UP = new AtomicBoolean();
    private static final AtomicBoolean RANGE_UP = new AtomicBoolean();
    private static final Pattern PIXEL = Pattern.compile("/calls/[^/\"]+/pixels/([0-9]+)/replay");
    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver()
                .on("/start", Receiver.respond(200, "text/plain", "ok"))
                .on(
                        "/range/",
                        exchange -> Receiver.respond(RANGE_UP.get() ? 200 : 500, "text/plain", "")
                                .answer(exchange))
                .on(
                        "/crm/",
                        exchange -> Receiver.respond(CRM_UP.get() ? 200 : 500, "text/plain", "")
                                .answer(exchange));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void failedDeliveryShouldBeReplayedFromItsPixelPageButNotByAViewer() {
        // given: an always webhook with one retry whose receiver is down, so the call's delivery ends failed
        CRM_UP.set(false);
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "replay", receiver.url("/start"));
        String marker = "m" + engine + NEXT.incrementAndGet();
        long webhook = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                        "{\"name\": \"CRM <always>\", \"trigger\": \"always\", \"url\": \""
                                + receiver.url("/crm/" + marker) + "\", \"retry_schedule\": [1]}")
                .id();
        String uuid = s.playCall("+13125550166", 30);
        Await.until(
                "the delivery failed",
                Duration.ofSeconds(20),
                () -> deliveryState(s, webhook).equals("failed"));
        assertThat(received(marker)).hasSize(2);

        // when: a viewer opens the call and tries to replay with a valid token
        ConsoleClient viewer = new ConsoleClient(server.base());
        viewer.signIn(s.person(Role.VIEWER));
        String overview = viewer.get("/calls/" + uuid).body();

        // then: the state shows, without a Replay form, and a forged-by-hand post is refused
        assertThat(overview).contains("failed, 2 attempts").contains("CRM &lt;always&gt;");
        assertThat(overview).doesNotContain("replay-form");
        long pixel = pixelOf(s, webhook);
        ConsoleClient.Page refused =
                viewer.submit("/calls/" + uuid + "/pixels/" + pixel + "/replay", Map.of("new_webhook_id", "true"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(received(marker)).hasSize(2);

        // when: a manager replays it from the pixel page, the receiver back up
        CRM_UP.set(true);
        ConsoleClient manager = new ConsoleClient(server.base());
        manager.signIn(s.person(Role.MANAGER));
        String page = manager.get("/calls/" + uuid + "/pixels/" + pixel).body();
        assertThat(page).contains("id=\"replay-form\"").contains("failed, 2 attempts");
        Matcher action = PIXEL.matcher(page);
        assertThat(action.find()).isTrue();
        ConsoleClient.Page replayed = manager.submit(action.group(), Map.of());

        // then: a third request reaches the receiver with the same webhook-id, the page shows the outcome
        assertThat(replayed.status()).isEqualTo(303);
        Await.until(
                "the replayed attempt",
                Duration.ofSeconds(20),
                () -> received(marker).size() == 3);
        Await.until(
                "the delivery delivered",
                Duration.ofSeconds(20),
                () -> deliveryState(s, webhook).equals("delivered"));
        assertThat(manager.get(replayed.location()).body()).contains("Queued again: delivery");
        List<String> ids = received(marker).stream()
                .map(r -> r.headers().entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase("webhook-id"))
                        .map(e -> e.getValue().getFirst())
                        .findFirst()
                        .orElse(""))
                .distinct()
                .toList();
        assertThat(ids).hasSize(1);
        assertThat(manager.get("/audit_log").body()).contains("replayed");

        // and: the webhook editor shows its health
        String editor = manager.get("/webhooks/" + webhook).body();
        assertThat(editor).contains("id=\"webhook-health\"").contains("(1 of 3 requests)");
        assertThat(editor).contains("id=\"replay-failed-form\"");
    }

    @Test
    void failedDeliveriesOfADateRangeShouldBeReplayedFromTheWebhookEditor() {
        // given: a failed delivery of today
        RANGE_UP.set(false);
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "range", receiver.url("/start"));
        String marker = "r" + engine + NEXT.incrementAndGet();
        long webhook = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                        "{\"name\": \"Range\", \"trigger\": \"always\", \"url\": \"" + receiver.url("/range/" + marker)
                                + "\", \"retry_schedule\": [1]}")
                .id();
        s.playCall("+13125550167", 30);
        Await.until(
                "the delivery failed",
                Duration.ofSeconds(20),
                () -> deliveryState(s, webhook).equals("failed"));
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        Map<String, String> range = Map.of("from", today, "to", today);

        // when: a viewer tries, then a manager replays the range, the receiver back up
        ConsoleClient viewer = new ConsoleClient(server.base());
        viewer.signIn(s.person(Role.VIEWER));
        assertThat(viewer.get("/webhooks/" + webhook).body()).doesNotContain("replay-failed-form");
        ConsoleClient.Page refused = viewer.submit("/webhooks/" + webhook + "/replay", range);
        RANGE_UP.set(true);
        ConsoleClient manager = new ConsoleClient(server.base());
        manager.signIn(s.person(Role.MANAGER));
        manager.get("/webhooks/" + webhook);
        ConsoleClient.Page replayed = manager.submit("/webhooks/" + webhook + "/replay", range);

        // then
        assertThat(refused.status()).isEqualTo(403);
        assertThat(replayed.status()).isEqualTo(303);
        assertThat(manager.get(replayed.location()).body()).contains("1 failed delivery queued again.");
        Await.until(
                "the delivery delivered",
                Duration.ofSeconds(20),
                () -> deliveryState(s, webhook).equals("delivered"));
        assertThat(receiver.received().stream()
                        .filter(r -> r.uri().startsWith("/range/" + marker))
                        .count())
                .isEqualTo(3);
    }

    @Test
    void disabledWebhookShouldShowItsReasonAndBeEnabledAgainFromTheEditor() {
        // given: a webhook disabled by its owner
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "enable", receiver.url("/start"));
        long webhook = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                        "{\"name\": \"Off\", \"trigger\": \"always\", \"url\": \"" + receiver.url("/crm/off")
                                + "\", \"enabled\": false}")
                .id();
        ConsoleClient manager = new ConsoleClient(server.base());
        manager.signIn(s.person(Role.MANAGER));

        // when
        String editor = manager.get("/webhooks/" + webhook).body();
        ConsoleClient.Page enabled = manager.submit("/webhooks/" + webhook + "/enable", Map.of());

        // then
        assertThat(editor).contains("disabled by its owner").contains("id=\"enable-form\"");
        assertThat(enabled.status()).isEqualTo(303);
        assertThat(s.api()
                        .get("/api/v2/webhooks/" + webhook)
                        .json()
                        .path("enabled")
                        .asBoolean())
                .isTrue();
        assertThat(manager.get("/webhooks/" + webhook).body()).doesNotContain("id=\"enable-form\"");
    }

    private static String deliveryState(ConsoleScenario s, long webhook) {
        JsonNode list =
                s.api().get("/api/v2/webhook_deliveries?webhook_id=" + webhook).json();
        return list.isEmpty() ? "" : list.get(0).path("state").asText();
    }

    private static long pixelOf(ConsoleScenario s, long webhook) {
        JsonNode list =
                s.api().get("/api/v2/webhook_deliveries?webhook_id=" + webhook).json();
        JsonNode detail = s.api()
                .get("/api/v2/webhook_deliveries/" + list.get(0).path("id").asLong())
                .json();
        return detail.path("attempts").get(0).path("id").asLong();
    }

    private static List<Receiver.Received> received(String marker) {
        return receiver.received().stream()
                .filter(r -> r.uri().startsWith("/crm/" + marker))
                .toList();
    }
}
