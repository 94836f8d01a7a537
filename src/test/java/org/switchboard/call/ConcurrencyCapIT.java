package org.switchboard.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Many simultaneous calls to a buyer with a concurrency cap never put more calls on it than the cap. */
class ConcurrencyCapIT extends ServerIT {
    private static final int CALLS = 40;
    private static final int CAP = 3;

    @Test
    void simultaneousCallsShouldNeverExceedTheConcurrencyCap() throws Exception {
        // given
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Rush\"}").id();
        String number = engine.ordinal() == 0 ? "+18665559001" : "+18665559002";
        api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}");
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Small team\", \"destination\": \"+12125550301\"," + " \"concurrency_cap\": " + CAP
                                + ", \"campaign_ids\": [" + campaign + "]}")
                .id();
        Calls calls = new Calls(api);

        // when: 40 callers at once on real threads; every buyer that is dialled answers
        List<Response> arrivals = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                String caller = "+1312555" + String.format("%04d", 3000 + i);
                futures.add(pool.submit(() -> {
                    start.await();
                    Response arrived = calls.arrive(caller, number);
                    if (arrived.json()
                            .path("instruction")
                            .path("action")
                            .asText()
                            .equals("dial")) {
                        calls.attempt(arrived.json().path("call_uuid").asText(), 1, "answered");
                    }
                    return arrived;
                }));
            }
            start.countDown();
            for (Future<Response> future : futures) {
                arrivals.add(future.get());
            }
        }

        // then
        List<String> dialled = arrivals.stream()
                .filter(r ->
                        r.json().path("instruction").path("action").asText().equals("dial"))
                .map(r -> r.json().path("call_uuid").asText())
                .toList();
        assertThat(arrivals).allSatisfy(r -> assertThat(r.status()).isEqualTo(201));
        assertThat(dialled).hasSize(CAP);
        List<String> refused = arrivals.stream()
                .map(r -> r.json().path("call_uuid").asText())
                .filter(uuid -> !dialled.contains(uuid))
                .toList();
        assertThat(refused)
                .allSatisfy(uuid -> assertThat(calls.reasonFor(uuid, buyer)).contains("concurrency 3/3"));
        assertThat(api.get("/api/v2/calls?status=connected").header("X-Total-Count"))
                .isEqualTo(Integer.toString(CAP));

        // and when one connected call ends, the next caller gets through
        calls.hangup(dialled.getFirst(), 60, 55);
        Response next = calls.arrive("+13125553999", number);
        assertThat(next.json().path("instruction").path("action").asText()).isEqualTo("dial");
    }

    @Test
    void aDialTheCarrierNeverReportsOnShouldBeGivenUpAndItsCapsReleased() throws Exception {
        // given: a server that gives up 1 s after the ring timeout, and a buyer taking one call at a time
        try (var quick = org.switchboard.testing.TestServer.start(
                engine, java.util.Map.of("SWITCHBOARD_DIAL_GRACE_SECONDS", "1"))) {
            Api api = quick.newAccount("Lost callbacks");
            long campaign =
                    api.post("/api/v2/campaigns", "{\"name\": \"Lost\"}").id();
            api.post("/api/v2/numbers", "{\"number\": \"+18665559003\", \"campaign_id\": " + campaign + "}");
            long buyer = api.post(
                            "/api/v2/buyers",
                            "{\"name\": \"One line\", \"destination\": \"+12125550311\","
                                    + " \"ring_timeout_seconds\": 5, \"concurrency_cap\": 1, \"campaign_ids\": ["
                                    + campaign + "]}")
                    .id();
            Calls calls = new Calls(api);

            // when: the carrier never reports how the first dial ended
            String lost = calls.arrive("+13125553101", "+18665559003")
                    .json()
                    .path("call_uuid")
                    .asText();
            Response blocked = calls.arrive("+13125553102", "+18665559003");
            Await.until(
                    "the lost dial ended by its watchdog",
                    Duration.ofSeconds(15),
                    () -> calls.detail(lost).path("call").path("status").asText(),
                    "unanswered"::equals);
            Response after = calls.arrive("+13125553103", "+18665559003");

            // then
            assertThat(blocked.json().path("instruction").path("action").asText())
                    .isEqualTo("hangup");
            assertThat(calls.detail(lost).path("call").path("status").asText()).isEqualTo("unanswered");
            assertThat(calls.reasonFor(lost, buyer))
                    .isEqualTo("no outcome reported by the carrier within 6 s of dialling");
            assertThat(after.json().path("instruction").path("action").asText())
                    .as("the lost dial's concurrency is free again")
                    .isEqualTo("dial");
        }
    }
}
