package org.switchboard.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

/**
 * Turns a console form into the JSON object the API takes, so both are checked by the same code: inputs are named
 * by their API field paths ({@code url}, {@code options.ttl_seconds}, {@code payout.modifier}), and an API error's
 * field names the input to show it beside. A whole number
 * becomes a JSON number, anything else stays text for the API to refuse with its own words. A blank input is
 * JSON null, which the API reads as absent (its default), so an update clears what the person emptied.
 */
public final class FormJson {
    /** How an input becomes JSON. */
    public enum Kind {
        /** a string */
        TEXT,
        /** a JSON number when it is a whole number, else the text (the API names the problem) */
        INTEGER,
        /** a checkbox: present is true, absent false */
        BOOLEAN,
        /** a textarea of lines: an array of its non-blank lines */
        LINES,
        /** several checkboxes of one name: an array of the checked values */
        CHOICES
    }

    /** The field shown for an error no input owns. */
    public static final String GENERAL = "_form";

    private FormJson() {}

    /** The JSON object of {@code form}'s inputs named in {@code fields}; other inputs are ignored. */
    public static ObjectNode build(Form form, Map<String, Kind> fields) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        fields.forEach((path, kind) -> {
            List<String> values = form.keyToValues().getOrDefault(path, List.of());
            String first = values.isEmpty() ? "" : values.getFirst();
            ObjectNode parent = parent(root, path);
            String name = path.substring(path.lastIndexOf('.') + 1);
            switch (kind) {
                case TEXT -> {
                    if (first.isBlank()) {
                        parent.putNull(name);
                    } else {
                        parent.put(name, first);
                    }
                }
                case INTEGER -> {
                    String text = first.strip();
                    if (text.matches("-?[0-9]{1,15}")) {
                        parent.put(name, Long.parseLong(text));
                    } else if (!text.isEmpty()) {
                        parent.put(name, text);
                    } else {
                        parent.putNull(name);
                    }
                }
                case BOOLEAN -> parent.put(name, !first.isEmpty() && !first.equals("false"));
                case LINES -> {
                    ArrayNode lines = parent.putArray(name);
                    first.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(lines::add);
                }
                case CHOICES -> {
                    ArrayNode chosen = parent.putArray(name);
                    values.stream().filter(v -> !v.isBlank()).forEach(chosen::add);
                }
            }
        });
        return root;
    }

    private static ObjectNode parent(ObjectNode root, String path) {
        ObjectNode node = root;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
        }
        return node;
    }

    /** The inputs as typed (first value of each), to show the form again. */
    public static Map<String, String> values(Form form) {
        Map<String, String> out = new LinkedHashMap<>();
        form.keyToValues().forEach((key, values) -> {
            if (!key.equals("_csrf") && !values.isEmpty()) {
                out.put(key, values.getFirst());
            }
        });
        return out;
    }

    /**
     * The input an API error belongs to: its field, or the nearest enclosing one the form has ({@code headers} for
     * {@code headers.X-Id}), else {@link #GENERAL}; mapped to the message.
     */
    public static Map<String, String> error(Problem e, Set<String> inputs) {
        String field = e.field().orElse(GENERAL);
        String at = field;
        while (!inputs.contains(at) && (at.contains(".") || at.contains("["))) {
            int cut = Math.max(at.lastIndexOf('.'), at.lastIndexOf('['));
            at = at.substring(0, cut);
        }
        if (!inputs.contains(at)) {
            at = GENERAL;
        }
        String message = at.equals(field) || (at.equals(GENERAL) && field.equals(GENERAL))
                ? e.getMessage()
                : field + ": " + e.getMessage();
        return Map.of(at, message);
    }
}
