package org.switchboard;

import java.io.PrintWriter;
import java.io.StringWriter;
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
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(record.getInstant().atZone(zone), line);
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
}
