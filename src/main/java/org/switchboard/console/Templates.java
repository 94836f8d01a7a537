package org.switchboard.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders the templates the build compiled from {@code src/main/jte} (HTML mode: every {@code ${...}} is escaped for
 * where it stands) and sends them with the console's security headers: a Content-Security-Policy that allows only
 * our own scripts and styles (no inline ones), no framing, no referrer to other sites, no caching of pages.
 */
public final class Templates {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Sends {@code template} (a file name under src/main/jte) rendered with its one parameter. */
    public void send(ServerResponse response, Status status, String template, Object model) {
        Utf8ByteOutput output = new Utf8ByteOutput();
        engine.render(template, model, output);
        securityHeaders(response);
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (var stream = new ByteArrayOutputStream(output.getContentLength())) {
            output.writeTo(stream);
            response.send(stream.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void securityHeaders(ServerResponse response) {
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Frame-Options", "DENY");
        response.header("Referrer-Policy", "same-origin");
        response.header("X-Content-Type-Options", "nosniff");
    }
}
