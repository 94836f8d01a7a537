package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;

/** The postback log entry's parameters are stored as the mapper wrote them, character for character. */
class PostbackLogParamsTextTest {

    @Test
    void randomParametersShouldBeWrittenAsTheMapperWritesThem() {
        SplittableRandom random = new SplittableRandom(15);
        for (int round = 0; round < 5_000; round++) {
            // given: names and values of random characters, surrogates (paired and lone) included
            Map<String, String> params = new LinkedHashMap<>();
            int count = random.nextInt(6);
            for (int i = 0; i < count; i++) {
                params.put(text(random), text(random));
            }

            // when
            String written = PostbackLog.paramsText(params);

            // then
            assertThat(written).as("%s", params).isEqualTo(Json.writeString(params));
        }
    }

    @Test
    void theTypicalRequestShouldBeWrittenInItsOrder() {
        // given
        Map<String, String> params = new LinkedHashMap<>();
        params.put("call_uuid", "a26c929b-5121-4825-90b8-f7fcd89dd72f");
        params.put("value", "10");
        params.put("caller_number", "+13125550198");

        // when
        String written = PostbackLog.paramsText(params);

        // then
        assertThat(written)
                .isEqualTo("{\"call_uuid\":\"a26c929b-5121-4825-90b8-f7fcd89dd72f\",\"value\":\"10\","
                        + "\"caller_number\":\"+13125550198\"}")
                .isEqualTo(Json.writeString(params));
    }

    @Test
    void noParametersAndANullValueShouldBeWrittenAsTheMapperWritesThem() {
        // given
        Map<String, String> empty = Map.of();
        Map<String, String> withNull = new HashMap<>();
        withNull.put("value", null);

        // when / then
        assertThat(PostbackLog.paramsText(empty)).isEqualTo("{}").isEqualTo(Json.writeString(empty));
        assertThat(PostbackLog.paramsText(withNull)).isEqualTo(Json.writeString(withNull));
    }

    private static String text(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.append(
                    switch (random.nextInt(8)) {
                        case 0 -> (char) random.nextInt(0x20);
                        case 1 -> "\"\\/".charAt(random.nextInt(3));
                        case 2 -> (char) (0xD800 + random.nextInt(0x800));
                        case 3 -> "\uD83D\uDE00";
                        case 4 -> (char) (0x80 + random.nextInt(0xD800 - 0x80));
                        case 5 -> '\u2028';
                        default -> (char) (0x20 + random.nextInt(0x60));
                    });
        }
        return text.toString();
    }
}
