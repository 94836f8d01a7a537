package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.HeadlessChromium;
import org.switchboard.testing.ServerIT;

/**
 * Configuring through the console in a real headless Chromium, on both databases: from an empty account an owner
 * builds a campaign with a publisher, a tracking number and two buyers with hours and caps, a call played with the
 * simulator is routed to the first buyer and shows so on its page; a form error is shown beside its field
 * with the input kept; a second person's save from an older form is refused; a viewer is refused. The SQLite run
 * takes the screenshots docs/console.md shows.
 */
class ConsoleConfigBrowserIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private static HeadlessChromium browser;

    private final List<String> consoleErrors = new ArrayList<>();

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.launch();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anOwnerShouldBuildACampaignFromAnEmptyAccountAndSeeACallRouted() {
        // given: an empty account and its admin
        Api api = newAccount();
        try (var window = browser.open(server.base(), consoleErrors)) {
            Page page = window.page();
            ConsoleSteps steps = new ConsoleSteps(page, engine);
            steps.signIn(ConsoleScenario.person(server, api, Role.ADMIN));

            // when: they build the campaign in the console
            steps.createPublisher("Web Leads", "web-leads");
            steps.screenshot("publisher");
            long campaign = steps.createCampaign("Auto Insurance");
            addNumberWithLetters(steps, page);
            String number = steps.addNumber("Web Leads");
            steps.screenshot("campaign");
            deletionShouldBeRefusedWithTheReason(page);
            long alpha = steps.createBuyer(
                    "Alpha Desk", "+12125550101", "1", campaign, "America/New_York", "00:00", "24:00");
            steps.setCap("daily_cap", "10");
            steps.setCap("concurrency_cap", "2");
            long night = steps.createBuyer(
                    "Night Desk", "sip:night@desk.example", "2", campaign, "America/New_York", "22:00", "06:00");
            steps.setCap("hourly_cap", "5");
            steps.screenshot("buyer");

            // then: the API sees what was built
            var built = api.get("/api/v2/buyers/" + alpha).json();
            assertThat(built.path("campaign_ids").get(0).asLong()).isEqualTo(campaign);
            assertThat(built.path("daily_cap").asInt()).isEqualTo(10);
            assertThat(built.path("hours").path("sunday").get(0).path("close").asText())
                    .isEqualTo("24:00");
            assertThat(api.get("/api/v2/buyers/" + night)
                            .json()
                            .path("hourly_cap")
                            .asInt())
                    .isEqualTo(5);
            assertThat(api.get("/api/v2/numbers")
                            .json()
                            .get(0)
                            .path("publisher_id")
                            .asLong())
                    .isPositive();

            // when: a call comes in on the number (the simulator) and the buyer answers
            String uuid = playCall(api, number);

            // then: the call page shows it routed to the first buyer, and its daily cap counts it
            page.navigate("/calls/" + uuid);
            assertThat(page.locator("#buyers").textContent())
                    .contains("Alpha Desk")
                    .contains("answered");
            page.navigate("/buyers/" + alpha);
            assertThat(page.locator("[data-cap=daily_cap]").textContent()).isEqualTo("now 1 of 10");

            tourTheOtherPages(steps, page, alpha, night);
        }
        assertThat(cspViolations()).isEmpty();
    }

    @Test
    void aSaveFromAnOlderFormShouldBeRefusedAndAViewerShouldChangeNothing() {
        // given: a campaign two people opened, and a viewer looking at it
        Api api = newAccount();
        long campaign =
                api.post("/api/v2/campaigns", "{\"name\": \"Shared Campaign\"}").id();
        try (var first = browser.open(server.base(), consoleErrors);
                var second = browser.open(server.base(), consoleErrors);
                var viewer = browser.open(server.base(), consoleErrors)) {
            var secondSteps = new ConsoleSteps(second.page(), engine);
            new ConsoleSteps(first.page(), engine).signIn(ConsoleScenario.person(server, api, Role.ADMIN));
            secondSteps.signIn(ConsoleScenario.person(server, api, Role.MANAGER));
            new ConsoleSteps(viewer.page(), engine).signIn(ConsoleScenario.person(server, api, Role.VIEWER));
            first.page().navigate("/campaigns/" + campaign);
            second.page().navigate("/campaigns/" + campaign);

            // when: the first renames it, then the second saves its own change from the form it loaded earlier
            first.page().locator("#f-name").fill("Renamed by the first");
            ConsoleSteps.click(first.page(), "Update campaign");
            first.page().locator("h1:has-text('Renamed by the first')").waitFor();
            second.page().locator("#f-tags").fill("vertical:auto");
            ConsoleSteps.click(second.page(), "Update campaign");

            // then: refused, naming the first one's change, with the second's input kept
            second.page().locator("#form-problems").waitFor();
            assertThat(second.page().locator("#form-problems").textContent())
                    .contains("Someone else changed this")
                    .contains("name from Shared Campaign to Renamed by the first");
            assertThat(second.page().locator("#f-tags").inputValue()).isEqualTo("vertical:auto");
            secondSteps.screenshot("campaign-conflict");
            assertThat(api.get("/api/v2/campaigns/" + campaign)
                            .json()
                            .path("tags")
                            .size())
                    .isZero();

            // and: the viewer sees the form disabled; forced open, the save is refused with a message
            Page page = viewer.page();
            page.navigate("/campaigns/" + campaign);
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Update campaign"))
                            .isDisabled())
                    .isTrue();
            page.evaluate("document.querySelectorAll('fieldset[disabled]').forEach(f => f.disabled = false)");
            page.locator("#f-name").fill("Viewer was here");
            ConsoleSteps.click(page, "Update campaign");
            page.locator("h1:has-text('Not allowed')").waitFor();
            assertThat(page.locator("main").textContent()).contains("Your role (viewer) may not make this change.");
            assertThat(api.get("/api/v2/campaigns/" + campaign)
                            .json()
                            .path("name")
                            .asText())
                    .isEqualTo("Renamed by the first");
        }
        assertThat(cspViolations()).isEmpty();
    }

    // --- a person's steps -----------------------------------------------------------------------------------------

    /** A number with letters in it: refused, named beside the field, what was typed still there. */
    private static void addNumberWithLetters(ConsoleSteps steps, Page page) {
        page.locator("#n-f-number").fill("312-555");
        page.locator("#n-f-tags").fill("ad:radio");
        ConsoleSteps.click(page, "Add number");
        page.locator("#n-number-error").waitFor();
        assertThat(page.locator("#n-number-error").textContent()).contains("is not a valid phone number");
        assertThat(page.locator("#n-f-number").inputValue()).isEqualTo("312-555");
        assertThat(page.locator("#n-f-tags").inputValue()).isEqualTo("ad:radio");
        steps.screenshot("form-error");
    }

    /** Deleting the campaign, confirmed, while a number points at it: the API's reason on the page. */
    private static void deletionShouldBeRefusedWithTheReason(Page page) {
        page.onceDialog(dialog -> dialog.accept());
        ConsoleSteps.click(page, "Delete campaign");
        page.locator("#refused").waitFor();
        assertThat(page.locator("#refused").textContent()).contains("still has 1 tracking number(s)");
    }

    private String playCall(Api api, String number) {
        String caller = "+1312555" + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
        return HeadlessChromium.simulate(server.base(), api.key(), number, caller, 60);
    }

    /** The remaining configuration pages, each filled a little, for their screenshots. */
    private static void tourTheOtherPages(ConsoleSteps steps, Page page, long alpha, long night) {
        page.navigate("/buyer_groups");
        page.locator("#f-name").fill("Insurance Desks");
        page.locator("input[name=buyer_ids][value='" + alpha + "']").check();
        page.locator("input[name=buyer_ids][value='" + night + "']").check();
        page.locator("#f-daily_cap").fill("40");
        ConsoleSteps.click(page, "Create group");
        page.waitForURL("**/buyer_groups/*");
        assertThat(page.locator("[data-cap=daily_cap]").textContent()).isEqualTo("now 1 of 40");
        steps.screenshot("buyer-group");
        page.navigate("/directories");
        page.locator("input[name='entries.0.name']").fill("Sales floor");
        page.locator("input[name='entries.0.destination']").fill("+12125550150");
        page.locator("input[name='entries.1.name']").fill("Escalations");
        page.locator("input[name='entries.1.destination']").fill("sip:escalations@desk.example");
        page.locator("#f-name").fill("Transfer targets");
        ConsoleSteps.click(page, "Create directory");
        page.waitForURL("**/directories/*");
        steps.screenshot("directory");
        for (String shot : List.of("campaigns", "numbers", "buyers", "buyer_groups", "publishers", "company")) {
            page.navigate("/" + shot);
            steps.screenshot(shot.replace('_', '-'));
        }
        page.navigate("/audit_log");
        assertThat(page.locator("#audit-rows").textContent())
                .contains("Auto Insurance")
                .contains("Alpha Desk")
                .contains("daily_cap: null → 10");
        steps.screenshot("audit-log");
    }

    private List<String> cspViolations() {
        return consoleErrors.stream()
                .filter(e -> e.contains("Content Security Policy") || e.contains("Refused to"))
                .toList();
    }
}
