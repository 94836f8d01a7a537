package org.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;

/**
 * The fields that differ between two versions of one object, compared as their JSON (the API's wire form, so the
 * names are the ones owners know). Nested objects are flattened to dotted names ({@code options.ttl}); arrays are
 * compared whole. A field in {@link #SECRET_FIELDS} (or one the caller names) is reported as changed without values.
 */
public final class Changes {
    /** Field names whose values are secrets: only the fact that they changed is kept. */
    public static final Set<String> SECRET_FIELDS = Set.of("key", "secret", "secret_key", "password", "token");

    /** One changed field; {@code before} or {@code after} is empty where the field did not exist (or is secret). */
    public record Change(String field, Optional<String> before, Optional<String> after) {}

    private Changes() {}

    /** What changed from {@code before} to {@code after} (either may be null: creation or deletion). */
    public static List<Change> between(@Nullable Object before, @Nullable Object after, Set<String> moreSecretFields) {
        Map<String, String> was = flatten(before);
        Map<String, String> now = flatten(after);
        Set<String> fields = new TreeSet<>(was.keySet());
        fields.addAll(now.keySet());
        List<Change> changes = new ArrayList<>();
        for (String field : fields) {
            String a = was.get(field);
            String b = now.get(field);
            if (a == null ? b == null : a.equals(b)) {
                continue;
            }
            String leaf = field.substring(field.lastIndexOf('.') + 1);
            boolean secret = SECRET_FIELDS.contains(leaf) || moreSecretFields.contains(leaf);
            changes.add(
                    secret
                            ? new Change(field, Optional.empty(), Optional.empty())
                            : new Change(field, Optional.ofNullable(a), Optional.ofNullable(b)));
        }
        return changes;
    }

    /** The object as dotted field name to JSON text; null (an object that does not exist) is no fields. */
    static Map<String, String> flatten(@Nullable Object value) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (value != null) {
            flatten("", value instanceof JsonNode node ? node : Json.MAPPER.valueToTree(value), fields);
        }
        return fields;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> fields) {
        if (!node.isObject()) {
            fields.put(prefix.isEmpty() ? "value" : prefix, node.isTextual() ? node.asText() : node.toString());
            return;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), fields);
        }
    }
}
