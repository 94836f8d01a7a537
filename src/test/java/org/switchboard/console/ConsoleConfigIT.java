package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.testing.Api;
import org.switchboard.testing.ServerIT;

/**
 * The configuration pages over plain HTTP, on both databases: forms go through the API's rules (the problem beside
 * its field, the input kept), a second save from an older form is refused with what changed, viewers and forged forms
 * change nothing, refusals of deletion are shown, the webhook lock works, and every change is in the audit log.
 */
class ConsoleConfigIT extends ServerIT {
    private static final Pattern LOADED = Pattern.compile("name=\"_loaded\" value=\"([^\"]*)\"");
    private static final AtomicInteger NEXT = new AtomicInteger();

    @Test
    void aNumberWithLettersShouldBeRefusedBesideItsFieldWithTheInputKept() {
        // given: an admin on a campaign's page
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        long campaign = createCampaign(admin, "Refusals");

        // when: they add a number that is not one
        admin.get("/campaigns/" + campaign);
        ConsoleClient.Page refused = admin.submit(
                "/campaigns/" + campaign + "/numbers", Map.of("number", "12ab<script>", "name", "Billboard"));

        // then: 400, the API's message beside the number field, what they typed still in the form (escaped)
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .contains("id=\"n-number-error\"")
                .contains("value=\"12ab&lt;script")
                .contains("value=\"Billboard\"")
                .doesNotContain("12ab<script>");
        assertThat(api.get("/api/v2/numbers").json()).isEmpty();
    }

    @Test
    void aNumberShouldBeStoredNormalisedAndItsWebhooksUnlockedAndLockedAgain() {
        // given: a campaign with a start webhook
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        long campaign = createCampaign(admin, "Locks");
        api.post(
                "/api/v2/campaigns/" + campaign + "/webhooks",
                "{\"name\": \"Start\", \"trigger\": \"start\", \"method\": \"GET\", \"url\": \"https://example.com/s\"}");
        admin.get("/campaigns/" + campaign);
        String number = "(866) 559-" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);

        // when: a number is added in a local form, then unlocked
        assertThat(admin.submit("/campaigns/" + campaign + "/numbers", Map.of("number", number, "tags", "ad:tv"))
                        .status())
                .isEqualTo(303);
        var stored = api.get("/api/v2/numbers").json().get(0);
        long id = stored.path("id").asLong();
        admin.get("/campaigns/" + campaign);
        assertThat(admin.submit("/numbers/" + id + "/unlock_webhooks", Map.of("back", "/numbers"))
                        .location())
                .isEqualTo("/numbers");

        // then: stored as E.164 with its tag; unlocked, it has the campaign's webhook copied; locked again, none
        assertThat(stored.path("number").asText()).startsWith("+1866559");
        assertThat(stored.path("tags").path("ad").get(0).asText()).isEqualTo("tv");
        assertThat(api.get("/api/v2/numbers/" + id)
                        .json()
                        .path("webhooks_unlocked")
                        .asBoolean())
                .isTrue();
        assertThat(api.get("/api/v2/numbers/" + id + "/webhooks").json()).hasSize(1);
        assertThat(admin.get("/numbers").body()).contains("Lock the webhooks of");
        admin.submit("/numbers/" + id + "/lock_webhooks", Map.of());
        assertThat(api.get("/api/v2/numbers/" + id)
                        .json()
                        .path("webhooks_unlocked")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aSecondSaveFromAnOlderFormShouldBeRefusedShowingWhatChanged() {
        // given: two admins who opened the same campaign
        Api api = newAccount();
        ConsoleClient first = signedIn(api, Role.ADMIN);
        ConsoleClient second = signedIn(api, Role.MANAGER);
        long campaign = createCampaign(first, "Shared");
        String firstStamp = stamp(first.get("/campaigns/" + campaign).body());
        String secondStamp = stamp(second.get("/campaigns/" + campaign).body());

        // when: the first saves, then the second saves from the form they loaded before
        assertThat(first.submit("/campaigns/" + campaign, campaignForm("Shared by first", firstStamp))
                        .status())
                .isEqualTo(303);
        ConsoleClient.Page refused =
                second.submit("/campaigns/" + campaign, campaignForm("Shared by second", secondStamp));

        // then: refused with the first one's change named, the second's input kept, the first's name stored
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body())
                .contains("Someone else changed this")
                .contains("name from Shared to Shared by first")
                .contains("value=\"Shared by second\"");
        assertThat(api.get("/api/v2/campaigns/" + campaign).json().path("name").asText())
                .isEqualTo("Shared by first");
    }

    @Test
    void aViewerAndAForgedFormShouldChangeNothing() {
        // given: a campaign, a viewer and an admin signed in
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        long campaign = createCampaign(admin, "Guarded");
        ConsoleClient viewer = signedIn(api, Role.VIEWER);
        ConsoleClient.Page seen = viewer.get("/campaigns/" + campaign);

        // when: the viewer posts the edit form, and the admin's browser is made to post one without the token
        ConsoleClient.Page byViewer =
                viewer.submit("/campaigns/" + campaign, campaignForm("Viewer was here", stamp(seen.body())));
        ConsoleClient.Page forged = admin.post("/campaigns", Map.of("name", "Forged"));
        ConsoleClient.Page viewerCreates = viewer.submit("/buyers", Map.of("name", "B", "destination", "+12125550100"));

        // then: the viewer sees the form disabled and is refused with a message; the forged form too
        assertThat(seen.body()).contains("<fieldset disabled>");
        assertThat(byViewer.status()).isEqualTo(403);
        assertThat(byViewer.body()).contains("Your role (viewer) may not make this change.");
        assertThat(viewerCreates.status()).isEqualTo(403);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(api.get("/api/v2/campaigns").json()).hasSize(1);
        assertThat(api.get("/api/v2/campaigns/" + campaign).json().path("name").asText())
                .isEqualTo("Guarded");
        assertThat(api.get("/api/v2/buyers").json()).isEmpty();
    }

    @Test
    void deletingACampaignWithNumbersShouldShowTheApisReasonAndAnotherAccountsCampaignIsNotFound() {
        // given: a campaign with a number, and someone of another account
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        long campaign = createCampaign(admin, "Busy");
        admin.get("/campaigns/" + campaign);
        admin.submit(
                "/campaigns/" + campaign + "/numbers",
                Map.of("number", "+1866560" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000)));
        ConsoleClient stranger = signedIn(newAccount(), Role.ADMIN);

        // when
        admin.get("/campaigns/" + campaign);
        ConsoleClient.Page refused = admin.submit("/campaigns/" + campaign + "/delete", Map.of());

        // then
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("id=\"refused\"").contains("still has 1 tracking number(s)");
        assertThat(api.get("/api/v2/campaigns/" + campaign).status()).isEqualTo(200);
        assertThat(stranger.get("/campaigns/" + campaign).status()).isEqualTo(404);
        stranger.get("/campaigns");
        assertThat(stranger.submit("/campaigns/" + campaign + "/delete", Map.of())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aBuyersOvernightHoursAndCapsShouldBeSavedAndShownWithTheirCounts() {
        // given
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        admin.get("/buyers");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", "Night Desk");
        form.put("destination", "sip:night@desk.example");
        form.put("time_zone", "America/New_York");
        form.put("hours_on", "true");
        form.put("hours.friday.0.open", "22:00");
        form.put("hours.friday.0.close", "06:00");
        form.put("daily_cap", "10");
        form.put("hourly_cap", "x");

        // when: a bad cap, then a good one
        ConsoleClient.Page refused = admin.submit("/buyers", form);
        form.put("hourly_cap", "3");
        ConsoleClient.Page created = admin.submit("/buyers", form);

        // then: the bad cap named beside its field with every other input kept; the saved buyer is open overnight
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .contains("id=\"hourly_cap-error\"")
                .contains("must be a whole number")
                .contains("value=\"22:00\"")
                .contains("value=\"sip:night@desk.example\"");
        assertThat(created.status()).isEqualTo(303);
        var buyer = api.get("/api/v2/buyers").json().get(0);
        assertThat(buyer.path("hours").path("friday").get(0).path("close").asText())
                .isEqualTo("06:00");
        assertThat(buyer.path("daily_cap").asInt()).isEqualTo(10);
        String page = admin.get(created.location()).body();
        assertThat(page)
                .contains("data-cap=\"daily_cap\">now 0 of 10<")
                .contains("data-cap=\"hourly_cap\">now 0 of 3<")
                .containsPattern("data-day=\"saturday\">[\\s\\S]*?class=\"hour open\"");
    }

    @Test
    void everyChangeShouldBeInTheAuditLogFilteredByUserAndObject() {
        // given: two people changing two objects
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        ConsoleClient manager = signedIn(api, Role.MANAGER);
        long campaign = createCampaign(admin, "Audited");
        manager.get("/publishers");
        manager.submit("/publishers", Map.of("name", "Audited Publisher", "cid", "aud-1"));
        String stamp = stamp(admin.get("/campaigns/" + campaign).body());
        admin.submit("/campaigns/" + campaign, campaignForm("Audited again", stamp));

        // when
        String campaignLog = admin.get("/audit_log?object_type=campaign&object_id=" + campaign)
                .body();
        long managerId =
                server
                        .wiring()
                        .console()
                        .auditLog()
                        .list(new AccountId(api.accountId()), AuditLog.Filter.recent(10))
                        .stream()
                        .filter(e -> e.objectType().equals("publisher"))
                        .findFirst()
                        .orElseThrow()
                        .userId();
        String managerLog = admin.get("/audit_log?user=" + managerId).body();

        // then: the campaign's creation and rename, with who and what; the manager's publisher only
        assertThat(campaignLog)
                .contains("name: Audited → Audited again")
                .contains(">create<")
                .contains(">update<")
                .doesNotContain("Audited Publisher");
        assertThat(managerLog).contains("Audited Publisher").doesNotContain("Audited again");
        assertThat(admin.get("/audit_log?user=abc").status()).isEqualTo(400);
    }

    @Test
    void onlyAnAdminShouldChangeTheCompanySettingsThroughTheApisRules() {
        // given
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        ConsoleClient manager = signedIn(api, Role.MANAGER);
        String adminStamp = stamp(admin.get("/company").body());
        String managerStamp = stamp(manager.get("/company").body());

        // when: the manager tries, then the admin turns RTB on; then a blank name
        ConsoleClient.Page byManager = manager.submit(
                "/company",
                Map.of("name", "Taken over", "features.real_time_bidding", "true", "_loaded", managerStamp));
        ConsoleClient.Page byAdmin = admin.submit(
                "/company", Map.of("name", "Acme Calls", "features.real_time_bidding", "true", "_loaded", adminStamp));
        ConsoleClient.Page blank = admin.submit(
                "/company",
                Map.of("name", " ", "_loaded", stamp(admin.get("/company").body())));

        // then
        assertThat(byManager.status()).isEqualTo(403);
        assertThat(byAdmin.status()).isEqualTo(303);
        var account = api.get("/api/v2/account").json();
        assertThat(account.path("name").asText()).isEqualTo("Acme Calls");
        assertThat(account.path("features").path("real_time_bidding").asBoolean())
                .isTrue();
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.body()).contains("id=\"name-error\"").contains("is required");
    }

    @Test
    void everyConfigurationPageShouldNeedASessionAndShowHostileNamesAsText() {
        // given: a campaign, buyer and publisher named with markup, made through the API
        Api api = newAccount();
        String hostile = "<script>alert(1)</script>\"'";
        String quoted = org.switchboard.platform.http.Json.writeString(hostile);
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": " + quoted + "}").id();
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": " + quoted + ", \"destination\": \"+12125550100\", " + "\"campaign_ids\": ["
                                + campaign + "]}")
                .id();
        ConsoleClient anonymous = new ConsoleClient(server.base());
        ConsoleClient admin = signedIn(api, Role.ADMIN);

        // when / then: without a session every page sends to sign-in and a post creates nothing
        for (String path : java.util.List.of(
                "/campaigns",
                "/campaigns/" + campaign,
                "/numbers",
                "/buyers",
                "/buyers/" + buyer,
                "/buyer_groups",
                "/publishers",
                "/directories",
                "/company",
                "/audit_log")) {
            ConsoleClient.Page page = anonymous.get(path);
            assertThat(page.status()).as(path).isEqualTo(303);
            assertThat(page.location()).as(path).startsWith("/sign_in?next=");
            ConsoleClient.Page shown = admin.get(path);
            assertThat(shown.status()).as(path).isEqualTo(200);
            assertThat(shown.body()).as(path).doesNotContain("<script>alert(1)");
        }
        assertThat(anonymous.post("/campaigns", Map.of("name", "Anonymous")).status())
                .isEqualTo(303);
        assertThat(api.get("/api/v2/campaigns").json()).hasSize(1);
        assertThat(admin.get("/campaigns/" + campaign).body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void pausingACampaignShouldChangeOnlyPausedAndBeAudited() {
        // given: a campaign with tags
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Pausable\", \"tags\": {\"ad\": [\"tv\"]}}")
                .id();

        // when: paused, then resumed, each from the page as loaded
        String stamp = stamp(admin.get("/campaigns/" + campaign).body());
        ConsoleClient.Page paused =
                admin.submit("/campaigns/" + campaign + "/pause", Map.of("paused", "true", "_loaded", stamp));
        var afterPause = api.get("/api/v2/campaigns/" + campaign).json();
        stamp = stamp(admin.get("/campaigns/" + campaign).body());
        admin.submit("/campaigns/" + campaign + "/pause", Map.of("_loaded", stamp));

        // then
        assertThat(paused.status()).isEqualTo(303);
        assertThat(afterPause.path("paused").asBoolean()).isTrue();
        assertThat(afterPause.path("tags").path("ad").get(0).asText()).isEqualTo("tv");
        assertThat(api.get("/api/v2/campaigns/" + campaign)
                        .json()
                        .path("paused")
                        .asBoolean())
                .isFalse();
        assertThat(admin.get("/audit_log?object_type=campaign&object_id=" + campaign)
                        .body())
                .contains(">pause<")
                .contains(">resume<")
                .contains("paused: false → true");
    }

    @Test
    void aBuyerShouldBeLinkedAndUnlinkedOnTheCampaignPageAndADirectorysBadEntryNamedByItsRow() {
        // given: a campaign and a buyer of no campaign
        Api api = newAccount();
        ConsoleClient admin = signedIn(api, Role.ADMIN);
        long campaign = createCampaign(admin, "Linking");
        long buyer = api.post("/api/v2/buyers", "{\"name\": \"Loose Buyer\", \"destination\": \"+12125550100\"}")
                .id();

        // when: linked, then unlinked; and a directory whose second entry is not dialable
        admin.get("/campaigns/" + campaign);
        admin.submit("/campaigns/" + campaign + "/buyers", Map.of("buyer_id", Long.toString(buyer)));
        var linked = api.get("/api/v2/buyers/" + buyer).json().path("campaign_ids");
        String page = admin.get("/campaigns/" + campaign).body();
        admin.submit("/campaigns/" + campaign + "/buyers/" + buyer + "/unlink", Map.of());
        admin.get("/directories");
        ConsoleClient.Page refused = admin.submit(
                "/directories",
                Map.of(
                        "name", "Floors",
                        "entries.0.name", "Sales",
                        "entries.0.destination", "+12125550150",
                        "entries.1.name", "Nowhere",
                        "entries.1.destination", "not a number"));

        // then
        assertThat(linked).hasSize(1);
        assertThat(linked.get(0).asLong()).isEqualTo(campaign);
        assertThat(page).contains("data-buyer=\"" + buyer + "\"");
        assertThat(api.get("/api/v2/buyers/" + buyer).json().path("campaign_ids"))
                .isEmpty();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .contains("id=\"entries-error\"")
                .contains("entries[1].destination")
                .contains("value=\"not a number\"")
                .contains("value=\"Sales\"");
        assertThat(api.get("/api/v2/directories").json()).isEmpty();
    }

    // --- steps --------------------------------------------------------------------------------------------------

    private ConsoleClient signedIn(Api api, Role role) {
        String email = role.word() + NEXT.incrementAndGet() + "-config-"
                + engine.name().toLowerCase(java.util.Locale.ROOT) + "@console.test";
        String password = "correct horse " + NEXT.incrementAndGet();
        server.wiring()
                .console()
                .addUser(new AccountId(api.accountId()), email, "Person " + role.word(), role, password);
        ConsoleClient client = new ConsoleClient(server.base());
        assertThat(client.signIn(new ConsoleScenario.Person(email, password, role))
                        .status())
                .isEqualTo(303);
        return client;
    }

    private static long createCampaign(ConsoleClient client, String name) {
        client.get("/campaigns");
        ConsoleClient.Page created = client.submit("/campaigns", Map.of("name", name, "time_zone", "UTC"));
        assertThat(created.status()).as(created.body()).isEqualTo(303);
        return Long.parseLong(created.location().substring("/campaigns/".length()));
    }

    private static Map<String, String> campaignForm(String name, String stamp) {
        return Map.of(
                "name", name,
                "time_zone", "UTC",
                "repeat_caller_window_seconds", "86400",
                "use_company_default_webhooks", "true",
                "_loaded", stamp);
    }

    private static String stamp(String page) {
        Matcher m = LOADED.matcher(page);
        assertThat(m.find()).as("the page has an edit stamp").isTrue();
        return m.group(1);
    }
}
