package org.switchboard.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.switchboard.JsonLogFormatter;
import org.switchboard.TextLogFormatter;

/**
 * Every record the in-process server logs while this is open, formatted as a log line would be (stack traces
 * included), in the text and in the JSON format. The server and the test share one JVM, so this sees the server's log and Helidon's.
 */
public final class ServerLog implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> jsonLines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler capture;

    private ServerLog() {
        // the server's own formatters, run as its handler runs them: on the thread that logs
        TextLogFormatter formatter = new TextLogFormatter();
        JsonLogFormatter json = new JsonLogFormatter();
        this.capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(formatter.format(record));
                jsonLines.add(json.format(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    public static ServerLog capture() {
        return new ServerLog();
    }

    /** The lines logged so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines logged so far, as {@code SWITCHBOARD_LOG_FORMAT=json} writes them. */
    public List<String> jsonLines() {
        return List.copyOf(jsonLines);
    }

    /** The lines logged so far that carry a stack trace or an exception's name. */
    public List<String> stackTraces() {
        return lines.stream()
                .filter(line -> line.contains("Exception") || line.contains("\tat ") || line.contains("\n\tat"))
                .toList();
    }

    @Override
    public void close() {
        root.removeHandler(capture);
    }
}
