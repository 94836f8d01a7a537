package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.ServerIT;

/**
 * Each Webhook Configurator template, used through the console as a person would (sign in, answer its form), creates
 * webhooks that fire the request its platform documents, seen by a real receiver on loopback (fired through the
 * test-fire API with the tags a real call would carry); the RTB buyer's Auto-Buyer also creates its criteria, and a
 * pixel made as company defaults is copied into a new campaign.
 */
class ConsoleConfiguratorIT extends ServerIT {
    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver()
                .on("/", Receiver.respond(200, "application/json", "{\"ok\": true}"))
                // the downstream buyer's RTB endpoint bids 20.00 for a call of 90 seconds
                .on("/rtbs.json", Receiver.respond(200, "application/json", "{\"bid\": 20.00, \"timer\": 90}"));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private record Setup(ConsoleScenario scenario, ConsoleClient browser) {}

    private Setup signedIn() {
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "cfg-" + engine, receiver.url("/start"));
        ConsoleClient browser = new ConsoleClient(server.base());
        assertThat(browser.signIn(s.person(Role.MANAGER)).status()).isEqualTo(303);
        return new Setup(s, browser);
    }

    /** Answers the template's form; the page must say what it created. */
    private static void configure(ConsoleClient browser, String template, Map<String, String> answers) {
        assertThat(browser.get("/configurator/" + template).status()).isEqualTo(200);
        ConsoleClient.Page page = browser.submit("/configurator/" + template, answers);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"configurator-created\"");
    }

    private static JsonNode webhookNamed(Api api, String listPath, String name) {
        JsonNode list = api.get(listPath).json();
        JsonNode items = list.has("data") ? list.get("data") : list.has("items") ? list.get("items") : list;
        return StreamSupport.stream(items.spliterator(), false)
                .filter(w -> w.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no webhook " + name + " in " + list));
    }

    /** Test-fires the webhook with these tags and returns what the receiver got under {@code path}. */
    private static Receiver.Received fire(Api api, JsonNode webhook, String path, List<String> tags) {
        int before = (int) receiver.received().stream()
                .filter(r -> r.uri().startsWith(path))
                .count();
        var fired = api.post(
                "/api/v2/webhooks/" + webhook.path("id").asLong() + "/test_fire",
                Json.writeString(Map.of("tags", tags)));
        assertThat(fired.status()).as(fired.toString()).isEqualTo(200);
        Await.until(
                path + " received",
                () -> receiver.received().stream()
                                .filter(r -> r.uri().startsWith(path))
                                .count()
                        > before);
        List<Receiver.Received> got = receiver.received().stream()
                .filter(r -> r.uri().startsWith(path))
                .toList();
        return got.getLast();
    }

    private static String host() {
        return receiver.url("");
    }

    @Test
    void zapierCatchHookShouldPostTheCallAsJson() {
        // given
        Setup a = signedIn();
        // when
        configure(
                a.browser(),
                "zapier",
                Map.of(
                        "owner",
                        "campaign:" + a.scenario().campaign(),
                        "hook_url",
                        receiver.url("/zapier/hooks/catch/123/abc/"),
                        "trigger",
                        "always"));
        JsonNode webhook = webhookNamed(
                a.scenario().api(), "/api/v2/campaigns/" + a.scenario().campaign() + "/webhooks", "Zapier catch hook");
        Receiver.Received got = fire(a.scenario().api(), webhook, "/zapier/", List.of("payout:8.00"));
        // then
        assertThat(webhook.path("trigger").asText()).isEqualTo("always");
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo("/zapier/hooks/catch/123/abc/");
        JsonNode body = Json.read(got.body());
        assertThat(body.path("call_uuid").asText()).startsWith("test-");
        assertThat(body.path("caller_number").asText()).isEqualTo("+12025550143");
        assertThat(body.path("campaign_id").asText())
                .isEqualTo(Long.toString(a.scenario().campaign()));
        assertThat(body.path("payout").asText()).isEqualTo("8.00");
    }

    @Test
    void genericJsonPostShouldSendItsAuthorizationHeader() {
        Setup a = signedIn();
        configure(
                a.browser(),
                "json_post",
                Map.of(
                        "owner",
                        "campaign:" + a.scenario().campaign(),
                        "url",
                        receiver.url("/json/calls"),
                        "trigger",
                        "start",
                        "authorization",
                        "Bearer abc123"));
        JsonNode webhook = webhookNamed(
                a.scenario().api(), "/api/v2/campaigns/" + a.scenario().campaign() + "/webhooks", "JSON POST");
        Receiver.Received got = fire(a.scenario().api(), webhook, "/json/calls", List.of());
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.headers().get("Authorization")).containsExactly("Bearer abc123");
        assertThat(got.headers().get("Content-type")).containsExactly("application/json");
        assertThat(Json.read(got.body()).path("caller_number").asText()).isEqualTo("+12025550143");
    }

    @Test
    void ringbaConversionShouldSendTheCallIdAndPayoutForItsPublisher() {
        Setup a = signedIn();
        configure(
                a.browser(),
                "ringba_conversion",
                Map.of(
                        "owner",
                        "campaign:" + a.scenario().campaign(),
                        "hook_url",
                        receiver.url("/ringba/hook/abcdefg123456"),
                        "publisher",
                        "pub-console"));
        JsonNode webhook = webhookNamed(
                a.scenario().api(), "/api/v2/campaigns/" + a.scenario().campaign() + "/webhooks", "Ringba conversion");
        Receiver.Received got =
                fire(a.scenario().api(), webhook, "/ringba/", List.of("ringba_call_id:RG-77", "payout:8.00"));
        assertThat(webhook.path("trigger").asText()).isEqualTo("conversion");
        assertThat(webhook.path("matches").toString()).contains("publisher_id:pub-console");
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.uri()).isEqualTo("/ringba/hook/abcdefg123456?call_id=RG-77&call_revenue=8.00");
    }

    @Test
    void cakePixelAsCompanyDefaultShouldReachNewCampaignsAndSendTheCakePostback() {
        Setup a = signedIn();
        configure(a.browser(), "cake", Map.of("owner", "company", "domain", host()));
        Api api = a.scenario().api();
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": \"After defaults\"}").id();
        JsonNode webhook = webhookNamed(api, "/api/v2/campaigns/" + campaign + "/webhooks", "Cake conversion");
        Receiver.Received got = fire(
                api, webhook, "/p.ashx", List.of("offer_id:7", "event_id:2", "transaction_id:tx-1", "payout:8.00"));
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.uri()).isEqualTo("/p.ashx?o=7&e=2&f=pb&t=tx-1&p=8.00");
    }

    @Test
    void hasOffersPixelShouldSendTheTransactionAndAmount() {
        Setup a = signedIn();
        configure(
                a.browser(),
                "hasoffers",
                Map.of("owner", "campaign:" + a.scenario().campaign(), "domain", host()));
        JsonNode webhook = webhookNamed(
                a.scenario().api(),
                "/api/v2/campaigns/" + a.scenario().campaign() + "/webhooks",
                "HasOffers conversion");
        Receiver.Received got =
                fire(a.scenario().api(), webhook, "/aff_lsr", List.of("transaction_id:tx-2", "payout:8.00"));
        assertThat(got.uri()).isEqualTo("/aff_lsr?transaction_id=tx-2&amount=8.00");
    }

    @Test
    void voluumPixelShouldSendTheClickIdAndPayout() {
        Setup a = signedIn();
        configure(a.browser(), "voluum", Map.of("owner", "company", "domain", host()));
        JsonNode webhook = webhookNamed(a.scenario().api(), "/api/v2/webhooks", "Voluum conversion");
        Receiver.Received got = fire(a.scenario().api(), webhook, "/postback", List.of("cid:vc-9", "payout:8.00"));
        assertThat(got.uri()).startsWith("/postback?cid=vc-9&payout=8.00&txid=test-");
    }

    @Test
    void rtbBuyerWithAutoBuyerShouldPingTheBuyerAndCreateTheBidCriteria() {
        Setup a = signedIn();
        long buyer = a.scenario().buyer();
        long campaign = a.scenario().campaign();
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("owner", "buyer:" + buyer);
        answers.put("rtb_host", host());
        answers.put("rtb_key", "1915260e-da0c-4443-a35b-8fb9d9843e42");
        answers.put("publisher_id", "4321ABCD");
        answers.put("auto_buyer", "true");
        answers.put("campaign", Long.toString(campaign));
        answers.put("share", "70");
        configure(a.browser(), "rtb_buyer", answers);
        Api api = a.scenario().api();
        JsonNode webhook = webhookNamed(api, "/api/v2/buyers/" + buyer + "/webhooks", "RTB bid");
        Receiver.Received got = fire(api, webhook, "/rtbs.json", List.of());
        assertThat(webhook.path("trigger").asText()).isEqualTo("passthrough");
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri())
                .isEqualTo("/rtbs.json?key=1915260e-da0c-4443-a35b-8fb9d9843e42&publisher_id=4321ABCD"
                        + "&caller_number=%2B12025550143&caller_zip=20500&caller_state=DC");
        JsonNode criteria = api.get("/api/v2/campaigns/" + campaign + "/conversion_criteria")
                .json();
        JsonNode autoBuyer = StreamSupport.stream(
                        (criteria.has("data") ? criteria.get("data") : criteria).spliterator(), false)
                .filter(c -> c.path("name").asText().startsWith("Auto-Buyer"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Auto-Buyer criterion in " + criteria));
        assertThat(autoBuyer.path("matches").toString()).contains("system_buyer_id:" + buyer);
        assertThat(autoBuyer.path("trigger").path("seconds_tag").asText())
                .isEqualTo("retreaver_rtb_" + buyer + "_timer");
        assertThat(autoBuyer.path("revenue").path("tag").asText()).isEqualTo("retreaver_rtb_" + buyer + "_bid");
        assertThat(autoBuyer.path("payout").path("type").asText()).isEqualTo("percent");
        assertThat(autoBuyer.path("payout").path("percent").decimalValue()).isEqualByComparingTo("70");
        // and a publisher's ping is answered with 70% of the buyer's bid and its timer
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        var key = api.post(
                "/api/v2/campaigns/" + campaign + "/postback_keys",
                "{\"type\": \"real_time_bidding\", \"name\": \"RTB\", \"options\": {}}");
        var pinged = Api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/rtbs.json?key="
                        + key.json().path("key").asText() + "&publisher_id=pub-console&caller_number=%2B13125550188"))
                .timeout(java.time.Duration.ofSeconds(20))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(pinged.json().path("status").asText()).as(pinged.toString()).isEqualTo("reserved");
        assertThat(pinged.json().path("retreaver_payout").decimalValue()).isEqualByComparingTo("14");
        assertThat(pinged.json().path("retreaver_seconds").asInt()).isEqualTo(90);
        assertThat(api.get("/api/v2/buyers/" + buyer + "/conversion_criteria").body())
                .contains("retreaver_rtb_" + buyer + "_bid");
    }

    @Test
    void aBadAnswerShouldBeNamedBesideItsFieldAndCreateNothing() {
        Setup a = signedIn();
        a.browser().get("/configurator/cake");
        ConsoleClient.Page page = a.browser()
                .submit("/configurator/cake", Map.of("owner", "company", "domain", "not a domain\"><script>"));
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("id=\"domain-error\"").doesNotContain("<script>");
        assertThat(a.scenario().api().get("/api/v2/webhooks").body()).doesNotContain("Cake conversion");
    }
}
