package org.switchboard.platform.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.time.Zones;

/**
 * Reads the fields of a JSON request object, checking each one and naming it in the error when it is wrong. Call
 * {@link #finish()} last: a field nobody asked for is refused so that a typo never passes silently. Fields listed as
 * read-only are accepted and ignored, so a client may send back an object it fetched.
 */
public final class JsonFields {
    private final ObjectNode node;
    private final Set<String> known = new HashSet<>();

    public JsonFields(ObjectNode node, String... readOnly) {
        this.node = node;
        known.addAll(List.of(readOnly));
    }

    /** The value of {@code name}, empty when absent or JSON null. */
    public Optional<JsonNode> take(String name) {
        known.add(name);
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    public String requiredText(String name, int maxLength) {
        return optionalText(name, maxLength).orElseThrow(() -> new Problem.Invalid(name, "is required"));
    }

    /** A string field; blank counts as absent. Control characters are refused. */
    public Optional<String> optionalText(String name, int maxLength) {
        Optional<JsonNode> value = take(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isTextual()) {
            throw new Problem.Invalid(name, "must be a string");
        }
        String text = value.get().asText().strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.length() > maxLength) {
            throw new Problem.Invalid(name, "must be at most " + maxLength + " characters");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new Problem.Invalid(name, "must not contain control characters");
        }
        return Optional.of(text);
    }

    public boolean bool(String name, boolean fallback) {
        Optional<JsonNode> value = take(name);
        if (value.isEmpty()) {
            return fallback;
        }
        if (!value.get().isBoolean()) {
            throw new Problem.Invalid(name, "must be true or false");
        }
        return value.get().booleanValue();
    }

    public int integer(String name, int fallback, int min, int max) {
        return optionalInteger(name, min, max).orElse(fallback);
    }

    /** A whole number within {@code min..max}; JSON null or absence gives empty. */
    public Optional<Integer> optionalInteger(String name, int min, int max) {
        Optional<JsonNode> value = take(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        JsonNode number = value.get();
        if (!number.isIntegralNumber() || !number.canConvertToLong()) {
            throw new Problem.Invalid(name, "must be a whole number");
        }
        long raw = number.longValue();
        if (raw < min || raw > max) {
            throw new Problem.Invalid(name, "must be between " + min + " and " + max);
        }
        return Optional.of((int) raw);
    }

    /** An IANA time zone name such as {@code America/New_York}. */
    public ZoneId timeZone(String name, ZoneId fallback) {
        Optional<String> raw = optionalText(name, 64);
        if (raw.isEmpty()) {
            return fallback;
        }
        return Zones.iana(raw.get()).orElseThrow(() -> new Problem.Invalid(name, Zones.RULE));
    }

    public long requiredId(String name) {
        return optionalId(name).orElseThrow(() -> new Problem.Invalid(name, "is required"));
    }

    public Optional<Long> optionalId(String name) {
        Optional<JsonNode> value = take(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(id(name, value.get()));
    }

    /** A list of ids without repeats, in the order given. */
    public List<Long> idList(String name) {
        Optional<JsonNode> value = take(name);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!value.get().isArray()) {
            throw new Problem.Invalid(name, "must be an array of ids");
        }
        var ids = new LinkedHashSet<Long>();
        for (JsonNode element : value.get()) {
            ids.add(id(name, element));
        }
        return List.copyOf(ids);
    }

    private static long id(String name, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
            throw new Problem.Invalid(name, "must hold positive whole-number ids");
        }
        return value.longValue();
    }

    /** Refuses any field that no reader asked for. */
    public void finish() {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                unknown.add(field);
            }
        });
        if (!unknown.isEmpty()) {
            throw new Problem.Invalid(unknown.getFirst(), "is not a known field");
        }
    }
}
