package org.switchboard.platform.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** An {@code application/x-www-form-urlencoded} body (how Twilio and Plivo post their callbacks), keys sorted. */
public record Form(Map<String, List<String>> keyToValues) {

    public static Form parse(byte[] body) {
        Map<String, List<String>> keyToValues = new TreeMap<>();
        forEachPair(
                body,
                (key, value) ->
                        keyToValues.computeIfAbsent(key, k -> new ArrayList<>()).add(value));
        return new Form(keyToValues);
    }

    /**
     * Each {@code name=value} pair of {@code body} in the order given, decoded ({@code +} and {@code %XX} as {@link
     * URLDecoder} decodes them; a text it refuses as it is), skipping empty pairs: what {@link #parse} collects.
     */
    static void forEachPair(byte[] body, BiConsumer<String, String> pair) {
        String text = new String(body, StandardCharsets.UTF_8);
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('&', start);
            if (end < 0) {
                end = text.length();
            }
            if (end > start) {
                int eq = text.indexOf('=', start);
                if (eq < 0 || eq > end) {
                    pair.accept(decode(text.substring(start, end)), "");
                } else {
                    pair.accept(decode(text.substring(start, eq)), decode(text.substring(eq + 1, end)));
                }
            }
            start = end + 1;
        }
    }

    private static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            // what URLDecoder returns for such a text (itself), without the builder it makes for every text
            return raw;
        }
        String ascii = decodeAscii(raw);
        if (ascii != null) {
            return ascii;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    /**
     * What {@link URLDecoder} answers for a text of ASCII characters whose escapes are each two ASCII hex digits of an
     * ASCII character ({@code %2B} of a caller number), the common case, without its builder and byte buffer; null
     * for any other text, which {@link URLDecoder} then decodes (or refuses).
     */
    private static @Nullable String decodeAscii(String raw) {
        byte[] out = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '+') {
                out[length++] = ' ';
            } else if (c == '%') {
                int high = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
                int low = high >= 0 ? hex(raw.charAt(i + 2)) : -1;
                if (high < 0 || low < 0 || high > 7) {
                    return null;
                }
                out[length++] = (byte) (high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                out[length++] = (byte) c;
            } else {
                return null;
            }
        }
        return new String(out, 0, length, StandardCharsets.US_ASCII);
    }

    /** The value of an ASCII hex digit, or -1. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    public Optional<String> first(String key) {
        List<String> values = keyToValues.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
