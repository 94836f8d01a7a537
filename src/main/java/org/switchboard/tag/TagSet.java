package org.switchboard.tag;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonText;
import org.switchboard.platform.problem.Problem;

/**
 * A call's tags: a multi-valued {@code key:value} set. Keys are lower case ({@code [a-z0-9_.-]}, at most 64
 * characters); a key holds one or more distinct values in the order they were added. Immutable: every change returns
 * a new set.
 *
 * <p>On the wire a tag set is a JSON object whose values are a string or an array of strings ({@code {"geo":
 * ["us", "us-ny"], "age": "23"}}); an array of {@code "key:value"} strings is accepted too.
 */
public final class TagSet {
    public static final int MAX_KEY_LENGTH = 64;
    public static final int MAX_VALUE_LENGTH = 255;
    /** What a tag key looks like ({@link #isValidKey} checks it without a regex). */
    static final String KEY_PATTERN = "[a-z0-9_][a-z0-9_.\\-]*";

    private static final TagSet EMPTY = new TagSet(Map.of());

    /**
     * A builder's map, handed over at {@link Builder#build} and never changed afterwards (the builder copies it
     * first), or a {@link Replaced} read over two such maps; every value set in it is {@link Values}. Not wrapped:
     * walking an unmodifiable view allocates a wrapper per entry, and this class only hands out read-only views of it.
     */
    private final Map<String, Set<String>> keyToValues;

    private final Set<String> keys;

    private TagSet(Map<String, Set<String>> keyToValues) {
        this.keyToValues = keyToValues;
        this.keys = Collections.unmodifiableSet(keyToValues.keySet());
    }

    public static TagSet empty() {
        return EMPTY;
    }

    public static TagSet of(String... keyValuePairs) {
        if (keyValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("key and value pairs expected");
        }
        Builder builder = builder();
        for (int i = 0; i < keyValuePairs.length; i += 2) {
            builder.add(keyValuePairs[i], keyValuePairs[i + 1]);
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Lower-cases and trims a key; empty when the result is not a valid key. */
    public static String normalizeKey(String key) {
        return key.strip().toLowerCase(Locale.ROOT);
    }

    public static boolean isValidKey(String key) {
        // the KEY pattern, checked by hand: this runs for every tag of every ping
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (i > 0 && (c == '.' || c == '-'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public Set<String> keys() {
        return keys;
    }

    /** The values of {@code key} (empty when the call does not carry it). */
    public Set<String> values(String key) {
        return keyToValues.getOrDefault(normalizeKey(key), Set.of());
    }

    /** The value of {@code key} added last (values keep the order they came in), empty when the set has none. */
    public Optional<String> last(String key) {
        String last = null;
        for (String value : values(key)) {
            last = value;
        }
        return Optional.ofNullable(last);
    }

    public boolean has(String key) {
        return keyToValues.containsKey(normalizeKey(key));
    }

    /** Whether the set holds {@code key:value}; values compare without regard to case. */
    public boolean has(String key, String value) {
        for (String held : values(key)) {
            if (held.equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return keyToValues.isEmpty();
    }

    public TagSet with(String key, String value) {
        return toBuilder().add(key, value).build();
    }

    /** This set plus every tag of {@code other}. */
    public TagSet withAll(TagSet other) {
        return toBuilder().addAll(other).build();
    }

    /** This set with {@code key} holding exactly {@code values} (removed when empty). */
    public TagSet replacing(String key, Collection<String> values) {
        Builder builder = toBuilder().remove(key);
        values.forEach(value -> builder.add(key, value));
        return builder.build();
    }

    /**
     * This set with each key of {@code replacements} holding exactly its values there, those keys last, in their order
     * there: what {@code toBuilder()} with each such key removed and added again builds, read through this set's map
     * rather than a copy of it (every RTB ping does this for each buyer it considers, and the copies were a tenth of
     * its allocation).
     */
    public TagSet replacingAll(TagSet replacements) {
        return replacements.isEmpty() ? this : new TagSet(new Replaced(keyToValues, replacements.keyToValues));
    }

    /** The values of this set that {@code other} lacks (what a change from {@code other} to this one added). */
    public TagSet minus(TagSet other) {
        Builder missing = builder();
        for (String key : keys()) {
            for (String value : values(key)) {
                if (!other.has(key, value)) {
                    missing.add(key, value);
                }
            }
        }
        return missing.build();
    }

    /**
     * The keys whose values differ from {@code base}'s (added or changed), with all their values: what a change from
     * {@code base} to this set learned. Reads both maps directly: a key shared unchanged holds the very same values.
     */
    public TagSet changedFrom(TagSet base) {
        Builder changed = builder();
        keyToValues.forEach((key, values) -> {
            Set<String> before = base.keyToValues.get(key);
            if (values != before && !values.equals(before)) {
                values.forEach(v -> changed.add(key, v));
            }
        });
        return changed.build();
    }

    public TagSet without(String key) {
        return toBuilder().remove(key).build();
    }

    public Builder toBuilder() {
        // sized for this set and a few more keys: growing the map from its default size was a tenth of a ping's
        // allocation
        Builder builder = new Builder(keyToValues.size() + 4);
        builder.addAll(this);
        return builder;
    }

    /** Key to values, for JSON output. */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        keyToValues.forEach((key, values) -> out.put(key, List.copyOf(values)));
        return out;
    }

    /**
     * The stored form: JSON text of {@link #asMap()}, written without the mapper (every RTB ping stores its tags in
     * its log row) unless a key or value holds a character {@link JsonText} leaves to it.
     */
    public String toStored() {
        if (keyToValues.isEmpty()) {
            return "{}";
        }
        JsonText json = new JsonText(storedLength()).startObject();
        for (var entry : keyToValues.entrySet()) {
            json.plainName(entry.getKey()).startArray(); // a valid key needs no escaping
            for (String value : entry.getValue()) {
                json.value(value);
            }
            json.endArray();
        }
        // asked once at the end rather than checking every text before writing it: one scan of each, not two
        return json.endObject().matchesMapper() ? json.toString() : Json.writeString(asMap());
    }

    /** The length of {@link #toStored} when nothing needs escaping: its builder's size, so that it never grows. */
    private int storedLength() {
        int length = 2;
        for (var entry : keyToValues.entrySet()) {
            length += entry.getKey().length() + 6; // "key":[] and a comma
            for (String value : entry.getValue()) {
                length += value.length() + 3; // "value" and a comma
            }
        }
        return length;
    }

    /**
     * The tag set of a stored text ({@link #toStored}). The writer's own shape is read by hand ({@link StoredTagText});
     * any other text by the mapper, which also decides every error.
     */
    public static TagSet fromStored(@Nullable String json) {
        if (json == null || json.isBlank()) {
            return EMPTY;
        }
        TagSet read = StoredTagText.read(json);
        return read != null ? read : fromStoredByMapper(json);
    }

    /** {@link #fromStored} through the JSON mapper alone: the general path, which the hand-written one must match. */
    static TagSet fromStoredByMapper(String json) {
        return parse(null, Json.read(json));
    }

    /**
     * Reads a tag set from a request, naming {@code field} in the error when a key or value is not allowed. Accepts
     * an object of string or string-array values, or an array of {@code "key:value"} strings.
     */
    public static TagSet parse(@Nullable String field, @Nullable JsonNode node) {
        Builder builder = builder();
        if (node == null || node.isNull()) {
            return EMPTY;
        }
        if (node.isObject()) {
            for (var entry : node.properties()) {
                JsonNode value = entry.getValue();
                if (value.isArray()) {
                    for (JsonNode element : value) {
                        builder.addChecked(field, entry.getKey(), scalar(field, element));
                    }
                } else {
                    builder.addChecked(field, entry.getKey(), scalar(field, value));
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                String pair = scalar(field, element);
                int colon = pair.indexOf(':');
                if (colon <= 0) {
                    throw new Problem.Invalid(field, "'" + pair + "' is not a key:value tag");
                }
                builder.addChecked(field, pair.substring(0, colon), pair.substring(colon + 1));
            }
        } else {
            throw new Problem.Invalid(field, "must be an object of tag keys to values");
        }
        return builder.build();
    }

    private static String scalar(@Nullable String field, JsonNode value) {
        if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        throw new Problem.Invalid(field, "tag values must be strings, numbers or arrays of them");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TagSet set && set.keyToValues.equals(keyToValues);
    }

    @Override
    public int hashCode() {
        return keyToValues.hashCode();
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /**
     * A built set's map read through {@code over} first, then {@code base} without {@code over}'s keys; walked as
     * {@code base}'s other entries, then {@code over}'s. Neither map changes once built, so neither does this.
     */
    private static final class Replaced extends AbstractMap<String, Set<String>> {
        private final Map<String, Set<String>> base;
        private final Map<String, Set<String>> over;
        private final int size;

        Replaced(Map<String, Set<String>> base, Map<String, Set<String>> over) {
            this.base = base;
            this.over = over;
            int replaced = 0;
            for (String key : over.keySet()) {
                replaced += base.containsKey(key) ? 1 : 0;
            }
            this.size = base.size() - replaced + over.size();
        }

        @Override
        public @Nullable Set<String> get(@Nullable Object key) {
            Set<String> values = over.get(key);
            return values != null ? values : base.get(key);
        }

        @Override
        public boolean containsKey(@Nullable Object key) {
            return over.containsKey(key) || base.containsKey(key);
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super Set<String>> action) {
            base.forEach((key, values) -> {
                if (!over.containsKey(key)) {
                    action.accept(key, values);
                }
            });
            over.forEach(action);
        }

        @Override
        public Set<Entry<String, Set<String>>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<Entry<String, Set<String>>> iterator() {
                    return new Iterator<>() {
                        private final Iterator<Entry<String, Set<String>>> kept =
                                base.entrySet().iterator();
                        private final Iterator<Entry<String, Set<String>>> replacing =
                                over.entrySet().iterator();
                        private @Nullable Entry<String, Set<String>> next = advance();

                        private @Nullable Entry<String, Set<String>> advance() {
                            while (kept.hasNext()) {
                                Entry<String, Set<String>> entry = kept.next();
                                if (!over.containsKey(entry.getKey())) {
                                    return entry;
                                }
                            }
                            return replacing.hasNext() ? replacing.next() : null;
                        }

                        @Override
                        public boolean hasNext() {
                            return next != null;
                        }

                        @Override
                        public Entry<String, Set<String>> next() {
                            Entry<String, Set<String>> entry = next;
                            if (entry == null) {
                                throw new NoSuchElementException();
                            }
                            next = advance();
                            return entry;
                        }
                    };
                }
            };
        }
    }

    /**
     * A key's values in a built set: distinct, in the order they were added, immutable, in an array. Walking them (the
     * stored text of every RTB ping's log row, tag filters, tokens) costs one small iterator, where the unmodifiable
     * view of a {@code LinkedHashSet} it replaced cost two (its own and the set's), which were a tenth of the RTB log
     * writer's time. A key holds a few values, so {@code contains} compares them in turn.
     */
    private static final class Values extends AbstractSet<String> {
        private final String[] values;

        Values(Collection<String> distinct) {
            this.values = distinct.toArray(new String[0]);
        }

        Values(String only) {
            this.values = new String[] {only};
        }

        @Override
        public Iterator<String> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < values.length;
                }

                @Override
                public String next() {
                    if (next >= values.length) {
                        throw new NoSuchElementException();
                    }
                    return values[next++];
                }
            };
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public boolean contains(@Nullable Object value) {
            for (String held : values) {
                if (held.equals(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Collects tags; keys are normalised and repeated values kept once. The value sets of the sets it was given are
     * shared, not copied, until a key is changed (copy on write): building one set from another (the call flow and
     * every RTB ping do it many times) costs one small map, not a copy of every value.
     */
    public static final class Builder {
        /**
         * A key's values: {@link Values} (a built set's, shared, or a first value's) or this builder's own
         * LinkedHashSet. The map itself is handed to the set {@link #build} makes; a change after that copies it first
         * ({@link #built}).
         */
        private Map<String, Set<String>> keyToValues;
        /** Whether {@link #keyToValues} belongs to a built set (so it must be copied before any change). */
        private boolean built;

        private Builder() {
            this.keyToValues = new LinkedHashMap<>();
        }

        private Builder(int expectedKeys) {
            this.keyToValues = LinkedHashMap.newLinkedHashMap(expectedKeys);
        }

        /** Adds a tag that must be valid (programmer input: a bad key is a bug, not a request error). */
        public Builder add(String key, String value) {
            return addChecked(null, key, value);
        }

        Builder addChecked(@Nullable String field, String rawKey, String rawValue) {
            String key = normalizeKey(rawKey);
            if (!isValidKey(key)) {
                throw new Problem.Invalid(
                        field,
                        "tag key '" + rawKey + "' must be 1 to " + MAX_KEY_LENGTH
                                + " characters of a-z, 0-9, '_', '.' or '-'");
            }
            String value = rawValue.strip();
            if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH || hasControlCharacter(value)) {
                throw new Problem.Invalid(
                        field,
                        "tag '" + key + "' needs a value of 1 to " + MAX_VALUE_LENGTH
                                + " characters without control characters");
            }
            Set<String> held = keyToValues.get(key);
            if (held == null) {
                // a key's first value is held as the built set holds it: most keys keep one value, and a
                // LinkedHashSet for each was the largest part of a ping's tag building (a second value copies it)
                ownMap();
                keyToValues.put(key, new Values(value));
            } else if (!held.contains(value)) {
                writable(key).add(value);
            }
            return this;
        }

        public Builder addAll(TagSet other) {
            if (other.keyToValues.isEmpty()) {
                return this;
            }
            ownMap();
            other.keyToValues.forEach((key, values) -> {
                Set<String> held = keyToValues.get(key);
                if (held == null) {
                    keyToValues.put(key, values); // shared until changed
                } else if (held != values && !held.containsAll(values)) {
                    writable(key).addAll(values);
                }
            });
            return this;
        }

        public Builder remove(String key) {
            String normalized = normalizeKey(key);
            if (keyToValues.containsKey(normalized)) {
                ownMap();
                keyToValues.remove(normalized);
            }
            return this;
        }

        /**
         * The set of the tags collected. It takes this builder's map as it is (no copy: the RTB ping builds a dozen
         * sets); the builder copies the map again if it is changed afterwards, so the built set never changes.
         */
        public TagSet build() {
            if (keyToValues.isEmpty()) {
                return EMPTY;
            }
            if (!built) {
                for (var entry : keyToValues.entrySet()) {
                    if (entry.getValue() instanceof LinkedHashSet<String> own) {
                        // this builder's own set becomes the built set's: the builder copies it again if changed
                        entry.setValue(new Values(own));
                    }
                }
                built = true;
            }
            return new TagSet(keyToValues);
        }

        /** Makes {@link #keyToValues} this builder's own again once a built set holds it. */
        private void ownMap() {
            if (built) {
                keyToValues = new LinkedHashMap<>(keyToValues);
                built = false;
            }
        }

        /** The key's values, owned by this builder (a shared set is copied first). */
        private Set<String> writable(String key) {
            ownMap();
            Set<String> values = keyToValues.get(key);
            if (values instanceof LinkedHashSet<String> own) {
                return own;
            }
            LinkedHashSet<String> own = values == null ? new LinkedHashSet<>(4) : new LinkedHashSet<>(values);
            keyToValues.put(key, own);
            return own;
        }

        private static boolean hasControlCharacter(String value) {
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    return true;
                }
            }
            return false;
        }
    }
}
