package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.testing.ServerIT;

/**
 * The configuration pages' rules over plain HTTP: forms are checked by the API's code with the problem beside its
 * field and the input kept; viewers and forged forms are refused; a save over someone else's change is refused with
 * the difference; another account's objects are not found; outside values are escaped; changes reach the audit log.
 */
class ConsoleConfigPagesIT extends ServerIT {
    private static final Pattern LOADED = Pattern.compile("name=\"_loaded\" value=\"([^\"]*)\"");

    private ConsoleScenario scenario() {
        return ConsoleScenario.create(server, newAccount(), "pages-" + engine, "https://hooks.example.com/start");
    }

    private static ConsoleClient signedIn(ConsoleScenario s, Role role) {
        ConsoleClient browser = new ConsoleClient(server.base());
        assertThat(browser.signIn(s.person(role)).status()).isEqualTo(303);
        return browser;
    }

    private static Map<String, String> webhookForm(ConsoleScenario s, String name, String url) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("owner", "campaign:" + s.campaign());
        form.put("name", name);
        form.put("trigger", "start");
        form.put("method", "GET");
        form.put("url", url);
        form.put("timeout_ms", "5000");
        return form;
    }

    @Test
    void aMistypedTokenShouldBeNamedBesideTheUrlWithItsPositionAndTheInputKept() {
        ConsoleScenario s = scenario();
        ConsoleClient browser = signedIn(s, Role.MANAGER);
        browser.get("/webhooks/new?owner=campaign:" + s.campaign());

        ConsoleClient.Page page = browser.submit(
                "/webhooks/new", webhookForm(s, "Bad token", "https://hooks.example.com/?c=[Caller Number]"));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("id=\"url-error\"").contains("at position 30");
        assertThat(page.body()).contains("value=\"https://hooks.example.com/?c=[Caller Number]\"");
        assertThat(s.api()
                        .get("/api/v2/campaigns/" + s.campaign() + "/webhooks")
                        .body())
                .doesNotContain("Bad token");
    }

    @Test
    void aWebhookSavedThroughTheFormShouldBeTheApisAndBeAudited() {
        ConsoleScenario s = scenario();
        ConsoleClient browser = signedIn(s, Role.MANAGER);
        browser.get("/webhooks/new?owner=campaign:" + s.campaign());

        ConsoleClient.Page page = browser.submit(
                "/webhooks/new", webhookForm(s, "CRM ping", "https://crm.example.com/?caller=[caller_number]"));

        assertThat(page.status()).as(page.body()).isEqualTo(303);
        assertThat(s.api()
                        .get("/api/v2/campaigns/" + s.campaign() + "/webhooks")
                        .body())
                .contains("https://crm.example.com/?caller=[caller_number]");
        var entries = server.wiring()
                .console()
                .auditLog()
                .list(new AccountId(s.api().accountId()), AuditLog.Filter.recent(10));
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.objectType()).isEqualTo("webhook");
            assertThat(e.objectName()).isEqualTo("CRM ping");
            assertThat(e.action()).isEqualTo("created");
        });
    }

    @Test
    void aViewerAndAForgedFormShouldBeRefused() {
        ConsoleScenario s = scenario();
        ConsoleClient viewer = signedIn(s, Role.VIEWER);
        assertThat(viewer.get("/webhooks/new?owner=campaign:" + s.campaign()).status())
                .isEqualTo(200);

        ConsoleClient.Page refused =
                viewer.submit("/webhooks/new", webhookForm(s, "Viewer's", "https://a.example.com/"));
        ConsoleClient manager = signedIn(s, Role.MANAGER);
        manager.get("/caller_lists");
        ConsoleClient.Page forged =
                manager.post("/caller_lists", Map.of("owner", "campaign:" + s.campaign(), "name", "x"));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("Your role (viewer) may not make this change");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(s.api()
                        .get("/api/v2/campaigns/" + s.campaign() + "/webhooks")
                        .body())
                .doesNotContain("Viewer's");
        assertThat(s.api()
                        .get("/api/v2/campaigns/" + s.campaign() + "/caller_lists")
                        .json())
                .isEmpty();
    }

    @Test
    void aSaveOverSomeoneElsesChangeShouldBeRefusedWithTheDifference() {
        ConsoleScenario s = scenario();
        ConsoleClient browser = signedIn(s, Role.MANAGER);
        long id = s.api()
                .get("/api/v2/campaigns/" + s.campaign() + "/webhooks")
                .json()
                .get(0)
                .path("id")
                .asLong();
        ConsoleClient.Page form = browser.get("/webhooks/" + id);
        Matcher loaded = LOADED.matcher(form.body());
        assertThat(loaded.find()).isTrue();
        // someone else renames it meanwhile
        s.api().patch("/api/v2/webhooks/" + id, "{\"name\": \"Renamed by Ann\"}");

        Map<String, String> mine = webhookForm(s, "My name", "https://hooks.example.com/start?caller=[caller_number]");
        mine.put("_loaded", loaded.group(1));
        ConsoleClient.Page first = browser.submit("/webhooks/" + id, mine);
        Matcher fresh = LOADED.matcher(first.body());
        assertThat(fresh.find()).isTrue();
        mine.put("_loaded", fresh.group(1));
        ConsoleClient.Page second = browser.submit("/webhooks/" + id, mine);

        assertThat(first.status()).isEqualTo(409);
        assertThat(first.body()).contains("id=\"edit-conflict\"").contains("Renamed by Ann");
        assertThat(first.body()).contains("value=\"My name\"");
        assertThat(second.status()).isEqualTo(303);
        assertThat(s.api().get("/api/v2/webhooks/" + id).json().path("name").asText())
                .isEqualTo("My name");
    }

    @Test
    void anotherAccountsWebhookShouldNotBeFoundAndHostileNamesShouldBeText() {
        ConsoleScenario mine = scenario();
        ConsoleScenario theirs = scenario();
        long theirWebhook = theirs.api()
                .get("/api/v2/campaigns/" + theirs.campaign() + "/webhooks")
                .json()
                .get(0)
                .path("id")
                .asLong();
        mine.api()
                .post(
                        "/api/v2/campaigns/" + mine.campaign() + "/webhooks",
                        "{\"name\": \"<script>alert(1)</script>\", \"trigger\": \"start\", \"url\": \"https://a.example.com/\"}");
        ConsoleClient browser = signedIn(mine, Role.ADMIN);

        assertThat(browser.get("/webhooks/" + theirWebhook).status()).isEqualTo(404);
        assertThat(browser.get("/sections/webhooks?owner=campaign:" + theirs.campaign())
                        .status())
                .isEqualTo(404);
        ConsoleClient.Page section = browser.get("/sections/webhooks?owner=campaign:" + mine.campaign());
        assertThat(section.body()).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void thePostbackKeysSectionShouldOfferOnlyTheTypesValidOnTheEntity() {
        ConsoleScenario s = scenario();
        ConsoleClient browser = signedIn(s, Role.MANAGER);

        String buyer =
                browser.get("/sections/postback_keys?owner=buyer:" + s.buyer()).body();
        String campaign = browser.get("/sections/postback_keys?owner=campaign:" + s.campaign())
                .body();
        ConsoleClient.Page wrong = browser.get("/postback_keys/new?owner=buyer:" + s.buyer() + "&type=call_transfer");

        assertThat(buyer)
                .contains("+ Add Conversion Key")
                .contains("+ Add Caller List Key")
                .doesNotContain("Real-Time Bidding");
        assertThat(campaign).contains("+ Add Real-Time Bidding Key").doesNotContain("Conversion Key");
        assertThat(wrong.status()).isEqualTo(400);
    }

    @Test
    void anRtbKeyWithATtlOutOfRangeShouldBeRefusedBesideTheTtl() {
        ConsoleScenario s = scenario();
        s.api().patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true}}");
        ConsoleClient browser = signedIn(s, Role.MANAGER);
        browser.get("/postback_keys/new?owner=campaign:" + s.campaign() + "&type=real_time_bidding");

        ConsoleClient.Page page = browser.submit(
                "/postback_keys/new",
                Map.of(
                        "owner",
                        "campaign:" + s.campaign(),
                        "type",
                        "real_time_bidding",
                        "name",
                        "RTB",
                        "options.ttl_seconds",
                        "5"));
        ConsoleClient.Page ok = browser.submit(
                "/postback_keys/new",
                Map.of(
                        "owner",
                        "campaign:" + s.campaign(),
                        "type",
                        "real_time_bidding",
                        "name",
                        "RTB",
                        "options.ttl_seconds",
                        "20",
                        "options.add_to_caps_on_status_reserved",
                        "true"));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("id=\"options.ttl_seconds-error\"").contains("between 10 and 999");
        assertThat(ok.status()).isEqualTo(303);
        var key = s.api()
                .get("/api/v2/campaigns/" + s.campaign() + "/postback_keys")
                .json()
                .get(0);
        assertThat(key.path("options").path("ttl_seconds").asInt()).isEqualTo(20);
        assertThat(key.path("options").path("add_to_caps_on_status_reserved").asBoolean())
                .isTrue();
    }

    @Test
    void theCompanysOneClickSetupShouldMakeADefaultPixelThatNewCampaignsGet() {
        ConsoleScenario s = scenario();
        ConsoleClient browser = signedIn(s, Role.ADMIN);
        ConsoleClient.Page section = browser.get("/sections/webhooks?owner=company");
        assertThat(section.body()).contains("id=\"one-click\"");

        ConsoleClient.Page done = browser.submit(
                "/configurator/one_click",
                Map.of(
                        "template",
                        "voluum",
                        "domain",
                        "abcde.trackvoluum.com",
                        "back",
                        "/configuration?owner=company"));
        long campaign =
                s.api().post("/api/v2/campaigns", "{\"name\": \"Later\"}").id();

        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).isEqualTo("/configuration?owner=company");
        assertThat(s.api().get("/api/v2/campaigns/" + campaign + "/webhooks").body())
                .contains("https://abcde.trackvoluum.com/postback?cid=[cid]&payout=[payout]&txid=[call_uuid]");
    }

    @Test
    void theTokenWizardShouldListWhatTheTriggerHasAndThePreviewShouldRenderARecentCall() {
        ConsoleScenario s = scenario();
        String uuid = s.playCall("+13125550177", 20);
        ConsoleClient browser = signedIn(s, Role.VIEWER);
        String atStart = browser.get("/webhooks/tokens?trigger=start").body();
        String atConversion = browser.get("/webhooks/tokens?trigger=conversion").body();
        browser.get("/webhooks/new?owner=campaign:" + s.campaign());
        Map<String, String> form =
                webhookForm(s, "Preview", "https://crm.example.com/?caller=[caller_number]&n=[note]");
        form.put("preview_call", uuid);

        ConsoleClient.Page preview = browser.submit("/webhooks/preview", form);

        assertThat(atStart).contains("[call_key]").doesNotContain("[payout]");
        assertThat(atConversion).contains("[payout]").contains("[revenue]").contains("[call_duration]");
        assertThat(atConversion).contains("[note]"); // a tag key of the account's recent calls
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.body()).contains("https://crm.example.com/?caller=%2B13125550177&amp;n=pages-" + engine);
    }

    @Test
    void theLockIconShouldGiveANumberItsOwnCopyOfTheCampaignsWebhooksAndTakeItBack() {
        ConsoleScenario s = scenario();
        long number = java.util.stream.StreamSupport.stream(
                        s.api().get("/api/v2/numbers").json().spliterator(), false)
                .filter(n -> n.path("number").asText().equals(s.number()))
                .findFirst()
                .orElseThrow()
                .path("id")
                .asLong();
        ConsoleClient browser = signedIn(s, Role.MANAGER);
        ConsoleClient.Page locked = browser.get("/sections/webhooks?owner=number:" + number);

        ConsoleClient.Page unlock = browser.submit("/sections/webhooks/unlock", Map.of("owner", "number:" + number));
        String own = s.api().get("/api/v2/numbers/" + number + "/webhooks").body();
        browser.get("/sections/webhooks?owner=number:" + number);
        ConsoleClient.Page lock = browser.submit("/sections/webhooks/lock", Map.of("owner", "number:" + number));

        assertThat(locked.body())
                .contains("uses its campaign's webhooks")
                .contains("Start ping")
                .contains("Unlock webhooks");
        assertThat(unlock.status()).isEqualTo(303);
        assertThat(own).contains("Start ping");
        assertThat(lock.status()).isEqualTo(303);
        assertThat(s.api().get("/api/v2/numbers/" + number + "/webhooks").status())
                .isEqualTo(409);
    }

    @Test
    void numbersShouldBeAddedSearchedAndRemovedWithABadOneNamedByItsLine() {
        ConsoleScenario s = scenario();
        ConsoleClient browser = signedIn(s, Role.MANAGER);
        browser.get("/caller_lists");
        ConsoleClient.Page created =
                browser.submit("/caller_lists", Map.of("owner", "campaign:" + s.campaign(), "name", "accepted_vip"));
        String list = created.location();

        ConsoleClient.Page bad = browser.submit(list + "/numbers", Map.of("numbers", "3125550101\nnope"));
        ConsoleClient.Page good = browser.submit(list + "/numbers", Map.of("numbers", "3125550101, (312) 555-0102"));
        String found = browser.get(list + "?number=3125550102").body();
        ConsoleClient.Page removed = browser.submit(list + "/numbers/remove", Map.of("number", "+13125550102"));
        String after = browser.get(list + "?number=3125550102").body();

        assertThat(created.status()).isEqualTo(303);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body())
                .contains("id=\"numbers-error\"")
                .contains("line 2: ")
                .contains("nope");
        assertThat(good.body()).contains("2 numbers added");
        assertThat(found).contains("+13125550102 is on this list");
        assertThat(removed.status()).isEqualTo(303);
        assertThat(after).contains("+13125550102 is not on this list");
    }

    @Test
    void criteriaShouldReadAsPeopleWriteThemInTheSectionAndTheEditForm() {
        ConsoleScenario s = scenario();
        ConsoleClient browser = signedIn(s, Role.VIEWER);
        long id = s.api()
                .get("/api/v2/campaigns/" + s.campaign() + "/conversion_criteria")
                .json()
                .get(0)
                .path("id")
                .asLong();

        String section = browser.get("/sections/conversion_criteria?campaign=" + s.campaign())
                .body();
        String form = browser.get("/conversion_criteria/" + id).body();
        String modifier = browser.submit("/conversion_criteria/modifier", Map.of("payout.modifier", "*0.8"))
                .body();
        String broken = browser.submit("/conversion_criteria/modifier", Map.of("payout.modifier", "*0.8x"))
                .body();

        assertThat(section).contains("after 60 s").contains("12.50").contains("70% of revenue");
        assertThat(form).contains("value=\"70\"").contains("value=\"12.50\"");
        assertThat(modifier).contains("A revenue of 10.00 pays 8.00.");
        assertThat(broken).contains("id=\"modifier-problem\"").contains("position");
    }
}
