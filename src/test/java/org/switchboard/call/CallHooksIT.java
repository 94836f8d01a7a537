package org.switchboard.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.buyer.Buyer;
import org.switchboard.platform.time.Deadline;
import org.switchboard.tag.TagSet;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Engine;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/** The seams later features plug into are called at the documented points, in order. */
class CallHooksIT {

    /** Records every hook call; its start hook appends a tag that decides routing. */
    static final class Recorder implements CallHooks {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public TagSet onStart(Call call, Deadline deadline, LiveCall live) {
            calls.add("start " + call.state().word() + " deadline="
                    + (deadline.remaining().toSeconds() <= 5));
            return call.tags().with("lead_score", "high");
        }

        @Override
        public void onSelected(Call call, Buyer buyer, LiveCall live) {
            calls.add("selected " + buyer.name() + " handler=" + call.tags().values("handler_id"));
        }

        @Override
        public void onAnswered(Call call, Buyer buyer, LiveCall live) {
            calls.add("answered " + buyer.name() + " " + call.state().word());
        }

        @Override
        public List<Duration> connectedTimers(Call call) {
            return List.of(Duration.ofMillis(300));
        }

        @Override
        public void onTimer(Call call, Duration connectedFor, LiveCall live) {
            calls.add("timer " + connectedFor.toMillis() + "ms " + call.state().word());
        }

        @Override
        public void onEnd(Call call, LiveCall live) {
            calls.add("end " + call.status());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void hooksShouldRunAtStartSelectionAnswerTimerAndEnd(Engine engine) throws Exception {
        // given: only a buyer filtering on the tag the start hook appends can take the call
        Recorder hooks = new Recorder();
        try (TestServer server = TestServer.start(engine, hooks)) {
            Api api = server.newAccount("Hooks");
            long campaign =
                    api.post("/api/v2/campaigns", "{\"name\": \"Hooks\"}").id();
            api.post("/api/v2/numbers", "{\"number\": \"+18665559201\", \"campaign_id\": " + campaign + "}");
            api.post(
                    "/api/v2/buyers",
                    "{\"name\": \"Scored\", \"destination\": \"+12125550701\", \"cid\": \"scored\","
                            + " \"tag_filters\": [\"lead_score:high\"], \"campaign_ids\": [" + campaign + "]}");
            long backup = api.post(
                            "/api/v2/buyers",
                            "{\"name\": \"Backup\", \"destination\": \"+12125550702\", \"priority\": 2,"
                                    + " \"campaign_ids\": [" + campaign + "]}")
                    .id();
            Calls calls = new Calls(api);

            // when: the first buyer does not answer, the second does and talks past the timer
            Response arrived = calls.arrive("+13125550147", "+18665559201");
            String uuid = arrived.json().path("call_uuid").asText();
            calls.attempt(uuid, 1, "no_answer");
            calls.attempt(uuid, 2, "answered");
            Await.until(
                    "the timer hook",
                    () -> List.copyOf(hooks.calls),
                    seen -> seen.stream().anyMatch(c -> c.startsWith("timer")));
            calls.hangup(uuid, 10, 5);

            // then
            assertThat(hooks.calls)
                    .containsExactly(
                            "start ringing deadline=true",
                            "selected Scored handler=[scored]",
                            "selected Backup handler=[" + backup + "]",
                            "answered Backup connected",
                            "timer 300ms connected",
                            "end completed");
            assertThat(calls.detail(uuid).path("tags").path("lead_score").get(0).asText())
                    .isEqualTo("high");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStartHookThatHangsShouldDelayRoutingOnlyUntilTheTimeout(Engine engine) {
        // given: a start hook that never answers in time
        CallHooks slow = new CallHooks() {
            @Override
            public TagSet onStart(Call call, Deadline deadline, LiveCall live) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return call.tags().with("late", "true");
            }
        };
        try (TestServer server = TestServer.start(engine, slow)) {
            Api api = server.newAccount("Slow hooks");
            long campaign =
                    api.post("/api/v2/campaigns", "{\"name\": \"Slow\"}").id();
            api.post("/api/v2/numbers", "{\"number\": \"+18665559202\", \"campaign_id\": " + campaign + "}");
            api.post(
                    "/api/v2/buyers",
                    "{\"name\": \"Any\", \"destination\": \"+12125550703\", \"campaign_ids\": [" + campaign + "]}");

            // when
            long started = System.nanoTime();
            Response arrived = new Calls(api).arrive("+13125550148", "+18665559202");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            // then: routed after the 5 s bound, without the hook's tags, and the log says why
            assertThat(arrived.json().path("instruction").path("action").asText())
                    .isEqualTo("dial");
            assertThat(tookMillis).isBetween(4_500L, 15_000L);
            String uuid = arrived.json().path("call_uuid").asText();
            assertThat(new Calls(api).detail(uuid).path("tags").has("late")).isFalse();
            assertThat(new Calls(api)
                            .detail(uuid)
                            .path("events")
                            .get(1)
                            .path("detail")
                            .asText())
                    .contains("gave no answer within 5 s");
        }
    }
}
