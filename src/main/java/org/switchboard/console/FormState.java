package org.switchboard.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a configuration form shows: the values of its fields (the stored object's, or what the person typed when a
 * save was refused, so nothing typed is lost) and the problem with each refused field, beside it.
 */
public record FormState(Map<String, List<String>> nameToValues, Map<String, String> fieldToError) {
    public FormState {
        nameToValues = Map.copyOf(nameToValues);
        fieldToError = Map.copyOf(fieldToError);
    }

    public static FormState empty() {
        return new FormState(Map.of(), Map.of());
    }

    /** A new object's form with a few preset values. */
    public static FormState of(Map<String, String> nameToValue) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        nameToValue.forEach((name, value) -> values.put(name, List.of(value)));
        return new FormState(values, Map.of());
    }

    /** This form's values and problems laid over {@code base}'s values (a refused partial form on the whole one). */
    public FormState over(FormState base) {
        Map<String, List<String>> values = new LinkedHashMap<>(base.nameToValues());
        values.putAll(nameToValues);
        return new FormState(values, fieldToError);
    }

    public String value(String name) {
        List<String> values = nameToValues.get(name);
        return values == null || values.isEmpty() ? "" : values.getFirst();
    }

    /** Whether a checkbox is ticked. */
    public boolean checked(String name) {
        return ConfigForm.ticked(nameToValues.getOrDefault(name, List.of()));
    }

    /** Whether {@code value} is among the field's values (a ticked box of a list, a selected option). */
    public boolean has(String name, Object value) {
        return nameToValues.getOrDefault(name, List.of()).contains(String.valueOf(value));
    }

    /**
     * The problem with a field: refused as {@code name}, or as a part of it ({@code hours}, {@code entries[2].name}).
     */
    public Optional<String> error(String name) {
        if (fieldToError.containsKey(name)) {
            return Optional.of(fieldToError.get(name));
        }
        return fieldToError.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + ".") || e.getKey().startsWith(name + "["))
                .map(e -> e.getKey() + ": " + e.getValue())
                .findFirst();
    }

    public boolean failed() {
        return !fieldToError.isEmpty();
    }

    /** Every problem as "field: message" (the summary above a refused form). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        fieldToError.forEach((field, message) -> out.add(field.isEmpty() ? message : field + ": " + message));
        return out;
    }
}
