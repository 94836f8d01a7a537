package org.switchboard.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.switchboard.platform.http.Json;

/**
 * Webhook bodies. A JSON body is a JSON document whose string values may hold tokens: each string is rendered and
 * the document written out again, so the result is always valid JSON whatever the values contain. A form body is a
 * template whose values are form-encoded. Pure.
 */
final class BodyRenderer {
    private BodyRenderer() {}

    /** Parses every string of a JSON body as a template (refusing bad tokens with their place). */
    static void checkStrings(JsonNode node, String path) {
        if (node.isTextual()) {
            Template.parse(path, node.asText());
        } else if (node.isObject()) {
            node.properties().forEach(e -> checkStrings(e.getValue(), path + "." + e.getKey()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkStrings(node.get(i), path + "[" + i + "]");
            }
        }
    }

    static String render(
            Webhook.BodyFormat format, String body, Function<String, Optional<String>> values, Set<String> missing) {
        return switch (format) {
            case FORM -> Template.parse("body", body).render(values, Template.Escaping.URL, missing);
            case JSON -> {
                try {
                    yield Json.writeString(renderNode(Json.MAPPER.readTree(body), values, missing));
                } catch (IOException e) {
                    throw new IllegalStateException("a stored JSON body no longer parses", e);
                }
            }
            case NONE -> "";
        };
    }

    private static JsonNode renderNode(JsonNode node, Function<String, Optional<String>> values, Set<String> missing) {
        if (node.isTextual()) {
            return TextNode.valueOf(
                    Template.parse("body", node.asText()).render(values, Template.Escaping.NONE, missing));
        }
        if (node instanceof ObjectNode object) {
            ObjectNode out = object.objectNode();
            object.properties().forEach(e -> out.set(e.getKey(), renderNode(e.getValue(), values, missing)));
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = array.arrayNode();
            array.forEach(element -> out.add(renderNode(element, values, missing)));
            return out;
        }
        return node;
    }
}
