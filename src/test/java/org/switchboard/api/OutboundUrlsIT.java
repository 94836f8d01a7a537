package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.ServerLog;

/**
 * URLs an owner saves are refused with the field named unless they can be requested (a port out of range, user info);
 * a URL stored before that rule makes the request fail as any unreachable URL does, never a 500.
 */
class OutboundUrlsIT extends ServerIT {
    private static final String[] BAD_URLS = {
        "http://127.0.0.1:99999/", "http://[::]:122677/", "http://user@127.0.0.1:8080/", "https://u:p@example.com/"
    };

    @Test
    void webhookUrlsThatCannotBeRequestedShouldBeRefusedWithTheFieldNamed() {
        Api api = newAccount();
        long saved = api.post(
                        "/api/v2/webhooks",
                        "{\"name\": \"w\", \"trigger\": \"start\", \"url\": \"http://127.0.0.1:8080/ok\"}")
                .id();
        for (String url : BAD_URLS) {
            Response created =
                    api.post("/api/v2/webhooks", "{\"name\": \"w\", \"trigger\": \"start\", \"url\": \"" + url + "\"}");
            Response changed = api.patch("/api/v2/webhooks/" + saved, "{\"url\": \"" + url + "\"}");

            assertThat(created.status()).as(url + " " + created).isEqualTo(400);
            assertThat(created.errorField()).isEqualTo("url");
            assertThat(changed.status()).as(url + " " + changed).isEqualTo(400);
            assertThat(changed.errorField()).isEqualTo("url");
        }
    }

    @Test
    void controlUrlsThatCannotBeRequestedShouldBeRefusedWithTheFieldNamed() {
        Api api = newAccount();
        for (String url : BAD_URLS) {
            Response arrived = api.post(
                    "/api/v2/call_control/calls",
                    "{\"carrier_call_id\": \"" + UUID.randomUUID()
                            + "\", \"from\": \"+13125550147\", \"to\": \"+18665550100\", \"control_url\": \"" + url
                            + "\"}");

            assertThat(arrived.status()).as(url + " " + arrived).isEqualTo(400);
            assertThat(arrived.errorField()).isEqualTo("control_url");
        }
    }

    @Test
    void aTestFireOfAWebhookStoredWithABadPortShouldReportTheFailureNotA500() {
        // given: webhooks whose URLs were stored before the rule
        Api api = newAccount();
        try (ServerLog log = ServerLog.capture()) {
            for (String url : BAD_URLS) {
                long id = api.post(
                                "/api/v2/webhooks",
                                "{\"name\": \"w\", \"trigger\": \"start\", \"url\": \"http://127.0.0.1:8080/\"}")
                        .id();
                server.wiring()
                        .database()
                        .jdbi()
                        .useHandle(handle -> handle.createUpdate("UPDATE webhooks SET url = :url WHERE id = :id")
                                .bind("url", url)
                                .bind("id", id)
                                .execute());

                // when
                Response fired = api.post("/api/v2/webhooks/" + id + "/test_fire", "{}");

                // then: the pixel says why nothing was sent
                assertThat(fired.status()).as(url + " " + fired).isEqualTo(200);
                assertThat(fired.json().path("error").asText()).as(url).isNotBlank();
            }
            assertThat(log.stackTraces()).isEmpty();
        }
    }
}
