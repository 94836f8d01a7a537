package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.HeadlessChromium;
import org.switchboard.testing.Response;

/**
 * A person's steps in the console, as the browser tests take them (sign in, create a buyer, add a criterion, copy a
 * key's URL), so each step is written once. The SQLite run takes the screenshots docs/console.md shows.
 */
final class ConsoleSteps {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final List<String> DAYS =
            List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

    private final Page page;
    private final Engine engine;

    ConsoleSteps(Page page, Engine engine) {
        this.page = page;
        this.engine = engine;
    }

    void signIn(ConsoleScenario.Person person) {
        page.navigate("/sign_in");
        page.getByLabel("Email").fill(person.email());
        page.getByLabel("Password").fill(person.password());
        click("Sign in");
        page.waitForURL("**/dashboard");
    }

    void click(String button) {
        click(page, button);
    }

    static void click(Page page, String button) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(button))
                .click();
    }

    void createPublisher(String name, String cid) {
        page.navigate("/publishers");
        page.locator("#f-name").fill(name);
        page.locator("#f-cid").fill(cid);
        click("Create publisher");
        page.waitForURL("**/publishers/*");
    }

    /** A campaign in New York time with repeat-caller handling; its id. */
    long createCampaign(String name) {
        page.navigate("/campaigns");
        page.locator("#f-name").fill(name);
        page.locator("#f-time_zone").fill("America/New_York");
        page.locator("#f-repeat_caller_handling").check();
        click("Create campaign");
        page.waitForURL("**/campaigns/*");
        return idInUrl();
    }

    /** On the campaign's page: a number in a local form, for the publisher; its E.164 form. */
    String addNumber(String publisher) {
        String digits = String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
        page.locator("#n-f-number").fill("(866) 561-" + digits);
        page.locator("#n-f-publisher_id").selectOption(new SelectOption().setLabel(publisher));
        page.locator("#n-f-tags").fill("ad:tv");
        click("Add number");
        String e164 = "+1866561" + digits;
        page.locator("#number-rows tr[data-number='" + e164 + "']").waitFor();
        return e164;
    }

    /** A buyer of the campaign in {@code zone}, open every day from {@code open} to {@code close}; its id. */
    long createBuyer(
            String name, String destination, String priority, long campaign, String zone, String open, String close) {
        page.navigate("/buyers");
        page.locator("#f-name").fill(name);
        page.locator("#f-destination").fill(destination);
        page.locator("#f-priority").fill(priority);
        page.locator("#f-time_zone").fill(zone);
        page.locator("input[name=campaign_ids][value='" + campaign + "']").check();
        page.locator("#f-hours_on").check();
        for (String day : DAYS) {
            page.locator("input[name='hours." + day + ".0.open']").fill(open);
            page.locator("input[name='hours." + day + ".0.close']").fill(close);
        }
        click("Create buyer");
        page.waitForURL("**/buyers/*");
        return idInUrl();
    }

    /** On a buyer's page: sets a cap and waits for its count to show the new limit. */
    void setCap(String cap, String limit) {
        page.locator("#f-" + cap).fill(limit);
        click("Update buyer");
        page.locator("[data-cap=" + cap + "]:has-text('of " + limit + "')").waitFor();
    }

    void openCampaignConfiguration(long campaign) {
        page.navigate("/configuration?owner=campaign:" + campaign);
        page.locator("#webhooks-section").waitFor();
        page.locator("#criteria-section").waitFor();
        page.locator("#postback-keys-section").waitFor();
        page.locator("#caller-lists-section").waitFor();
    }

    /**
     * From the campaign's configuration: fills a criterion converting the buyer's calls on its postback, revenue the
     * value posted, payout changed by {@code modifier}, until its example on 10.00 shows {@code example}; not saved.
     */
    void fillPostbackCriterion(long campaign, String name, String buyer, String modifier, String example) {
        openCampaignConfiguration(campaign);
        page.locator("#add-criterion").click();
        page.waitForURL("**/conversion_criteria/new*");
        page.locator("#name").fill(name);
        page.selectOption("#wizard-buyer", new SelectOption().setLabel(buyer));
        assertThat(page.locator("#matches").inputValue()).startsWith("system_buyer_id:");
        page.locator("input[name='trigger.type'][value=postback]").check();
        page.locator("input[name='revenue.type'][value=posted]").check();
        page.locator("input[name='payout.type'][value=modifier]").check();
        page.locator("[id='payout.modifier']").pressSequentially(modifier);
        page.locator("#modifier-example").waitFor();
        Await.until(
                "the modifier's example",
                () -> page.locator("#modifier-example").textContent().contains(example));
    }

    void saveCriterion() {
        page.locator("#save-criterion").click();
        page.waitForURL("**/configuration?owner=campaign:*");
        page.locator("#criteria-section").waitFor();
    }

    /** Adds a key of {@code type} from the owner's Postback Keys section ({@code owner} as {@code buyer:7}). */
    void addKey(String owner, String type) {
        page.navigate("/configuration?owner=" + owner);
        page.locator("#postback-keys-section a[data-key-type=" + type + "]").click();
        page.locator("#save-key").click();
        page.waitForURL("**/postback_keys/*");
    }

    /** On a key's page: its URL as its Copy button puts it on the clipboard (the same as shown). */
    String copyKeyUrl() {
        page.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));
        page.locator("#copy-key-url").click();
        page.locator("#copy-key-url[data-copied=yes]").waitFor();
        String copied = (String) page.evaluate("() => navigator.clipboard.readText()");
        assertThat(copied).isEqualTo(page.locator("#key-url").textContent().strip());
        return copied;
    }

    /**
     * The buyer posting {@code value} for the call to a conversion key's URL (as copied, its placeholders filled), on
     * the test server's address.
     */
    static Response postConversion(String base, String keyUrl, String caller, String uuid, String value) {
        URI url = URI.create(keyUrl.replace("CALLER_NUMBER", caller.replace("+", "%2B"))
                .replace("CALL_UUID", uuid)
                .replace("REVENUE", value));
        return Api.send(HttpRequest.newBuilder(URI.create(base + url.getRawPath() + "?" + url.getRawQuery()))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build());
    }

    /** Waits (with a deadline) for the call overview to show the conversion's payout; the revenue must match too. */
    void conversionShouldShow(String uuid, String revenue, String payout) {
        Await.until("the conversion on the call overview", () -> {
            page.navigate("/calls/" + uuid);
            return page.locator("#conversion [data-field=payout]").count() > 0
                    && page.locator("#conversion [data-field=payout]")
                            .textContent()
                            .equals(payout);
        });
        assertThat(page.locator("#conversion [data-field=revenue]").textContent())
                .isEqualTo(revenue);
    }

    void screenshot(String name) {
        if (engine != Engine.SQLITE) {
            return;
        }
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(HeadlessChromium.SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    private long idInUrl() {
        return Long.parseLong(page.url().substring(page.url().lastIndexOf('/') + 1));
    }
}
