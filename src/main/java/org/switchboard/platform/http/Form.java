package org.switchboard.platform.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An {@code application/x-www-form-urlencoded} body (how Twilio and Plivo post their callbacks), keys sorted. */
public record Form(Map<String, List<String>> keyToValues) {

    public static Form parse(byte[] body) {
        Map<String, List<String>> keyToValues = new TreeMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            keyToValues.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return new Form(keyToValues);
    }

    private static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            // what URLDecoder returns for such a text (itself), without the builder it makes for every text
            return raw;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    public Optional<String> first(String key) {
        List<String> values = keyToValues.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
