package org.switchboard.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Engine;
import org.switchboard.testing.HeadlessChromium;
import org.switchboard.testing.TestServer;

/**
 * Swagger UI at {@code /docs/api} in Debian's headless Chromium: it renders the served document's operations under
 * the page's strict Content-Security-Policy (a blocked script or style would be a console error) and calls the server
 * from "Try it out". Skipped without {@code /usr/bin/chromium}, except in CI.
 */
class ApiDocsBrowserIT {
    private static TestServer server;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() {
        browser = HeadlessChromium.launch();
        server = TestServer.start(Engine.SQLITE);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void swaggerUiShouldRenderTheDocumentAndCallTheServer() {
        // given
        // (the window's own list of console errors is not used: a refused load is checked by its URL below)
        Page page = browser.open(server.base(), new ArrayList<>()).page();
        page.setDefaultTimeout(30_000);
        List<String> errors = new ArrayList<>();
        page.onConsoleMessage(message -> {
            // a refused load is checked by its URL below (the browser's own /favicon.ico request may 404)
            if (message.type().equals("error") && !message.text().startsWith("Failed to load resource")) {
                errors.add(message.text());
            }
        });
        page.onResponse(response -> {
            if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) {
                errors.add(response.status() + " " + response.url());
            }
        });
        page.onPageError(errors::add);

        // when
        page.navigate(server.base() + "/docs/api");
        page.locator(".opblock").first().waitFor();

        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "api-docs.png")));

        // then: the document's first operations are rendered from it, and the server is this one
        assertThat(page.locator("#operations-default-getOpenApiDocument").count())
                .isEqualTo(1);
        assertThat(page.locator("#operations-default-getHealth").count()).isEqualTo(1);
        assertThat(page.locator(".servers select").textContent()).contains(server.base());

        // when: the liveness probe is tried from the page
        page.locator("#operations-default-getHealth .opblock-summary").click();
        page.locator("#operations-default-getHealth .try-out__btn").click();
        page.locator("#operations-default-getHealth .execute").click();

        // then
        page.locator("#operations-default-getHealth .live-responses-table tbody td.response-col_status")
                .first()
                .waitFor();
        assertThat(page.locator("#operations-default-getHealth .live-responses-table tbody td.response-col_status")
                        .first()
                        .textContent())
                .contains("200");
        assertThat(errors).isEmpty();
    }
}
