package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.problem.Problem;

class TemplateTest {
    private static final Map<String, String> VALUES = Map.of(
            "caller_number", "+12125550123",
            "ringba_call_id", "a b&c=d",
            "payout", "12.50",
            "first_name", "Jo \"JJ\" \\ O'Neil\n");

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            https://hook.example.com/?call_id=[ringba_call_id]&call_revenue=[payout] | URL    | https://hook.example.com/?call_id=a%20b%26c%3Dd&call_revenue=12.50
            https://x.example.com/?Caller=[caller_number]&Zip=[caller_zip]            | URL    | https://x.example.com/?Caller=%2B12125550123&Zip=
            Bearer [Payout]                                                           | HEADER | Bearer 12.50
            http://[::1]:8080/hook?c=[caller_number]                                  | URL    | http://[::1]:8080/hook?c=%2B12125550123
            no tokens at all                                                          | NONE   | no tokens at all
            """)
    void tokensShouldBeReplacedAndEscapedForTheirPlace(String template, Template.Escaping escaping, String expected) {
        // given
        Set<String> missing = new LinkedHashSet<>();

        // when
        String rendered = Template.parse("url", template)
                .render(name -> Optional.ofNullable(VALUES.get(name)), escaping, missing);

        // then
        assertThat(rendered).isEqualTo(expected);
        if (template.contains("[caller_zip]")) {
            assertThat(missing).containsExactly("caller_zip");
        }
    }

    @Test
    void jsonValuesShouldBeEscapedForAJsonString() {
        String rendered = Template.parse("body", "[first_name]")
                .render(name -> Optional.ofNullable(VALUES.get(name)), Template.Escaping.JSON, new LinkedHashSet<>());
        assertThat(rendered).isEqualTo("Jo \\\"JJ\\\" \\\\ O'Neil\\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            https://x.example.com/?a=[caller_number      | unclosed token '[' at position 26
            https://x.example.com/?a=[Caller Number]     | '[Caller Number]' at position 26 is not a token
            https://x.example.com/?a=[]                  | '[]' at position 26 is not a token
            """)
    void malformedTokensShouldBeRefusedWithTheirPosition(String template, String message) {
        assertThatThrownBy(() -> Template.parse("url", template))
                .isInstanceOf(Problem.Invalid.class)
                .hasMessageContaining(message)
                .extracting(e -> ((Problem) e).field().orElseThrow())
                .isEqualTo("url");
    }

    @ParameterizedTest
    @CsvSource({"[CALL_UUID]/[call_uuid]/[caller_number]"})
    void tokensShouldListTheNamesUsedOnce(String template) {
        assertThat(Template.parse("url", template).tokens()).containsExactly("call_uuid", "caller_number");
    }
}
