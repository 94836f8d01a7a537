package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * The account's operational webhook ({@code webhook_disabled}): a webhook disabled by a 410 Gone notifies it once,
 * through the outbox, naming the webhook; an operational webhook disabled in turn notifies no one.
 */
class WebhookDisabledIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver()
                .on("/ops/", Receiver.respond(200, "text/plain", "ok"))
                .on("/gone/", Receiver.respond(410, "text/plain", "gone"));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void goneShouldDisableTheWebhookAndNotifyTheAccountsOperationalWebhookOnce() {
        // given: a campaign whose connect webhook answers 410, and two operational webhooks of the account: one that
        // works, one answering 410 itself
        Api api = newAccount();
        String marker = "m" + engine + NEXT.incrementAndGet();
        long ops = created(api.post(
                "/api/v2/webhooks",
                "{\"name\": \"Ops\", \"trigger\": \"webhook_disabled\", \"method\": \"POST\", \"url\": \""
                        + receiver.url("/ops/" + marker) + "?id=[webhook_id]\", \"body_format\": \"json\", \"body\":"
                        + " \"{\\\"name\\\": \\\"[webhook_name]\\\", \\\"reason\\\": \\\"[disabled_reason]\\\","
                        + " \\\"at\\\": \\\"[disabled_at]\\\"}\"}"));
        long opsGone = created(api.post("/api/v2/webhooks", hook("webhook_disabled", "/gone/ops-" + marker)));
        long campaign = created(api.post("/api/v2/campaigns", "{\"name\": \"Gone\"}"));
        String number = "+1866561" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
        created(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}"));
        created(api.post(
                "/api/v2/buyers",
                "{\"name\": \"Closer\", \"destination\": \"+12125550702\", \"campaign_ids\": [" + campaign + "]}"));
        long crm = created(
                api.post("/api/v2/campaigns/" + campaign + "/webhooks", hook("connect", "/gone/crm-" + marker)));

        // when: a call connects, and the CRM answers 410
        Calls calls = new Calls(api);
        String uuid =
                calls.arrive("+13125550188", number).json().path("call_uuid").asText();
        calls.attempt(uuid, 1, "answered");
        calls.hangup(uuid, 40, 30);

        // then: the working operational webhook gets one request naming the CRM webhook and why
        Await.until(
                "the operational webhook's request",
                Duration.ofSeconds(20),
                () -> received("/ops/" + marker).size() == 1);
        Receiver.Received notice = received("/ops/" + marker).getFirst();
        assertThat(notice.uri()).contains("id=" + crm);
        assertThat(notice.body()).contains("\"name\":\"connect\"").contains("410 Gone");
        assertThat(api.get("/api/v2/webhooks/" + crm).json().path("enabled").asBoolean())
                .isFalse();
        Await.until(
                "the operational webhook's delivery delivered",
                Duration.ofSeconds(20),
                () -> deliveries(api, ops).stream()
                        .anyMatch(d -> d.path("state").asText().equals("delivered")));
        assertThat(deliveries(api, ops))
                .singleElement()
                .satisfies(d -> assertThat(d.path("trigger").asText()).isEqualTo("webhook_disabled"));

        // and: the operational webhook answering 410 is disabled in turn, notifying no one (no loop)
        Await.until(
                "the failing operational webhook disabled",
                Duration.ofSeconds(20),
                () -> !api.get("/api/v2/webhooks/" + opsGone)
                        .json()
                        .path("enabled")
                        .asBoolean());
        assertThat(received("/gone/ops-" + marker)).hasSize(1);
        assertThat(deliveries(api, ops)).hasSize(1);
        assertThat(received("/ops/" + marker)).hasSize(1);
    }

    @Test
    void webhookDisabledShouldBeRefusedOnACampaignAndNotCopiedIntoNewCampaigns() {
        // given
        Api api = newAccount();
        created(api.post("/api/v2/webhooks", hook("webhook_disabled", "/ops/copy")));
        created(api.post("/api/v2/webhooks", hook("always", "/ops/always")));
        long campaign = created(api.post("/api/v2/campaigns", "{\"name\": \"Copies\"}"));

        // when
        Response refused = api.post("/api/v2/campaigns/" + campaign + "/webhooks", hook("webhook_disabled", "/ops/x"));

        // then
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.errorField()).isEqualTo("trigger");
        JsonNode copied = api.get("/api/v2/campaigns/" + campaign + "/webhooks").json();
        assertThat(copied).hasSize(1);
        assertThat(copied.get(0).path("trigger").asText()).isEqualTo("always");
    }

    private static String hook(String trigger, String path) {
        return "{\"name\": \"" + trigger + "\", \"trigger\": \"" + trigger + "\", \"url\": \"" + receiver.url(path)
                + "\"}";
    }

    private static long created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.id();
    }

    private static List<JsonNode> deliveries(Api api, long webhookId) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v2/webhook_deliveries?webhook_id=" + webhookId).json().forEach(out::add);
        return out;
    }

    private static List<Receiver.Received> received(String path) {
        return receiver.received().stream()
                .filter(r -> r.uri().startsWith(path))
                .toList();
    }
}
