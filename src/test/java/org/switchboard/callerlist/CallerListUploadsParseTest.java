package org.switchboard.callerlist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallerListUploadsParseTest {
    @Test
    void readsOneNumberALineAndSkipsBlankLines() {
        var parsed = CallerListUploads.parse("+14155550127\n\n(415) 555-0128\r\n");
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.numbers()).containsExactly("+14155550127", "+14155550128");
        assertThat(parsed.lines()).isEqualTo(2);
        assertThat(parsed.errors()).isEmpty();
    }

    @Test
    void readsASpreadsheetExportWithAHeaderQuotedCommasAndOtherColumns() {
        var parsed = CallerListUploads.parse(
                "name,phone,note\n\"Doe, Jane\",+14155550127,\"called twice, angry\"\nBob,not a number,\n");
        assertThat(parsed.numbers()).containsExactly("+14155550127");
        assertThat(parsed.errors()).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(3);
            assertThat(error.value()).isEqualTo("Bob");
        });
    }

    @Test
    void usesTheSeparatorOfTheFirstLine() {
        assertThat(CallerListUploads.parse("phone;name\n+14155550127;Doe, Jane\n")
                        .numbers())
                .containsExactly("+14155550127");
        assertThat(CallerListUploads.parse("+14155550127\tJane\n+14155550128\tBob\n")
                        .numbers())
                .containsExactly("+14155550127", "+14155550128");
    }

    @Test
    void anUnclosedQuoteKeepsWhatCameBeforeAndNamesItsLine() {
        var parsed = CallerListUploads.parse("+14155550127\n\n\"+14155550128\n+14155550129\n");
        assertThat(parsed.numbers()).containsExactly("+14155550127");
        assertThat(parsed.errors())
                .singleElement()
                .satisfies(error -> assertThat(error.line()).isEqualTo(3));
    }
}
