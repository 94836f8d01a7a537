package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/** The text log line is the one SimpleFormatter printed with our pattern; the queued handler writes every record. */
class TextLogFormatterTest {
    private static final String PATTERN = "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s - %5$s%6$s%n";

    @Test
    void textLineShouldEqualTheSimpleFormatterLineOfThePattern() {
        // given
        SimpleFormatter simple = simpleFormatter();
        LogRecord access = record(Level.INFO, "GET /postbacks/{key} 401 24 ms request_id=ff90", null);
        LogRecord warning = record(Level.WARNING, "live state unavailable", null);
        LogRecord failed = record(
                Level.SEVERE,
                "request 1234 failed",
                new IllegalStateException("outer", new IllegalArgumentException("inner")));

        // when / then
        TextLogFormatter text = new TextLogFormatter();
        for (LogRecord record : new LogRecord[] {access, warning, failed}) {
            assertThat(text.format(record)).isEqualTo(simple.format(record));
        }
    }

    @Test
    void timeShouldStayExactWhenLinesOfOneSecondShareItsText() {
        // given: records of one second, the next, and the first again (threads log out of order)
        SimpleFormatter simple = simpleFormatter();
        TextLogFormatter text = new TextLogFormatter();
        String[] times = {
            "2026-12-06T10:04:02.078Z",
            "2026-12-06T10:04:02.999Z",
            "2026-12-06T10:04:03.000Z",
            "2026-12-06T10:04:02.001Z",
            "2026-12-06T23:59:59.999Z",
            "2026-12-07T00:00:00.009Z",
            "1969-12-31T23:59:59.500Z"
        };

        // when / then
        for (String time : times) {
            LogRecord record = record(Level.INFO, "at " + time, null);
            record.setInstant(Instant.parse(time));
            assertThat(text.format(record)).isEqualTo(simple.format(record));
        }
    }

    @Test
    void queuedHandlerShouldWriteEveryRecordInOrderByTheTimeItCloses() {
        // given
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        QueuedConsoleHandler handler;
        System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
        try {
            handler = new QueuedConsoleHandler(new TextLogFormatter());
        } finally {
            System.setErr(stderr);
        }

        // when
        int count = QueuedConsoleHandler.CAPACITY * 2; // more than the queue holds: publishers wait for room
        for (int i = 0; i < count; i++) {
            handler.publish(record(Level.INFO, "line " + i, null));
        }
        handler.close();

        // then
        var lines = written.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(count);
        for (int i = 0; i < count; i += 997) {
            assertThat(lines.get(i)).endsWith(" INFO    org.switchboard.access - line " + i);
        }
    }

    /** The JDK's formatter with our pattern. */
    private static SimpleFormatter simpleFormatter() {
        String previous = System.getProperty("java.util.logging.SimpleFormatter.format");
        System.setProperty("java.util.logging.SimpleFormatter.format", PATTERN);
        try {
            return new SimpleFormatter();
        } finally {
            if (previous == null) {
                System.clearProperty("java.util.logging.SimpleFormatter.format");
            } else {
                System.setProperty("java.util.logging.SimpleFormatter.format", previous);
            }
        }
    }

    private static LogRecord record(Level level, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("org.switchboard.access");
        record.setInstant(Instant.parse("2026-12-06T10:04:02.078Z"));
        record.setThrown(thrown);
        return record;
    }
}
