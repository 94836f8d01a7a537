package org.switchboard.platform.phone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            +12125550123      | +12125550123
            2125550123        | +12125550123
            12125550123       | +12125550123
            (212) 555-0123    | +12125550123
            1-212-555-0123    | +12125550123
            +44 20 7183 8750  | +442071838750
            tel:+12125550123  | +12125550123
            """)
    void numbersShouldBeNormalisedToE164(String raw, String e164) {
        assertThat(PhoneNumbers.toE164(raw)).contains(e164);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "12",
                "555",
                "+1212555012",
                "call me",
                "+999 1234",
                "1234567890123456789012345678901234567890123"
            })
    void invalidNumbersShouldBeEmpty(String raw) {
        assertThat(PhoneNumbers.toE164(raw)).isEmpty();
    }
}
