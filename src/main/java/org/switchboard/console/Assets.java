package org.switchboard.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.switchboard.platform.secret.Secrets;

/**
 * The console's static files, served from the jar under {@code /assets/<name>}: htmx and Chart.js from their WebJars,
 * our stylesheet and script. A fixed list (no path from the request reaches the class path). Each URL carries a digest
 * of the content, so a browser may keep a file for a year and still sees a changed one at once.
 */
public final class Assets {
    private record Asset(byte[] bytes, String type, String version) {}

    private final Map<String, Asset> nameToAsset = new LinkedHashMap<>();

    public Assets() {
        add("htmx.min.js", "/META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js", "text/javascript");
        add("chart.umd.min.js", "/META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.min.js", "text/javascript");
        add("console.css", "/org/switchboard/console/assets/console.css", "text/css");
        add("console.js", "/org/switchboard/console/assets/console.js", "text/javascript");
    }

    private void add(String name, String resource, String type) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console asset missing from the jar: " + resource);
            }
            byte[] bytes = in.readAllBytes();
            String version = Secrets.digest(new String(bytes, StandardCharsets.ISO_8859_1))
                    .substring(0, 12);
            nameToAsset.put(name, new Asset(bytes, type + "; charset=utf-8", version));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL of an asset, with its content digest. */
    public String url(String name) {
        Asset asset = nameToAsset.get(name);
        if (asset == null) {
            throw new IllegalArgumentException("no console asset " + name);
        }
        return "/assets/" + name + "?v=" + asset.version();
    }

    public void register(HttpRules rules) {
        rules.get("/assets/{name}", (req, res) -> {
            Asset asset = nameToAsset.get(req.path().pathParameters().get("name"));
            if (asset == null) {
                res.status(Status.NOT_FOUND_404);
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                res.send("no such asset");
                return;
            }
            boolean versioned = req.query()
                    .first("v")
                    .asOptional()
                    .filter(asset.version()::equals)
                    .isPresent();
            res.header(HeaderNames.CONTENT_TYPE, asset.type());
            res.header(HeaderNames.ETAG, "\"" + asset.version() + "\"");
            res.header("X-Content-Type-Options", "nosniff");
            res.header(
                    HeaderNames.CACHE_CONTROL,
                    versioned ? "public, max-age=31536000, immutable" : "public, max-age=300");
            if (req.headers()
                    .first(HeaderNames.IF_NONE_MATCH)
                    .filter(tag -> tag.contains(asset.version()))
                    .isPresent()) {
                res.status(Status.NOT_MODIFIED_304);
                res.send();
                return;
            }
            res.send(asset.bytes());
        });
    }
}
