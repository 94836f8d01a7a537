package org.switchboard.platform.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IsoMillisTest {
    @ParameterizedTest
    @CsvSource({
        "2024-05-29T16:16:18.246Z, 2024-05-29T16:16:18.246Z",
        "2024-05-29T16:16:18Z, 2024-05-29T16:16:18.000Z",
        "2024-05-29T16:16:18.246999999Z, 2024-05-29T16:16:18.246Z",
        "2024-05-29T16:16:18.2Z, 2024-05-29T16:16:18.200Z"
    })
    void instantsShouldAlwaysShowThreeFractionDigitsInUtc(String instant, String text) {
        assertThat(IsoMillis.format(Instant.parse(instant))).isEqualTo(text);
    }

    private static final DateTimeFormatter FORMATTER =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @ParameterizedTest
    @CsvSource({
        "0000-01-01T00:00:00Z",
        "-0001-12-31T23:59:59.999Z",
        "9999-12-31T23:59:59.999999999Z",
        "+10000-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.001Z",
        "2024-02-29T12:00:00.5Z",
        "2100-03-01T00:00:00Z"
    })
    void edgeInstantsShouldBeWrittenAsTheFormatterWritesThem(String instant) {
        // given
        Instant at = Instant.parse(instant);

        // when
        String text = IsoMillis.format(at);

        // then
        assertThat(text).isEqualTo(FORMATTER.format(at));
    }

    @Test
    void randomInstantsShouldBeWrittenAsTheFormatterWritesThem() {
        // given
        Random random = new Random(15);

        for (int i = 0; i < 200_000; i++) {
            long seconds = i % 2 == 0
                    ? random.nextLong(-70_000_000_000L, 260_000_000_000L)
                    : random.nextLong(1_600_000_000L, 2_200_000_000L);
            Instant at = Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));

            // when
            String text = IsoMillis.format(at);

            // then
            assertThat(text).as("%s", at).isEqualTo(FORMATTER.format(at));
        }
    }
}
