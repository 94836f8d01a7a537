package org.switchboard.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link JsonText} writes what the mapper writes, character for character. */
class JsonTextTest {

    @Test
    void everyCharacterOutsideTheSurrogatesShouldBeWrittenAsTheMapperWritesIt() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            if (Character.isSurrogate(c)) {
                continue;
            }
            // given: the character alone, and between other text
            for (String text : List.of(String.valueOf(c), "a" + c + "b" + c)) {
                // when
                String written = new JsonText(8).value(text).toString();

                // then
                assertThat(written).as("U+%04X", (int) c).isEqualTo(Json.writeString(text));
            }
        }
    }

    @Test
    void randomObjectsShouldBeWrittenAsTheMapperWritesThem() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 2_000; round++) {
            // given: names and values of random characters (any but surrogates), a number, a flag and a null
            Map<String, Object> object = new LinkedHashMap<>();
            JsonText text = new JsonText(64).startObject();
            int fields = random.nextInt(6);
            for (int i = 0; i < fields; i++) {
                String name = randomText(random);
                String value = randomText(random);
                if (object.containsKey(name)) {
                    continue;
                }
                object.put(name, value);
                text.name(name).value(value);
            }
            object.put("~n", new BigDecimal("12.50"));
            text.name("~n").number(new BigDecimal("12.50"));
            object.put("~b", round % 2 == 0);
            text.name("~b").value(round % 2 == 0);
            object.put("~z", null);
            text.name("~z").nullValue();
            object.put("~l", List.of(round, "x"));
            text.name("~l").startArray().value(round).value("x").endArray();

            // when
            String written = text.endObject().toString();

            // then
            assertThat(written).isEqualTo(Json.writeString(object));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"buyer_id", "caller_number", "geo.us-ny", "_0"})
    void aPlainNameShouldBeWrittenAsAnEscapedOneIs(String name) {
        // given: a name with nothing to escape, as constants and tag keys are
        // when
        String plain = new JsonText(16)
                .startObject()
                .plainName(name)
                .value(1)
                .endObject()
                .toString();
        String escaped =
                new JsonText(16).startObject().name(name).value(1).endObject().toString();

        // then
        assertThat(plain).isEqualTo(escaped).isEqualTo(Json.writeString(Map.of(name, 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD83D\uDE00", "a\uD800", "\uDC00b"})
    void textWithSurrogatesShouldBeLeftToTheMapper(String text) {
        assertThat(JsonText.writable(text)).isFalse();
        assertThat(JsonText.writable("plain café ✓")).isTrue();
        assertThat(new JsonText(8).startArray().value("ok").value(text).matchesMapper())
                .isFalse();
        assertThat(new JsonText(8).name("plain café ✓").value("\n\"").matchesMapper())
                .isTrue();
    }

    private static String randomText(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            char c = switch (random.nextInt(4)) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> "\"\\/'<>&".charAt(random.nextInt(7));
                case 2 -> (char) (0x20 + random.nextInt(0x60));
                default -> (char) (0x80 + random.nextInt(0xD800 - 0x80));
            };
            text.append(c);
        }
        return text.toString();
    }
}
