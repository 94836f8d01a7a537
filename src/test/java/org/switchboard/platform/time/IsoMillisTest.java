package org.switchboard.platform.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
}
