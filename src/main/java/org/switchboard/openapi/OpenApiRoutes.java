package org.switchboard.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.helidon.webserver.http.HttpRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.switchboard.platform.http.Http;

/**
 * Serves the admin API's OpenAPI 3.1 document, written as YAML beside this class and sent as JSON.
 *
 * <p>The YAML shares repeated operations, path items and headers through {@code components/x-*} sections so that
 * one change covers campaigns and buyers alike. OpenAPI allows {@code $ref} only in some places, so those references
 * are inlined when the document is loaded and the {@code x-*} sections dropped: what is served is plain OpenAPI.
 */
public final class OpenApiRoutes {
    private static final String SHARED = "#/components/x-";

    private final JsonNode document = load();

    public void register(HttpRules rules) {
        rules.get("/openapi.json", (req, res) -> Http.ok(res, document));
    }

    public static JsonNode load() {
        JsonNode raw;
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the class path");
            }
            raw = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is unreadable", e);
        }
        JsonNode inlined = inline(raw, raw);
        ObjectNode components = (ObjectNode) inlined.path("components");
        List<String> shared = new ArrayList<>();
        components.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("x-")) {
                shared.add(name);
            }
        });
        components.remove(shared);
        return inlined;
    }

    private static JsonNode inline(JsonNode node, JsonNode root) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.asText().startsWith(SHARED)) {
                JsonNode target = root.at(ref.asText().substring(1));
                if (target.isMissingNode()) {
                    throw new IllegalStateException("openapi.yaml: dangling reference " + ref.asText());
                }
                return inline(target.deepCopy(), root);
            }
            ObjectNode copy = object.objectNode();
            object.properties().forEach(entry -> copy.set(entry.getKey(), inline(entry.getValue(), root)));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(inline(element, root)));
            return copy;
        }
        return node;
    }
}
