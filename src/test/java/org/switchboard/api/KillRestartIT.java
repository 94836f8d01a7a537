package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.rtb.RtbSetup;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Engine;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerProcess;

/**
 * SIGKILL with calls ringing, dialing and connected and a timer webhook pending, then a restart on the same store: the
 * ringing call is ended (abandoned, saying why), the dialing one by its dial watchdog, the connected ones go on and
 * get their timer webhook, and every webhook of every call (start, timer, always) reaches its receiver exactly once.
 * An RTB reservation the in-memory live state held is logged expired.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KillRestartIT {
    private static final String API_KEY = "kill-restart-it-first-account-api-key-0123456789";
    private static final int TIMER_SECONDS = 4;

    @Parameter
    Engine engine;

    /** The caller whose call-start webhook never answers in time: its call is still ringing when the kill comes. */
    private final String stuckCaller = RtbSetup.caller();

    private final Receiver hooks = new Receiver().on("/hook", exchange -> {
        if (exchange.getRequestURI().toString().contains(stuckCaller.substring(1))) {
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Receiver.respond(200, "application/json", "{}").answer(exchange);
    });

    @AfterEach
    void stop() {
        hooks.close();
    }

    @Test
    void aKillShouldLeaveNoCallStuckAndEveryWebhookFiredOnce() throws Exception {
        try (ProcessStore store = ProcessStore.create(engine, API_KEY, Map.of("SWITCHBOARD_DIAL_GRACE_SECONDS", "1"))) {
            // given: start, timer and always webhooks on a campaign whose buyer rings for 5 s
            ServerProcess first = store.start("KillRestartIT-" + engine + "-1");
            Api api = Api.forKey(store.base(), API_KEY);
            RtbSetup s = RtbSetup.create(api, engine);
            Calls calls = s.calls();
            assertThat(api.post(
                                    "/api/v2/buyers",
                                    "{\"name\": \"Closer\", \"destination\": \"+12125550941\","
                                            + " \"ring_timeout_seconds\": 5, \"campaign_ids\": [" + s.campaign()
                                            + "]}")
                            .status())
                    .isEqualTo(201);
            for (String trigger : List.of("start", "timer", "always")) {
                Response created = api.post(
                        "/api/v2/campaigns/" + s.campaign() + "/webhooks",
                        "{\"name\": \"" + trigger + "\", \"trigger\": \"" + trigger + "\", \"url\": \""
                                + hooks.url("/hook/" + trigger + "?call=[call_uuid]&caller=[caller_number]") + "\""
                                + (trigger.equals("timer") ? ", \"timer_seconds\": " + TIMER_SECONDS : "") + "}");
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
            }
            // a call connected long enough for its timer to have fired, a dialing one, a just-connected one
            String timed = calls.arrive(RtbSetup.caller(), s.number())
                    .json()
                    .path("call_uuid")
                    .asText();
            calls.attempt(timed, 1, "answered");
            Await.until("the first call's timer webhook", () -> fired("timer", timed) == 1);
            String dialing = calls.arrive(RtbSetup.caller(), s.number())
                    .json()
                    .path("call_uuid")
                    .asText();
            String connected = calls.arrive(RtbSetup.caller(), s.number())
                    .json()
                    .path("call_uuid")
                    .asText();
            calls.attempt(connected, 1, "answered");
            // an RTB reservation held in memory, not claimed
            String rtbKey = api.post(
                            "/api/v2/campaigns/" + s.campaign() + "/postback_keys",
                            "{\"type\": \"real_time_bidding\", \"name\": \"RTB\", \"options\": {\"ttl_seconds\": 600}}")
                    .json()
                    .path("key")
                    .asText();
            Response ping = Api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            store.base() + "/rtbs.json?key=" + rtbKey + "&" + s.pingQuery(RtbSetup.caller())))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build());
            assertThat(ping.json().path("status").asText()).as(ping.toString()).isEqualTo("reserved");
            String reservation = ping.json().path("uuid").asText();
            Await.until(
                    "the reservation in the RTB log",
                    () -> api.get("/api/v2/rtb_pings/" + reservation).status() == 200);
            // and one still ringing: its arrival waits on its call-start webhook when the kill comes
            Thread.ofVirtual().start(() -> {
                try {
                    calls.arrive(stuckCaller, s.number());
                } catch (RuntimeException cut) {
                    // the kill cuts it: that is the point
                }
            });
            Await.until(
                    "the ringing call's start webhook",
                    () -> received("start").stream().anyMatch(uri -> uri.contains(stuckCaller.substring(1))));
            String ringing = received("start").stream()
                    .filter(uri -> uri.contains(stuckCaller.substring(1)))
                    .map(uri -> uri.replaceFirst(".*call=([0-9a-f-]+).*", "$1"))
                    .findFirst()
                    .orElseThrow();

            // when
            first.kill();
            store.start("KillRestartIT-" + engine + "-2");

            // then: the ringing call ended with the reason, the dialing one by its watchdog
            Await.until("the ringing call ended", () -> status(api, ringing).equals("abandoned"));
            assertThat(events(api, ringing)).anyMatch(detail -> detail.contains("the server stopped while the call"));
            Await.until(
                    "the dialing call ended by its watchdog",
                    () -> status(api, dialing).equals("unanswered"));
            assertThat(events(api, dialing)).anyMatch(detail -> detail.contains("no outcome reported by the carrier"));
            // the reservation the memory held is gone, and the log says so
            JsonNode logged = api.get("/api/v2/rtb_pings/" + reservation).json();
            assertThat(logged.path("final_status").asText()).isEqualTo("expired");
            assertThat(logged.path("expired_at").asText()).isNotEmpty();
            // the connected calls go on: the pending timer fires once, the fired one not again
            Await.until("the second call's timer webhook", () -> fired("timer", connected) == 1);
            assertThat(status(api, connected)).isEqualTo("connected");
            assertThat(status(api, timed)).isEqualTo("connected");
            calls.hangup(timed, 60, 50);
            calls.hangup(connected, 60, 50);
            for (String call : List.of(ringing, dialing, connected, timed)) {
                Await.until("the always webhook of " + call, () -> fired("always", call) == 1);
            }
            for (String call : List.of(ringing, dialing, connected, timed)) {
                assertThat(fired("start", call)).as("start webhooks of " + call).isEqualTo(1);
                assertThat(fired("always", call))
                        .as("always webhooks of " + call)
                        .isEqualTo(1);
            }
            assertThat(fired("timer", timed)).isEqualTo(1);
            assertThat(fired("timer", connected)).isEqualTo(1);
            assertThat(fired("timer", dialing) + fired("timer", ringing)).isZero();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nreceived: " + hooks.received(), e);
        }
    }

    private List<String> received(String trigger) {
        return hooks.received().stream()
                .map(Receiver.Received::uri)
                .filter(uri -> uri.startsWith("/hook/" + trigger + "?"))
                .toList();
    }

    private long fired(String trigger, String call) {
        String param = "call=" + URLEncoder.encode(call, StandardCharsets.UTF_8) + "&";
        return received(trigger).stream().filter(uri -> uri.contains(param)).count();
    }

    private static String status(Api api, String uuid) {
        return api.get("/api/v2/calls/" + uuid)
                .json()
                .path("call")
                .path("status")
                .asText();
    }

    private static List<String> events(Api api, String uuid) {
        JsonNode detail = api.get("/api/v2/calls/" + uuid).json();
        return java.util.stream.StreamSupport.stream(detail.path("events").spliterator(), false)
                .map(e -> e.path("detail").asText())
                .toList();
    }
}
