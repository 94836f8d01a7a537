package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.tag.TagSet;

/**
 * The data-writing answer written by hand is, byte for byte, what the mapper wrote for the record it replaced: a map
 * of each tag key to its one value or its values, the caller number and the status.
 */
class DataWritingResponseTest {
    /** The answer as it was written before: the mapper's walk of this record. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Before(Map<String, Object> tagValues, @Nullable String callerNumber, String status) {}

    private static byte[] before(TagSet tags, @Nullable String callerNumber, String status) {
        Map<String, Object> values = new LinkedHashMap<>();
        tags.asMap().forEach((tagKey, list) -> values.put(tagKey, list.size() == 1 ? list.getFirst() : list));
        return Json.write(new Before(values, callerNumber, status));
    }

    private static void assertSame(TagSet tags, @Nullable String callerNumber, String status) {
        byte[] written = new DataWritingRoutes.Response(tags, callerNumber, status).json();
        assertThat(new String(written, StandardCharsets.UTF_8))
                .isEqualTo(new String(before(tags, callerNumber, status), StandardCharsets.UTF_8));
        assertThat(written).isEqualTo(before(tags, callerNumber, status));
    }

    @Test
    void theAnswersShouldBeTheMappersForTheLoadRunsAndTheDocumentsShapes() {
        assertSame(TagSet.of("lead", "bench"), "+13125550199", DataWritingRoutes.STORED);
        assertSame(TagSet.empty(), "+13125550199", DataWritingRoutes.STORED);
        assertSame(
                TagSet.of("pre_age", "23", "pre_geo", "us", "pre_geo", "us-ny", "x.y-z", "a \"quoted\" \\ value"),
                "+442071838750",
                DataWritingRoutes.COMPLETED);
        assertSame(TagSet.of("name", "Zoë 😀 \u2028 \u00ff"), null, DataWritingRoutes.IN_PROGRESS);
    }

    @Test
    void randomTagsShouldBeWrittenAsTheMapperWritesThem() {
        Random random = new Random(15);
        String[] pieces = {
            "a", "Z", "9", " ", "\"", "\\", "/", "é", "ß", "中", "😀", "\u2028", "\ud7ff", "\ufffd", "<", "&"
        };
        for (int i = 0; i < 3_000; i++) {
            TagSet.Builder tags = TagSet.builder();
            int keys = random.nextInt(5);
            for (int k = 0; k < keys; k++) {
                String key = "k" + random.nextInt(6) + (random.nextBoolean() ? "_x" : ".y-z");
                int values = 1 + random.nextInt(3);
                for (int v = 0; v < values; v++) {
                    StringBuilder value = new StringBuilder("v");
                    int length = random.nextInt(8);
                    for (int c = 0; c < length; c++) {
                        value.append(pieces[random.nextInt(pieces.length)]);
                    }
                    tags.add(key, value.toString());
                }
            }
            String caller = random.nextInt(10) == 0 ? null : "+1312555" + random.nextInt(10_000);
            assertSame(tags.build(), caller, random.nextBoolean() ? DataWritingRoutes.STORED : "st\"atus 😀");
        }
    }
}
