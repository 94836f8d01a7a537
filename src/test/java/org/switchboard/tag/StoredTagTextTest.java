package org.switchboard.tag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.switchboard.platform.http.Json;

/**
 * {@link TagSet#fromStored}'s hand-written reader against the mapper's path ({@link TagSet#fromStoredByMapper}): the
 * same tags in the same order, or the same error, on the writer's texts, on the mapper's, on hand-picked odd texts and
 * on many random edits of them; and {@link TagSet#toStored}'s hand-written writer against the mapper's text.
 */
class StoredTagTextTest {
    /** Characters of values: plain, JSON's escaped ones, control characters, non-ASCII, a surrogate pair. */
    private static final String[] VALUE_PIECES = {
        "a",
        "Z",
        "0",
        " ",
        "\"",
        "\\",
        "/",
        "\b",
        "\f",
        "\n",
        "\r",
        "\t",
        "\u0001",
        "\u001f",
        "\u007f",
        "é",
        "中",
        "\u2028",
        "\ud83d\ude00",
        "u",
        "x",
        "-",
        ":",
        "{",
        "}",
        "[",
        "]",
        ","
    };
    /** Characters of keys: valid ones mostly, and some the set refuses or normalises. */
    private static final String[] KEY_PIECES = {"a", "k", "z", "0", "9", "_", ".", "-", "A", " ", "é", "\"", "\\"};
    /** What a random edit inserts. */
    private static final String[] EDITS = {
        " ",
        "\"",
        "\\",
        "\\u",
        "\\u00e9",
        "\\ud83d",
        "\\\\",
        ",",
        ":",
        "[",
        "]",
        "{",
        "}",
        "1",
        "true",
        "null",
        "\u0000",
        "\ud83d",
        "\"a\"",
        "[\"v\"]",
        "\"a\":[\"v\"]",
        "\n",
        "x",
        "\\/",
        "\\x",
        "\\uZZZZ",
        "\\u0661\\u0662\\u0663\\u0664"
    };

    @Test
    void writerTextsShouldBeTheMappersAndReadAsTheMapperReadsThem() {
        Random random = new Random(15);
        int byHand = 0;
        for (int i = 0; i < 5_000; i++) {
            TagSet tags = randomSet(random);
            String stored = tags.toStored();
            // the writer by hand against the mapper's writer
            assertThat(stored).isEqualTo(Json.writeString(tags.asMap()));
            assertSame(stored);
            assertThat(TagSet.fromStored(stored)).as(stored).isEqualTo(tags);
            assertSame(Json.writeString(tags.asMap()));
            // the hand-written reader must take every writer's text it can (all but those holding a surrogate, which
            // it leaves to the mapper), or this test would compare the mapper with itself
            if (stored.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
                assertThat(StoredTagText.read(stored)).as(stored).isEqualTo(tags);
                byHand++;
            }
        }
        assertThat(byHand).isGreaterThan(1_000);
    }

    @Test
    void randomEditsOfStoredTextsShouldReadAsTheMapperReadsThem() {
        Random random = new Random(150);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(randomSet(random).toStored());
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && !text.isEmpty(); e++) {
                int at = random.nextInt(text.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> text.insert(at, EDITS[random.nextInt(EDITS.length)]);
                    case 1 -> text.deleteCharAt(Math.min(at, text.length() - 1));
                    default ->
                        text.replace(
                                Math.min(at, text.length() - 1),
                                Math.min(at, text.length() - 1) + 1,
                                EDITS[random.nextInt(EDITS.length)]);
                }
            }
            assertSame(text.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{ }",
                " {}",
                "{}x",
                "{\"a\":[\"1\"]}",
                "{\"a\":[\"1\"]} ",
                "{\"a\": [\"1\"]}",
                "{\"a\":\"1\"}",
                "{\"a\":[1]}",
                "{\"a\":[true]}",
                "{\"a\":[]}",
                "{\"a\":[[\"1\"]]}",
                "{\"a\":[{\"b\":\"c\"}]}",
                "{\"a\":[\"1\"],\"a\":[\"2\"]}",
                "{\"a\":[\"1\"],\"A\":[\"2\"]}",
                "{\"A\":[\"1\"]}",
                "{\" a \":[\" 1 \"]}",
                "{\"a\":[\"1\",\"1\",\"2\"]}",
                "{\"a\":[\"1\",\"\"]}",
                "{\"a\":[\" \"]}",
                "{\"bad key\":[\"1\"]}",
                "{\"\":[\"1\"]}",
                "{\"a\":[\"\\u0001\"]}",
                "{\"a\":[\"\\u00E9\\u00e9\\/\\\"\\\\\\b\\f\\n\\r\\t\"]}",
                "{\"a\":[\"\\ud83d\\ude00\"]}",
                "{\"a\":[\"\\ud83d\"]}",
                "{\"a\":[\"\ud83d\ude00\"]}",
                "{\"a\":[\"\\x\"]}",
                "{\"a\":[\"\\u12\"]}",
                "{\"a\":[\"\\u0661\\u0662\\u0663\\u0664\"]}",
                "{\"a\":[\"1\"]",
                "{\"a\":[\"1\"",
                "{\"a\":[\"1",
                "{\"a\":[\"1\"],}",
                "{\"a\":[\"1\",]}",
                "[\"a:1\"]",
                "\"a\"",
                "null",
                "{\"a\":[\"1\"]}{}",
                "\ufeff{}"
            })
    void oddTextsShouldReadAsTheMapperReadsThem(String text) {
        assertSame(text);
    }

    @Test
    void everyEscapedCharacterShouldReadAsTheMapperReadsIt() {
        for (int c = 0; c < 0x800; c++) {
            String hex = String.format("%04x", c);
            assertSame("{\"k\":[\"v\\u" + hex + "\"]}");
            assertSame("{\"k\":[\"v\\u" + hex.toUpperCase(java.util.Locale.ROOT) + "w\"]}");
            assertSame("{\"k" + (char) c + "\":[\"v\"]}");
            assertSame("{\"k\":[\"v" + (char) c + "\"]}");
        }
    }

    @Test
    void valuesNearTheLengthLimitShouldReadAsTheMapperReadsThem() {
        for (int length : new int[] {254, 255, 256}) {
            assertSame("{\"k\":[\"" + "x".repeat(length) + "\"]}");
            assertSame("{\"k\":[\"" + "x".repeat(length - 1) + "\\n\"]}");
        }
        for (int length : new int[] {64, 65}) {
            assertSame("{\"" + "k".repeat(length) + "\":[\"v\"]}");
        }
    }

    /** {@link TagSet#fromStored} answers what it answered before the hand-written reader (a blank text: no tags). */
    private static void assertSame(String text) {
        assertThat(outcome(() -> TagSet.fromStored(text)))
                .as(text)
                .isEqualTo(outcome(() -> text.isBlank() ? TagSet.empty() : TagSet.fromStoredByMapper(text)));
    }

    /** The tags in order, or the error's type and message. */
    private static Object outcome(Supplier<TagSet> read) {
        try {
            return new ArrayList<Map.Entry<String, List<String>>>(
                    read.get().asMap().entrySet());
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static TagSet randomSet(Random random) {
        TagSet.Builder builder = TagSet.builder();
        int keys = random.nextInt(6);
        for (int k = 0; k < keys; k++) {
            String key = random.nextInt(4) == 0 ? pieces(random, KEY_PIECES, 1 + random.nextInt(8)) : "k" + k;
            int values = 1 + random.nextInt(3);
            for (int v = 0; v < values; v++) {
                String value = pieces(random, VALUE_PIECES, 1 + random.nextInt(10));
                try {
                    builder.add(key, value);
                } catch (RuntimeException e) {
                    // a key or value the set refuses: left out, as a request's would be refused
                }
            }
        }
        return builder.build();
    }

    private static String pieces(Random random, String[] pieces, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(pieces[random.nextInt(pieces.length)]);
        }
        return out.toString();
    }
}
