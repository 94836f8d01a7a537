package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Await;
import org.switchboard.testing.HeadlessChromium;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * Configuring in a real headless Chromium (as {@link ConsoleBrowserIT}): the test-fire wizard against a receiver on
 * loopback, a caller-list upload with a bad line, and a postback criterion paying {@code *0.8} with a conversion key
 * whose URL is copied from the page, a call played and its conversion posted to that URL, seen on the call overview
 * as revenue 10.00 and payout 8.00. The SQLite run takes the screenshots docs/console.md shows.
 */
class ConsoleHooksBrowserIT extends ServerIT {
    private static Receiver receiver;
    private static HeadlessChromium browser;

    private HeadlessChromium.Window window;
    private Page page;
    private ConsoleSteps steps;
    private final List<String> consoleErrors = new ArrayList<>();

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.launch();
        receiver = new Receiver().on("/start", Receiver.respond(200, "application/json", "{\"lead_score\": \"high\"}"));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @BeforeEach
    void openWindow() {
        window = browser.open(server.base(), consoleErrors);
        page = window.page();
        steps = new ConsoleSteps(page, engine);
        page.onDialog(dialog -> dialog.accept());
    }

    @AfterEach
    void closeWindow() {
        window.close();
    }

    @Test
    void theTestFireWizardShouldShowTheRequestAsSentAndTheResponse() {
        // given: a campaign with a start webhook to the receiver, and its editor with a mistyped token
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "fire-" + engine, receiver.url("/start"));
        steps.signIn(s.person(Role.MANAGER));
        steps.openCampaignConfiguration(s.campaign());
        steps.screenshot("configuration");
        page.locator("#webhooks-section a", new Page.LocatorOptions().setHasText("Start ping"))
                .click();
        page.waitForURL("**/webhooks/*");
        page.locator("#url").fill(receiver.url("/start") + "?caller=[Caller Number]");
        page.locator("#check [data-field=url]").waitFor();
        assertThat(page.locator("#check").textContent()).contains("at position");
        page.locator("#url").fill(receiver.url("/start") + "?caller=");
        page.locator("#token-wizard button[data-insert='[caller_number]']").click();
        assertThat(page.locator("#url").inputValue()).endsWith("?caller=[caller_number]");
        page.locator("#check .ok").waitFor();
        steps.screenshot("webhook-editor");

        // when: the owner test fires it for a buyer and a publisher with a tag
        page.navigate(page.url().replaceAll("\\?.*", "") + "/test_fire");
        page.selectOption("#buyer_id", new SelectOption().setLabel("Console Buyer"));
        page.selectOption("#publisher_id", new SelectOption().setLabel("Console Publisher"));
        page.locator("#tags").fill("lead:gold");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Fire"))
                .click();
        page.locator("#test-fire-result").waitFor();

        // then: the page shows the request as sent and the receiver's answer, which the receiver did get
        assertThat(page.locator("#sent-facts [data-field=method]").textContent())
                .isEqualTo("POST");
        assertThat(page.locator("#sent-facts [data-field=url]").textContent()).contains("/start?caller=%2B12025550143");
        assertThat(page.locator("#response-facts [data-field=status]").textContent())
                .isEqualTo("200");
        assertThat(page.locator("#fire-response-body").textContent()).contains("lead_score");
        assertThat(receiver.received().stream().anyMatch(r -> r.uri().equals("/start?caller=%2B12025550143")))
                .isTrue();
        steps.screenshot("webhook-test-fire");
        page.navigate("/configurator");
        page.locator("[data-template=rtb_buyer] a").click();
        page.locator("#configurator-form").waitFor();
        steps.screenshot("configurator");
        assertThat(consoleErrors)
                .as("browser console errors (a CSP violation shows here)")
                .isEmpty();
    }

    @Test
    void anUploadWithABadLineShouldReportThatLineAndAddTheRest() throws Exception {
        // given: a suppression list created on the caller-lists page
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "lists-" + engine, receiver.url("/start"));
        steps.signIn(s.person(Role.ADMIN));
        page.navigate("/caller_lists");
        page.selectOption("#owner", new SelectOption().setLabel("Campaign Console Campaign"));
        page.locator("#name").fill("suppressed_dnc");
        page.locator("#create-list").click();
        page.waitForURL("**/caller_lists/*");
        Path file = Files.createTempFile("numbers", ".csv");
        Files.writeString(file, "+13125550101\nnot-a-number\n3125550102\n");

        // when: a file with a bad second line is uploaded
        page.locator("#upload-file").setInputFiles(file);
        Await.until(
                "the file read into the form",
                () -> !page.locator("#upload").inputValue().isEmpty());
        page.locator("#upload-numbers").click();
        page.waitForURL("**/uploads/*");
        page.locator("#upload-report[data-status=completed]").waitFor();

        // then: line 2 is refused and named, the two good numbers are on the list
        assertThat(page.locator("#upload-report [data-field=applied]").textContent())
                .isEqualTo("2");
        assertThat(page.locator("#upload-errors tbody tr").count()).isEqualTo(1);
        assertThat(page.locator("#upload-errors tbody tr td").first().textContent())
                .isEqualTo("2");
        assertThat(page.locator("#upload-errors").textContent()).contains("not-a-number");
        steps.screenshot("caller-list-upload");
        page.locator(".crumbs a").first().click();
        page.locator("#number").fill("(312) 555-0102");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search"))
                .click();
        assertThat(page.locator("#search-result").textContent()).contains("+13125550102 is on this list");
        steps.screenshot("caller-list");
        Files.delete(file);
        assertThat(consoleErrors).as("browser console errors").isEmpty();
    }

    @Test
    void aPostbackCriterionAtEightyPercentAndAKeyCopiedFromThePageShouldPayEightOfTen() {
        // given: a campaign, its buyer, and an owner in the browser
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "conv-" + engine, receiver.url("/start"));
        steps.signIn(s.person(Role.MANAGER));

        // when: a postback criterion paying *0.8 for the buyer's calls is added and moved first
        steps.fillPostbackCriterion(s.campaign(), "Buyer postback", "Console Buyer", "*0.8", "8.00");
        assertThat(page.locator("#matches").inputValue()).isEqualTo("system_buyer_id:" + s.buyer());
        steps.screenshot("criterion");
        steps.saveCriterion();
        page.getByLabel("Move Buyer postback up").click();
        Await.until(
                "the criterion moved first",
                () -> page.locator("#criteria-section tbody tr")
                        .first()
                        .textContent()
                        .contains("Buyer postback"));

        // and: a conversion key on the buyer, its URL copied from the page
        steps.addKey("buyer:" + s.buyer(), "conversion");
        String copied = steps.copyKeyUrl();
        assertThat(copied).contains("/postbacks/");
        steps.screenshot("postback-key");

        // and: a call is played and the buyer posts its conversion of 10.00 to that URL
        String caller = "+13125550130";
        String uuid = s.playCall(caller, 30);
        Response posted = ConsoleSteps.postConversion(server.base(), copied, caller, uuid, "10.00");
        assertThat(posted.body()).as(posted.toString()).startsWith("SUCCESS " + uuid);

        // then: the call overview shows revenue 10.00 and payout 8.00
        steps.conversionShouldShow(uuid, "10.00", "8.00");
        assertThat(consoleErrors).as("browser console errors").isEmpty();
    }
}
