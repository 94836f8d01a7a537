package org.switchboard.platform.csv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;

/**
 * CSV lines for exports (RFC 4180 through Commons CSV: quoted where needed, CRLF). A text field that a spreadsheet
 * would run as a formula ({@code =}, {@code +}, {@code -}, {@code @} first) gets a quote mark in front; a number,
 * negative or with decimals ({@code -2.5}), is written as it is.
 */
public final class CsvLines {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180;
    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d+)?");

    private CsvLines() {}

    /** One line ending in CRLF; a null field is empty. */
    public static String line(List<String> fields) {
        StringBuilder line = new StringBuilder();
        try {
            FORMAT.printRecord(line, fields.stream().map(CsvLines::defused).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return line.toString();
    }

    private static String defused(String field) {
        if (field == null || field.isEmpty()) {
            return "";
        }
        boolean formula = "=+-@".indexOf(field.charAt(0)) >= 0;
        return formula && !NUMBER.matcher(field).matches() ? "'" + field : field;
    }
}
