package org.switchboard.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlaceholdersTest {

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            caller_number | [caller_number]    | true
            caller_number | ' [caller_number] '| true
            call_uuid     | [call_uuid]        | true
            caller_number | CALLER_NUMBER      | true
            call_uuid     | CALL_UUID          | true
            value         | REVENUE            | true
            key           | POSTBACK_KEY       | true
            publisher_id  | <publisher_id>     | true
            caller_zip    | CALLER_ZIP         | true
            caller_number | +13125550147       | false
            publisher_id  | 4321ABCD           | false
            publisher_id  | PUB_A              | false
            plan          | [gold              | false
            first_name    | Ada                | false
            """)
    void aValueShouldBeAPlaceholderOnlyWhenItIsATokenOfAKeyUrl(String name, String value, boolean placeholder) {
        // when / then
        assertThat(Placeholders.isPlaceholder(name, value)).isEqualTo(placeholder);
    }

    @Test
    void theBracketCheckShouldAgreeWithTheTokenPatternOnRandomTexts() {
        // given: texts of bracket, token and other characters, as the pattern alone judged them
        Pattern token = Pattern.compile("\\[[A-Za-z0-9_.\\-]+]|<[A-Za-z0-9_.\\-]+>");
        Random random = new Random(15);
        String alphabet = "[]<>aZ9_.-+ %";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(7); length > 0; length--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = text.toString();
            // (no text of these characters is an upper-case placeholder or the name in upper case)
            boolean expected = token.matcher(value.strip()).matches();

            // when / then
            assertThat(Placeholders.isPlaceholder("name_x", value)).as(value).isEqualTo(expected);
        }
    }

    @Test
    void aRawRequestTargetShouldNameTheFirstParameterStillHoldingAPlaceholder() {
        // when
        var refused = Placeholders.inRequestTarget("/data_writing?key=k&caller_number=[caller_number]&plan=gold");
        var encoded = Placeholders.inRequestTarget("/rtbs.json?key=k&caller_number=%5Bcaller_number%5D");
        var clean = Placeholders.inRequestTarget("/rtbs.json?key=k&caller_number=%2B13125550147");

        // then
        assertThat(refused).hasValueSatisfying(e -> {
            assertThat(e.field()).contains("caller_number");
            assertThat(e.getMessage()).contains("placeholder '[caller_number]'").contains("replace it");
        });
        assertThat(encoded).isPresent();
        assertThat(clean).isEmpty();
        assertThat(Placeholders.inRequestTarget("/health")).isEmpty();
    }

    @Test
    void theHttpLayersRefusalOfARawBracketShouldBeReadForThePlaceholderOnly() {
        // when
        var bracket = Placeholders.inInvalidQueryMessage(
                "Query contains invalid char: key=k&caller_number=[caller_number], index: 29, char: '['");
        var other =
                Placeholders.inInvalidQueryMessage("Query contains invalid char: key=k&note=a|b, index: 12, char: '|'");

        // then
        assertThat(bracket).hasValueSatisfying(e -> assertThat(e.field()).contains("caller_number"));
        assertThat(other).isEmpty();
        assertThat(Placeholders.inInvalidQueryMessage(null)).isEmpty();
        assertThat(Placeholders.inInvalidQueryMessage("Bad Request")).isEmpty();
    }
}
