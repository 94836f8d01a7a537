package org.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

/**
 * A configuration form as the JSON API's body: each input is named like the API's field and turned into the JSON the
 * API takes, so a save goes through the API's own parsing and rules (one source of truth) and a refusal names a field
 * of the form. The other way, an object's wire form fills the inputs.
 *
 * <p>Inputs: text and whole numbers (blank clears), check boxes (unticked is false), lines ({@code key:value} tags,
 * filter terms) from a text area, ids from ticked boxes, the weekly hours grid ({@code hours.monday.0.open}) and
 * directory entries ({@code entries.0.name}). A value the API would refuse is passed on as typed, so its message is
 * the API's.
 */
public final class ConfigForm {
    /** Shifts a day of the hours grid offers. */
    public static final int SHIFTS = 2;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern WHOLE = Pattern.compile("-?\\d{1,18}");

    /** How an input becomes JSON. */
    public enum Kind {
        TEXT,
        INTEGER,
        BOOL,
        LINES,
        IDS,
        HOURS,
        ENTRIES
    }

    /** One input, named as the API's field. */
    public record Field(String name, Kind kind) {}

    private final List<Field> fields;

    public ConfigForm(List<Field> fields) {
        this.fields = List.copyOf(fields);
    }

    public static Field field(String name, Kind kind) {
        return new Field(name, kind);
    }

    /** Whether a check box's values say it is ticked. */
    static boolean ticked(List<String> values) {
        return values.contains("true") || values.contains("on");
    }

    /** The API body the form stands for. */
    public ObjectNode body(Form form) {
        ObjectNode body = JSON.objectNode();
        for (Field field : fields) {
            List<String> values = form.keyToValues().getOrDefault(field.name(), List.of());
            switch (field.kind()) {
                case TEXT -> {
                    if (!values.isEmpty()) {
                        body.set(field.name(), values.getFirst().isBlank() ? JSON.nullNode() : text(values.getFirst()));
                    }
                }
                case INTEGER -> {
                    if (!values.isEmpty()) {
                        body.set(field.name(), number(values.getFirst()));
                    }
                }
                case BOOL -> body.put(field.name(), ticked(values));
                case LINES -> body.set(field.name(), lines(values));
                case IDS -> {
                    ArrayNode ids = JSON.arrayNode();
                    values.stream().filter(v -> !v.isBlank()).forEach(v -> ids.add(number(v)));
                    body.set(field.name(), ids);
                }
                case HOURS -> body.set(field.name(), hours(form, field.name()));
                case ENTRIES -> body.set(field.name(), entries(form, field.name()));
            }
        }
        return body;
    }

    /** The inputs filled from an object's wire form (or from a body built by {@link #body}). */
    public FormState show(Object wire) {
        JsonNode node = wire instanceof JsonNode json ? json : Json.tree(wire);
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Field field : fields) {
            JsonNode value = node.path(field.name());
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            String name = field.name();
            switch (field.kind()) {
                case TEXT, INTEGER -> values.put(name, List.of(value.asText()));
                case BOOL -> values.put(name, List.of(String.valueOf(value.asBoolean())));
                case LINES -> values.put(name, List.of(String.join("\n", lineList(value))));
                case IDS -> {
                    List<String> ids = new ArrayList<>();
                    value.forEach(id -> ids.add(id.asText()));
                    values.put(name, ids);
                }
                case HOURS -> {
                    values.put(name + "_on", List.of("true"));
                    value.properties().forEach(day -> {
                        int i = 0;
                        for (JsonNode shift : day.getValue()) {
                            String prefix = name + "." + day.getKey() + "." + i++;
                            values.put(
                                    prefix + ".open", List.of(shift.path("open").asText("")));
                            values.put(
                                    prefix + ".close",
                                    List.of(shift.path("close").asText("")));
                        }
                    });
                }
                case ENTRIES -> {
                    int i = 0;
                    for (JsonNode entry : value) {
                        values.put(
                                name + "." + i + ".name",
                                List.of(entry.path("name").asText("")));
                        values.put(
                                name + "." + i++ + ".destination",
                                List.of(entry.path("destination").asText("")));
                    }
                }
            }
        }
        return new FormState(values, Map.of());
    }

    /** The form as the person sent it, with the API's refusal beside its field (or above the form). */
    public FormState refused(Form form, Problem refusal) {
        FormState typed = show(body(form));
        return new FormState(typed.nameToValues(), Map.of(refusal.field().orElse(""), refusal.getMessage()));
    }

    /** The form as sent with {@code message} about {@code field} ("" for the whole form). */
    public FormState refused(Form form, String field, String message) {
        return new FormState(show(body(form)).nameToValues(), Map.of(field, message));
    }

    private static JsonNode text(String value) {
        return JSON.textNode(value);
    }

    private static JsonNode number(String value) {
        String v = value.strip();
        if (v.isEmpty()) {
            return JSON.nullNode();
        }
        return WHOLE.matcher(v).matches() ? JSON.numberNode(Long.parseLong(v)) : JSON.textNode(v);
    }

    private static ArrayNode lines(List<String> values) {
        ArrayNode out = JSON.arrayNode();
        for (String value : values) {
            value.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(out::add);
        }
        return out;
    }

    /** Lines of a list (["a:b"]) or of a tag map ({"a": ["b"]}), as {@code key:value}. */
    private static List<String> lineList(JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value.isObject()) {
            value.properties().forEach(e -> {
                if (e.getValue().isArray()) {
                    e.getValue().forEach(v -> out.add(e.getKey() + ":" + v.asText()));
                } else {
                    out.add(e.getKey() + ":" + e.getValue().asText());
                }
            });
        } else {
            value.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    private static JsonNode hours(Form form, String name) {
        if (!ticked(form.keyToValues().getOrDefault(name + "_on", List.of()))) {
            return JSON.nullNode();
        }
        ObjectNode days = JSON.objectNode();
        for (DayOfWeek day : DayOfWeek.values()) {
            String word = day.name().toLowerCase(Locale.ROOT);
            ArrayNode shifts = JSON.arrayNode();
            for (int i = 0; i < SHIFTS; i++) {
                String prefix = name + "." + word + "." + i;
                String open = form.first(prefix + ".open").orElse("").strip();
                String close = form.first(prefix + ".close").orElse("").strip();
                if (!open.isEmpty() || !close.isEmpty()) {
                    shifts.addObject().put("open", open).put("close", close);
                }
            }
            if (!shifts.isEmpty()) {
                days.set(word, shifts);
            }
        }
        return days;
    }

    private static ArrayNode entries(Form form, String name) {
        ArrayNode entries = JSON.arrayNode();
        for (int i = 0; ; i++) {
            var entryName = form.first(name + "." + i + ".name");
            var destination = form.first(name + "." + i + ".destination");
            if (entryName.isEmpty() && destination.isEmpty()) {
                return entries;
            }
            String n = entryName.orElse("").strip();
            String d = destination.orElse("").strip();
            if (!n.isEmpty() || !d.isEmpty()) {
                entries.addObject().put("name", n).put("destination", d);
            }
        }
    }
}
