package org.switchboard.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.switchboard.platform.http.Json;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.SystemTags;
import org.switchboard.tag.TagSet;

/**
 * Tags from a webhook's response, as the reference platform reads them: a JSON object's root keys become tags;
 * string, number and boolean values give one value, arrays one value per scalar element. Nested objects (and objects
 * inside arrays) are ignored, not flattened; keys that are not valid tag keys are skipped. Anything that is not a JSON
 * object gives no tags. The call's system tags ({@link SystemTags#PROTECTED}) are never changed by a response. Pure.
 */
public final class ResponseTags {
    private static final Pattern ZIP = Pattern.compile("(?i)(us-)?\\d{5}(-\\d{4})?");

    private ResponseTags() {}

    public static TagSet parse(byte[] body) {
        JsonNode root;
        try {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            if (!text.startsWith("{")) {
                return TagSet.empty();
            }
            root = Json.MAPPER.readTree(text);
        } catch (IOException | RuntimeException e) {
            return TagSet.empty();
        }
        TagSet.Builder tags = TagSet.builder();
        for (var entry : root.properties()) {
            String key = TagSet.normalizeKey(entry.getKey());
            if (!TagSet.isValidKey(key)) {
                continue;
            }
            JsonNode value = entry.getValue();
            if (value.isArray()) {
                value.forEach(element -> addScalar(tags, key, element));
            } else {
                addScalar(tags, key, value);
            }
        }
        return tags.build();
    }

    private static void addScalar(TagSet.Builder tags, String key, JsonNode value) {
        if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            String text = value.asText().strip();
            if (!text.isEmpty()
                    && text.length() <= TagSet.MAX_VALUE_LENGTH
                    && text.chars().noneMatch(Character::isISOControl)) {
                tags.add(key, text);
            }
        }
    }

    /**
     * The call's tags with a response's tags added; a {@code geo} zip ({@code us-10101} or {@code 10101}) overrides
     * the caller's location as the webhook document describes (state and country re-derived).
     */
    public static TagSet apply(TagSet callTags, TagSet responseTags, GeoTagger geo) {
        TagSet merged = callTags;
        String zip = null;
        for (String key : responseTags.keys()) {
            if (SystemTags.PROTECTED.contains(key)) {
                continue; // the call's identity and routing tags are Switchboard's to set, not a receiver's
            }
            for (String value : responseTags.values(key)) {
                if (key.equals(GeoTagger.GEO) && ZIP.matcher(value).matches()) {
                    zip = value;
                } else {
                    merged = merged.with(key, value);
                }
            }
        }
        return zip == null ? merged : geo.withZip(merged, zip);
    }
}
