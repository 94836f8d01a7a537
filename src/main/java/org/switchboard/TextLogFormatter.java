package org.switchboard;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import org.switchboard.platform.http.AccessLog;

/**
 * The text log line, {@code 2026-12-06T10:04:02.078Z INFO    org.switchboard.access - message}, then the stack trace
 * of a record that carries one: the layout {@code SimpleFormatter} printed with the pattern
 * {@code %1$tFT%1$tT.%1$tLZ %4$-7s %3$s - %5$s%6$s%n}, without its {@code String.format} and without asking the record
 * for its source (which walks the stack); with {@code request_id=...} after the message of a record logged while a
 * request is handled, so every line about a request can be found by its id (the access line quotes it already).
 */
public final class TextLogFormatter extends Formatter {
    /** The time up to its second; the milliseconds and the {@code Z} are appended to it. */
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.");

    private final ZoneId zone = ZoneId.systemDefault();
    /**
     * The last second formatted: every line of the same second shares its text, so a busy log (an access line per
     * request) formats a date once a second instead of once a line. Replaced whole, so a thread that reads it while
     * another replaces it sees one second or the other, each with its own text.
     */
    private volatile Second last = new Second(Long.MIN_VALUE, "");

    private record Second(long epochSecond, String text) {}

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        appendTime(record.getInstant(), line);
        line.append(' ');
        String level = record.getLevel().getLocalizedName();
        line.append(level);
        for (int i = level.length(); i < 7; i++) {
            line.append(' ');
        }
        line.append(' ').append(record.getLoggerName()).append(" - ").append(formatMessage(record));
        if (!(record instanceof AccessLog.RequestRecord)) {
            AccessLog.requestIdOf(record)
                    .ifPresent(id -> line.append(" request_id=").append(id));
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter printer = new PrintWriter(trace)) {
                printer.println();
                record.getThrown().printStackTrace(printer);
            }
            line.append(trace);
        }
        return line.append(System.lineSeparator()).toString();
    }

    /**
     * {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in the system's zone. The seconds' text is reused: a zone's offset changes
     * only on a whole second, so the milliseconds never change the rest.
     */
    private void appendTime(Instant at, StringBuilder line) {
        long epochSecond = at.getEpochSecond();
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            StringBuilder text = new StringBuilder(24);
            SECOND.formatTo(Instant.ofEpochSecond(epochSecond).atZone(zone), text);
            second = new Second(epochSecond, text.toString());
            last = second;
        }
        int millis = at.getNano() / 1_000_000;
        line.append(second.text())
                .append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10))
                .append('Z');
    }
}
