package org.switchboard.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every record the in-process server logs while this is open, formatted as a log line would be (stack traces
 * included). The server and the test share one JVM, so this sees the server's log and Helidon's.
 */
public final class ServerLog implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler capture;

    private ServerLog() {
        SimpleFormatter formatter = new SimpleFormatter();
        this.capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(formatter.format(record));
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
