package org.switchboard.platform.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvLinesTest {
    @Test
    void negativeAndDecimalAmountsAreWrittenAsNumbers() {
        // a loss of 2.50 was exported as the text '-2.5, which spreadsheets do not sum
        assertThat(CsvLines.line(List.of("-2.5", "-3", "+4", "10.00"))).isEqualTo("-2.5,-3,+4,10.00\r\n");
    }

    @Test
    void textThatASpreadsheetWouldRunAsAFormulaGetsAQuoteMark() {
        assertThat(CsvLines.line(List.of("=HYPERLINK(\"x\")", "@SUM(A1)", "-1+2", "+1 555")))
                .isEqualTo("\"'=HYPERLINK(\"\"x\"\")\",'@SUM(A1),'-1+2,'+1 555\r\n");
    }

    @Test
    void quotesFieldsHoldingSeparatorsQuotesOrLineBreaksAndWritesNullAsEmpty() {
        assertThat(CsvLines.line(Arrays.asList("Acme, Inc.", "say \"hi\"", "two\nlines", null, "")))
                .isEqualTo("\"Acme, Inc.\",\"say \"\"hi\"\"\",\"two\nlines\",,\r\n");
    }
}
