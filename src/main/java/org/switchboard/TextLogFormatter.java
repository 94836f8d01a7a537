package org.switchboard;

import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.switchboard.platform.http.AccessLog;

/**
 * The text log format: {@link SimpleFormatter}'s line, with {@code request_id=...} after the message of a record
 * logged while a request is handled, so every line about a request can be found by its id (the access line and an
 * unexpected error's line quote it already).
 */
public final class TextLogFormatter extends SimpleFormatter {
    @Override
    public String formatMessage(LogRecord record) {
        String message = super.formatMessage(record);
        if (record instanceof AccessLog.RequestRecord) {
            return message;
        }
        return AccessLog.requestIdOf(record)
                .map(id -> message + " request_id=" + id)
                .orElse(message);
    }
}
