package org.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium ({@code /usr/bin/chromium}) driven by Playwright, which never downloads a browser, as
 * every browser test runs it: skipped on a machine without it, a failure in CI.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Where the console's browser tests put the screenshots docs/console.md shows. */
    public static final Path SHOTS = Path.of("docs/console");

    private final Playwright playwright;
    private final Browser browser;

    private HeadlessChromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static HeadlessChromium launch() {
        if (!Files.isExecutable(CHROMIUM)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI needs " + CHROMIUM + " (apt-get install chromium; .ci/run does)");
            }
            Assumptions.abort("no " + CHROMIUM + ": apt-get install chromium to run the browser tests");
        }
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")));
        return new HeadlessChromium(playwright, browser);
    }

    /** A new window (its own cookies: another person) on {@code base}; browser console errors go to {@code errors}. */
    public Window open(String base, List<String> errors) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(1280, 900)
                .setAcceptDownloads(true)
                .setBaseURL(base));
        Page page = context.newPage();
        page.setDefaultTimeout(20_000);
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                errors.add(message.text());
            }
        });
        return new Window(context, page);
    }

    /** One browser window of one person. */
    public record Window(BrowserContext context, Page page) implements AutoCloseable {
        @Override
        public void close() {
            context.close();
        }
    }

    /**
     * Plays a call with the simulator of {@code ./switchboard simulate} (its own code, against the test server), as an
     * owner trying Switchboard does: from {@code caller} to the tracking number {@code to}, answered, talking
     * {@code talkSeconds}; the call's UUID.
     */
    public static String simulate(String base, String key, String to, String caller, int talkSeconds) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = org.switchboard.telephony.Simulator.run(
                new String[] {
                    "--server",
                    base,
                    "--key",
                    key,
                    "--to",
                    to,
                    "--from",
                    caller,
                    "--talk",
                    Integer.toString(talkSeconds)
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        Matcher call = Pattern.compile("call \\S+ -> \\S+: (\\S+)").matcher(printed);
        assertThat(call.find()).as(printed).isTrue();
        assertThat(printed).contains("connected; talking " + talkSeconds + " s");
        return call.group(1);
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
