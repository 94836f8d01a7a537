package org.switchboard.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A form body reads to the same names and values, in the same order, as it did through {@code split} and URLDecoder. */
class FormTest {
    /** The parser as it was: split on {@code &}, every escaped text through {@link URLDecoder}. */
    private static Map<String, List<String>> before(byte[] body) {
        Map<String, List<String>> keyToValues = new TreeMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decodeBefore(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeBefore(pair.substring(eq + 1));
            keyToValues.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return keyToValues;
    }

    private static String decodeBefore(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static void assertSame(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(Form.parse(bytes).keyToValues()).as(body).isEqualTo(before(bytes));
    }

    @Test
    void handPickedBodiesShouldReadAsBefore() {
        for (String body : List.of(
                "",
                "&",
                "&&a=1&&",
                "caller_number=%2B13125550199&lead=bench",
                "caller_number=+13125550199",
                "a=%2b%2F%7e%41",
                "a=%",
                "a=%4",
                "a=%4G",
                "a=%+F",
                "a=%-F",
                "a=%E2%82%AC",
                "a=%C3",
                "a=%80",
                "a=%7F%00",
                "a==b=c",
                "=x",
                "noequals",
                "noequals%20too&b",
                "a=1&a=2&b=3&a=4",
                "z=1&m=2&a=3",
                "name=Zo%C3%AB+%F0%9F%98%80",
                "é=ü&ß%3D=%3D",
                "a=%٣٣",
                "a=%ａｂ")) {
            assertSame(body);
        }
    }

    @Test
    void randomBodiesShouldReadAsBefore() {
        Random random = new Random(15);
        String[] pieces = {
            "a", "Z", "9", "&", "=", "+", "%", "%2B", "%2b", "%41", "%7F", "%80", "%C3%A9", "%E2%82", "%4", "%G1",
            "%+1", "é", "😀", " ", "%25", "_", "-", "%-1", "%0a"
        };
        for (int i = 0; i < 20_000; i++) {
            StringBuilder body = new StringBuilder();
            int length = random.nextInt(12);
            for (int p = 0; p < length; p++) {
                body.append(pieces[random.nextInt(pieces.length)]);
            }
            assertSame(body.toString());
        }
    }
}
