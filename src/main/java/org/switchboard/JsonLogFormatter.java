package org.switchboard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import org.switchboard.platform.http.AccessLog;

/**
 * {@code SWITCHBOARD_LOG_FORMAT=json}: one JSON object a line, {@code time}, {@code level}, {@code logger},
 * {@code message}, {@code request_id} when the record is about a request (or logged while one is handled), and {@code exception} (the whole stack
 * trace as one string) when it carries one. Written with Jackson, already a dependency, as a java.util.logging
 * formatter; JSON escaping keeps a multi-line message or stack trace inside its line.
 */
public final class JsonLogFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String format(LogRecord record) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("time", record.getInstant().toString());
            json.writeStringField("level", record.getLevel().getName());
            json.writeStringField("logger", record.getLoggerName());
            json.writeStringField("message", formatMessage(record));
            String requestId = AccessLog.requestIdOf(record).orElse(null);
            if (requestId != null) {
                json.writeStringField("request_id", requestId);
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                json.writeStringField("exception", trace.toString().stripTrailing());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return line.append('\n').toString();
    }
}
