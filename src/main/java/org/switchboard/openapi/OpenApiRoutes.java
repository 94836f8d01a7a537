package org.switchboard.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.helidon.webserver.http.HttpRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.switchboard.platform.http.Http;

/** Serves the admin API's OpenAPI document, written as YAML beside this class and sent as JSON. */
public final class OpenApiRoutes {
    private final JsonNode document = load();

    public void register(HttpRules rules) {
        rules.get("/openapi.json", (req, res) -> Http.ok(res, document));
    }

    public static JsonNode load() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the class path");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is unreadable", e);
        }
    }
}
