package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.SelectOption;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.rtb.RtbStatus;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.HeadlessChromium;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * The whole of configuring, in one headless Chromium session on both databases: from an empty account an owner
 * builds a working campaign through the pages only — publisher, campaign, number, two buyers open now in their time
 * zones with caps, a start webhook from the Webhook Configurator to a receiver on loopback, a postback criterion
 * paying {@code *0.8}, a conversion key and an RTB key — then the RTB key's URL answers a ping, a call played with
 * the simulator fires the webhook, a conversion of 10.00 posted to the key's URL copied from the page shows as
 * revenue 10.00 and payout 8.00 on the call overview. The API only reads back.
 */
class ConsoleEndToEndBrowserIT extends ServerIT {
    private static Receiver receiver;
    private static HeadlessChromium browser;

    private final List<String> consoleErrors = new ArrayList<>();

    @BeforeAll
    static void start() {
        browser = HeadlessChromium.launch();
        receiver = new Receiver().on("/e2e/start", Receiver.respond(200, "application/json", "{\"ok\": true}"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /** A shift around the present hour in {@code zone} (overnight when it crosses midnight). */
    private record Shift(String zone, String open, String close) {}

    @Test
    void anOwnerShouldBuildAWorkingCampaignInTheConsoleAndSeeAConversionPayEightOfTen() {
        // given: an empty account and its admin in the browser
        Api api = newAccount();
        String caller = "+13125550" + (140 + engine.ordinal());
        try (var window = browser.open(server.base(), consoleErrors)) {
            Page page = window.page();
            ConsoleSteps steps = new ConsoleSteps(page, engine);
            steps.signIn(ConsoleScenario.person(server, api, Role.ADMIN));

            // when: the owner builds the campaign through the pages
            turnOnRealTimeBidding(page);
            steps.createPublisher("Search Leads", "search-leads");
            long campaign = steps.createCampaign("Home Warranty");
            String number = steps.addNumber("Search Leads");
            Shift east = openNow("America/New_York");
            long alpha = steps.createBuyer(
                    "East Desk", "+12125550111", "1", campaign, east.zone(), east.open(), east.close());
            steps.setCap("daily_cap", "10");
            steps.setCap("concurrency_cap", "2");
            Shift west = openNow("America/Los_Angeles");
            long beta = steps.createBuyer(
                    "West Desk", "sip:west@desk.example", "2", campaign, west.zone(), west.open(), west.close());
            steps.setCap("hourly_cap", "5");
            addStartWebhookFromConfigurator(page, campaign);
            steps.fillPostbackCriterion(campaign, "East postback", "East Desk", "*0.8", "8.00");
            steps.saveCriterion();
            steps.addKey("buyer:" + alpha, "conversion");
            String conversionUrl = steps.copyKeyUrl();
            steps.addKey("campaign:" + campaign, "real_time_bidding");
            String rtbUrl = page.locator("#key-url").textContent().strip();
            assertThat(rtbUrl).contains("/rtbs.json?key=").contains("[publisher_id]");
            page.navigate("/campaigns/" + campaign);
            page.locator("#webhooks-section").waitFor();
            page.locator("#criteria-section").waitFor();
            page.locator("#postback-keys-section").waitFor();
            steps.screenshot("campaign-built");

            // then: the API reads back what was built
            JsonNode east1 = api.get("/api/v2/buyers/" + alpha).json();
            assertThat(east1.path("time_zone").asText()).isEqualTo("America/New_York");
            assertThat(east1.path("daily_cap").asInt()).isEqualTo(10);
            assertThat(east1.path("concurrency_cap").asInt()).isEqualTo(2);
            assertThat(api.get("/api/v2/buyers/" + beta)
                            .json()
                            .path("hourly_cap")
                            .asInt())
                    .isEqualTo(5);

            // when: a publisher pings the RTB key's URL for the caller, who then calls (the simulator)
            Response pinged = ping(rtbUrl, caller);
            String uuid = HeadlessChromium.simulate(server.base(), api.key(), number, caller, 45);

            // then: the ping answered a documented status word: East Desk's calls pay a share of the value posted
            // after the call, so no payout can be quoted in advance and the documented refusal says so
            assertThat(Arrays.stream(RtbStatus.values()).map(RtbStatus::word))
                    .as(pinged.toString())
                    .contains(pinged.json().path("status").asText());
            assertThat(pinged.json().path("status").asText()).isEqualTo("rejected");
            assertThat(pinged.json().path("info").asText())
                    .isEqualTo("Unable to determine payout until the call converts");

            // and: the start webhook reached the receiver
            Await.until(
                    "the start webhook for " + uuid,
                    () -> receiver.received().stream()
                            .anyMatch(r -> r.method().equals("POST")
                                    && Json.read(r.body())
                                            .path("call_uuid")
                                            .asText()
                                            .equals(uuid)));
            Receiver.Received start = receiver.received().stream()
                    .filter(r -> r.body().contains(uuid))
                    .findFirst()
                    .orElseThrow();
            assertThat(Json.read(start.body()).path("caller_number").asText()).isEqualTo(caller);
            assertThat(Json.read(start.body()).path("tracking_number").asText()).isEqualTo(number);

            // and when: the buyer posts its conversion of 10.00 to the URL copied from the page
            Response posted = ConsoleSteps.postConversion(server.base(), conversionUrl, caller, uuid, "10.00");
            assertThat(posted.body()).as(posted.toString()).startsWith("SUCCESS " + uuid);

            // then: the call overview shows revenue 10.00 and payout 8.00, the call with East Desk
            steps.conversionShouldShow(uuid, "10.00", "8.00");
            assertThat(page.locator("#buyers").textContent()).contains("East Desk");
        }
        assertThat(consoleErrors)
                .as("browser console errors (a CSP violation shows here)")
                .isEmpty();
    }

    // --- a person's steps -----------------------------------------------------------------------------------------

    /** The company page's feature switch RTB keys need. */
    private static void turnOnRealTimeBidding(Page page) {
        page.navigate("/company");
        page.locator("input[name='features.real_time_bidding']").check();
        ConsoleSteps.click(page, "Update company");
        page.locator("input[name='features.real_time_bidding']:checked").waitFor();
    }

    /** The configurator's generic JSON POST, fired at the call's start, to the receiver. */
    private void addStartWebhookFromConfigurator(Page page, long campaign) {
        page.navigate("/configurator");
        page.locator("[data-template=json_post] a").click();
        page.locator("#configurator-form").waitFor();
        page.selectOption("#owner", new SelectOption().setValue("campaign:" + campaign));
        page.locator("#url").fill(receiver.url("/e2e/start"));
        page.selectOption("#trigger", new SelectOption().setValue("start"));
        page.locator("#configure").click();
        page.locator("#configurator-created").waitFor();
        assertThat(page.locator("#configurator-created").textContent()).contains("JSON POST");
    }

    /** One ping to the RTB key's URL as shown, its placeholders filled, on the test server's address. */
    private static Response ping(String keyUrl, String caller) {
        URI url = URI.create(keyUrl.replace("[publisher_id]", "search-leads")
                .replace("[caller_number]", caller.replace("+", "%2B")));
        return Api.send(HttpRequest.newBuilder(URI.create(server.base() + url.getRawPath() + "?" + url.getRawQuery()))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** From an hour ago to two hours on, in {@code zone}, by the server's clock. */
    private static Shift openNow(String zone) {
        int hour = ZonedDateTime.ofInstant(server.clock().instant(), ZoneId.of(zone))
                .getHour();
        int close = (hour + 2) % 24;
        return new Shift(
                zone,
                String.format("%02d:00", Math.floorMod(hour - 1, 24)),
                close == 0 ? "24:00" : String.format("%02d:00", close));
    }
}
