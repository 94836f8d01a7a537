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

    @org.junit.jupiter.api.Test
    void theNorthAmericanShortcutShouldReadEveryDigitStringAsLibphonenumberDoes() {
        // given: random digit strings of the shapes the shortcut takes, and near misses it must leave alone
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            int length = 9 + random.nextInt(4);
            StringBuilder digits = new StringBuilder();
            for (int d = 0; d < length; d++) {
                digits.append((char) ('0' + random.nextInt(10)));
            }
            if (random.nextBoolean()) {
                digits.setCharAt(0, '1');
            }
            String raw = (random.nextInt(3) == 0 ? "+" : "") + digits;

            // when
            java.util.Optional<String> ours = PhoneNumbers.toE164(raw);

            // then: the same answer as libphonenumber's own parser with region US
            java.util.Optional<String> theirs;
            try {
                var parsed = util.parse(raw, "US");
                theirs = util.isValidNumber(parsed) && !parsed.hasExtension()
                        ? java.util.Optional.of(util.format(
                                parsed, com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.E164))
                        : java.util.Optional.empty();
            } catch (com.google.i18n.phonenumbers.NumberParseException e) {
                theirs = java.util.Optional.empty();
            }
            assertThat(ours).as(raw).isEqualTo(theirs);
        }
    }

    @org.junit.jupiter.api.Test
    void northAmericanValidityShouldBeLibphonenumbersIsValidNumber() {
        // given: every area code with random exchanges and lines, and a Jamaican exchange decided by its seventh digit
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        java.util.SplittableRandom random = new java.util.SplittableRandom(15);
        java.util.List<Long> nationals = new java.util.ArrayList<>();
        for (long area = 0; area < 1000; area++) {
            for (int i = 0; i < 120; i++) {
                nationals.add(area * 10_000_000L + random.nextLong(10_000_000L));
            }
        }
        for (long line = 0; line < 10_000; line += 7) {
            nationals.add(8_766_060_000L + line % 10_000);
            nationals.add(8_766_061_000L + line % 1_000);
        }
        for (long national : nationals) {
            var number = new com.google.i18n.phonenumbers.Phonenumber.PhoneNumber()
                    .setCountryCode(1)
                    .setNationalNumber(national);

            // when
            boolean ours = PhoneNumbers.validNorthAmerican(number);

            // then
            assertThat(ours).as("+1%010d", national).isEqualTo(util.isValidNumber(number));
        }
    }
}
