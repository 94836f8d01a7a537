package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.RandomRequests;
import org.switchboard.testing.RawHttp;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.ServerLog;

/**
 * Seeded random requests over every public and admin route of the OpenAPI document: no answer may be a 5xx, every
 * request must be answered, and the server must log no stack trace. It runs on both engines, since a malformed value
 * that reaches SQL fails differently on each; each run is bounded by {@code -Dfuzz.seconds} (default 20) and
 * {@code -Dfuzz.requests} (default 3000). A failure prints the seed: replay it with {@code -Dfuzz.seed=...}.
 */
class FuzzIT extends ServerIT {
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    @Test
    void randomRequestsShouldNeverGetA5xxNorLogAStackTrace() {
        long seed = Long.getLong("fuzz.seed", new SecureRandom().nextLong());
        Duration budget = Duration.ofSeconds(Long.getLong("fuzz.seconds", 20));
        int maxRequests = Integer.getInteger("fuzz.requests", 3_000);
        Api api = newAccount();
        try (Receiver receiver = new Receiver().on("/", Receiver.respond(200, "application/json", "{\"ok\": 1}"))) {
            JsonNode openApi = api.get("/openapi.json").json();
            RandomRequests requests = new RandomRequests(new Random(seed), openApi, fixtures(api, receiver));
            List<String> failures = new ArrayList<>();
            int sent = 0;
            try (ServerLog log = ServerLog.capture()) {
                long deadline = System.nanoTime() + budget.toNanos();
                while (sent < maxRequests && System.nanoTime() < deadline && failures.size() < 5) {
                    RawHttp.Request request = requests.next();
                    RawHttp.Answer answer = RawHttp.send(server.wiring().port(), request);
                    sent++;
                    if (answer.status() >= 500 || answer.status() < 0) {
                        failures.add("#" + sent + " " + request.describe() + "\n  -> " + answer.status() + " "
                                + answer.body());
                    }
                }
                String replay =
                        "seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), " + sent + " requests on " + engine;
                assertThat(failures).as(replay).isEmpty();
                assertThat(log.stackTraces()).as(replay).isEmpty();
            }
            assertThat(sent).as("requests sent").isGreaterThan(100);
        }
    }

    /** A campaign with a number, a publisher, a buyer in a group, a webhook, a call and a key of each type. */
    private RandomRequests.Fixtures fixtures(Api api, Receiver receiver) {
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true, \"live_call_control\": true}}");
        long campaign = created(api.post("/api/v2/campaigns", "{\"name\": \"Fuzz\"}"));
        long publisher = created(api.post("/api/v2/publishers", "{\"name\": \"Fuzz publisher\"}"));
        String number = "+1866559" + String.format("%04d", NUMBERS.incrementAndGet() + engine.ordinal() * 5000);
        long numberId = created(api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + "}"));
        long buyer = created(api.post(
                "/api/v2/buyers",
                "{\"name\": \"Fuzz buyer\", \"destination\": \"+12125550101\", \"campaign_ids\": [" + campaign + "]}"));
        long group = created(api.post("/api/v2/buyer_groups", "{\"name\": \"G\", \"buyer_ids\": [" + buyer + "]}"));
        long webhook = created(api.post(
                "/api/v2/webhooks",
                "{\"name\": \"W\", \"trigger\": \"start\", \"url\": \"" + receiver.url("/hook") + "\"}"));
        long directory = created(api.post(
                "/api/v2/directories",
                "{\"name\": \"D\", \"entries\": [{\"name\": \"Desk\", \"destination\": \"+12125550610\"}]}"));
        Response call = api.post(
                "/api/v2/call_control/calls",
                "{\"carrier_call_id\": \"" + UUID.randomUUID() + "\", \"from\": \"+13125550147\", \"to\": \"" + number
                        + "\", \"control_url\": \"" + receiver.url("/control") + "\"}");
        List<String> keys = new ArrayList<>();
        List<String> keyIds = new ArrayList<>();
        Map<String, String> keyOwners = new LinkedHashMap<>();
        keyOwners.put("/api/v2/campaigns/" + campaign, "real_time_bidding");
        keyOwners.put("/api/v2/buyers/" + buyer, "conversion");
        keyOwners.put("/api/v2", "call_data_writing");
        keyOwners.put("/api/v2/buyer_groups/" + group, "call_data_reading");
        keyOwners.put("/api/v2/buyer_groups/" + group + " ", "call_rejection");
        keyOwners.put("/api/v2/campaigns/" + campaign + " ", "caller_list_management");
        for (var owner : keyOwners.entrySet()) {
            // a data-reading key must name the tags it may read
            String options = owner.getValue().equals("call_data_reading") ? "{\"readable_tags\": [\"plan\"]}" : "{}";
            Response key = api.post(
                    owner.getKey().strip() + "/postback_keys",
                    "{\"type\": \"" + owner.getValue() + "\", \"name\": \"" + owner.getValue() + "\", \"options\": "
                            + options + "}");
            keys.add(key.json().path("key").asText());
            keyIds.add(Long.toString(created(key)));
        }
        Response transferKey = api.post(
                "/api/v2/buyer_groups/" + group + "/postback_keys",
                "{\"type\": \"call_transfer\", \"name\": \"T\", \"options\": {\"directory_id\": " + directory + "}}");
        keys.add(transferKey.json().path("key").asText());
        List<String> ids = new ArrayList<>(List.of(
                Long.toString(campaign),
                Long.toString(publisher),
                Long.toString(numberId),
                Long.toString(buyer),
                Long.toString(group),
                Long.toString(webhook),
                Long.toString(directory)));
        ids.addAll(keyIds);
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("id", ids);
        params.put("owner_id", List.of(Long.toString(campaign), Long.toString(buyer), Long.toString(numberId)));
        params.put("uuid", List.of(call.json().path("call_uuid").asText()));
        params.put("attempt", List.of("1", "2"));
        params.put("list_name", List.of("suppressed", "accepted_callers"));
        params.put("number", List.of("+13125550147", "3125550147"));
        params.put("key", keys);
        return new RandomRequests.Fixtures(params, keys, api.key());
    }

    private static long created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.id();
    }
}
