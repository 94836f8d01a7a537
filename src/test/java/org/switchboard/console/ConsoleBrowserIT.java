package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.testing.Engine;
import org.switchboard.testing.HeadlessChromium;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.ServerIT;

/**
 * The console in a real headless Chromium (Debian's {@code /usr/bin/chromium}, driven by Playwright, which never
 * downloads a browser): a person signs in, watches a call played by the simulator ({@code ./switchboard simulate}), finds it by tag, opens
 * it, a fired pixel and the HAR Log, opens an RTB reservation, and sees the dashboard agree with the report API. The
 * SQLite run takes the screenshots docs/console.md shows.
 */
class ConsoleBrowserIT extends ServerIT {
    private static Receiver receiver;
    private static HeadlessChromium browser;

    private HeadlessChromium.Window window;
    private Page page;
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
    }

    @AfterEach
    void closeWindow() {
        window.close();
    }

    @Test
    void anOwnerShouldFollowACallFromSignInToItsHarLog() throws Exception {
        // given: an account with a call that fired its start webhook and converted for 12.50
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "tour-" + engine, receiver.url("/start"));
        ConsoleScenario.Person owner = s.person(Role.ADMIN);
        String uuid = HeadlessChromium.simulate(server.base(), s.api().key(), s.number(), "+13125550110", 75);
        s.awaitSettled(uuid, 1);

        // when / then
        signIn(owner);
        dashboardShouldEqualTheReportApi(s);
        screenshot("dashboard");
        page.navigate("/reports?group_by=campaign");
        page.locator("canvas[data-drawn=yes]").waitFor();
        assertThat(page.locator("#report tbody").textContent()).contains("Console Campaign");
        screenshot("reports");

        findCallByTag("note:tour-" + engine);
        assertThat(page.locator("#call-rows tbody tr[data-uuid]").count()).isEqualTo(1);
        assertThat(page.locator("tr[data-uuid='" + uuid + "'] a.pixels").textContent())
                .isEqualTo("1");
        screenshot("call-log");

        openCall(uuid);
        assertThat(page.locator("#conversion [data-field=revenue]").textContent())
                .isEqualTo("12.50");
        assertThat(page.locator("#conversion [data-field=payout]").textContent())
                .isEqualTo("8.75");
        assertThat(page.locator("#buyers").textContent())
                .contains("Console Buyer")
                .contains("answered");
        screenshot("call");

        openPixel();
        assertThat(page.locator("#pixel-facts [data-field=method]").textContent())
                .isEqualTo("POST");
        assertThat(page.locator("#pixel-facts [data-field=url]").textContent())
                .contains("/start?caller=%2B13125550110");
        assertThat(page.locator("#pixel-facts [data-field=status]").textContent())
                .isEqualTo("200");
        assertThat(page.locator("#request-body").textContent()).contains(uuid);
        assertThat(page.locator("#response-body").textContent()).contains("lead_score");
        screenshot("fired-pixel");

        page.navigate("/users");
        assertThat(page.locator("main").textContent()).contains(owner.email());
        screenshot("users");

        page.navigate("/api_keys");
        page.locator("#key-name").fill("Reporting");
        page.getByRole(
                        com.microsoft.playwright.options.AriaRole.BUTTON,
                        new Page.GetByRoleOptions().setName("Create key"))
                .click();
        page.locator("#new-api-key").waitFor();
        assertThat(page.locator("#new-api-key").textContent()).startsWith("sb_");
        assertThat(page.locator("#api-keys tbody tr").count()).isEqualTo(2);
        screenshot("api-keys");

        JsonNode har = downloadHar(uuid);
        assertThat(har.path("log").path("entries")).hasSize(1);
        assertThat(har.path("log")
                        .path("entries")
                        .get(0)
                        .path("request")
                        .path("method")
                        .asText())
                .isEqualTo("POST");
        assertThat(consoleErrors)
                .as("browser console errors (a CSP violation shows here)")
                .isEmpty();
    }

    @Test
    void aNewCallShouldAppearInTheOpenCallLogAndAReservationShouldOpenFromTheRtbLog() {
        // given: a signed-in owner looking at the call log, and an RTB ping reserved for a caller
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "live-" + engine, receiver.url("/start"));
        signIn(s.person(Role.VIEWER));
        String caller = "+13125550120";
        String reservation = s.ping(caller);
        page.navigate("/calls");
        assertThat(page.locator("#call-rows tbody tr[data-uuid]").count()).isZero();

        // when: the caller calls (claiming the reservation) while the page stays open
        String uuid = s.playCall(caller, 20);

        // then: the row appears by itself (the page refreshes its rows), and the reservation links to the call
        page.locator("tr[data-uuid='" + uuid + "']").waitFor();
        s.server().wiring().rtbLog().flush();
        openReservationFromRtbLog(reservation);
        assertThat(page.locator("#reservation-facts [data-field=status]").textContent())
                .isEqualTo("reserved");
        assertThat(page.locator("#reservation-buyers").textContent()).contains("Console Buyer");
        assertThat(page.locator("#reservation-call").textContent()).isEqualTo(uuid);
        screenshot("reservation");
        page.navigate("/rtb_pings");
        screenshot("rtb-log");
        page.navigate("/postback_logs");
        screenshot("postback-log");
        assertThat(consoleErrors)
                .as("browser console errors (a CSP violation shows here)")
                .isEmpty();
    }

    // --- a person's steps -----------------------------------------------------------------------------------------

    private void signIn(ConsoleScenario.Person person) {
        page.navigate("/");
        assertThat(page.url()).contains("/sign_in");
        screenshot("sign-in");
        page.getByLabel("Email").fill(person.email());
        page.getByLabel("Password").fill(person.password());
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        page.waitForURL("**/dashboard");
    }

    private void dashboardShouldEqualTheReportApi(ConsoleScenario s) {
        page.locator("canvas[data-drawn=yes]").first().waitFor();
        // per day: counts and money; today per hour: counts; per campaign, publisher and buyer: money
        page.locator("canvas[data-drawn=yes]").nth(5).waitFor();
        assertThat(page.locator("canvas[data-drawn=yes]").count()).isEqualTo(6);
        assertThat(page.locator("#today-by-hour canvas[data-drawn=yes]").count())
                .isEqualTo(1);
        LocalDate today = LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC);
        JsonNode report = s.api()
                .get("/api/v2/reports/calls?from=" + today + "&to=" + today.plusDays(1))
                .json()
                .path("totals");
        var card = page.locator("[data-figures=Today]");
        for (String field : List.of("calls", "connected", "converted")) {
            assertThat(card.locator("[data-field=" + field + "]").textContent())
                    .as(field)
                    .isEqualTo(report.path(field).asText());
        }
        for (String field : List.of("revenue", "payout", "profit")) {
            assertThat(new BigDecimal(card.locator("[data-field=" + field + "]").textContent())
                            .compareTo(report.path(field).decimalValue()))
                    .as(field)
                    .isZero();
        }
        assertThat(report.path("calls").asLong()).isEqualTo(1);
        assertThat(report.path("revenue").decimalValue()).isEqualByComparingTo("12.50");
    }

    private void findCallByTag(String tag) {
        page.navigate("/calls");
        page.getByLabel("Tag").fill(tag);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search"))
                .click();
        page.waitForURL("**/calls?*tag=*");
    }

    private void openCall(String uuid) {
        page.locator("tr[data-uuid='" + uuid + "'] td a").first().click();
        page.waitForURL("**/calls/" + uuid);
    }

    private void openPixel() {
        page.locator("#fired-pixels a.pixel-link").first().click();
        page.waitForURL("**/pixels/*");
    }

    private JsonNode downloadHar(String uuid) throws Exception {
        page.navigate("/calls/" + uuid);
        Download download =
                page.waitForDownload(() -> page.locator("#har-download").click());
        assertThat(download.suggestedFilename()).isEqualTo("call-" + uuid + ".har");
        return Json.read(Files.readString(download.path()));
    }

    private void openReservationFromRtbLog(String reservation) {
        page.navigate("/rtb_pings");
        page.locator("a.reservation-link[href='/call_reservations/" + reservation + "']")
                .click();
        page.waitForURL("**/call_reservations/" + reservation);
    }

    private void screenshot(String name) {
        if (engine != Engine.SQLITE) {
            return;
        }
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(HeadlessChromium.SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }
}
