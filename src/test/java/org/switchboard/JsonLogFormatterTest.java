package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.AccessLog;

/** SWITCHBOARD_LOG_FORMAT=json: one JSON object a line, a stack trace included. */
class JsonLogFormatterTest {
    private final JsonLogFormatter formatter = new JsonLogFormatter();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void eachRecordShouldBeOneJsonObjectOnOneLine() throws Exception {
        // given
        LogRecord started = new LogRecord(Level.INFO, "Switchboard listening on http://127.0.0.1:8080");
        started.setLoggerName("org.switchboard.Main");
        started.setInstant(Instant.parse("2026-12-06T10:00:00.123Z"));
        LogRecord failed = new LogRecord(Level.SEVERE, "request 1234 GET /postbacks/[redacted] failed\nsecond line");
        failed.setLoggerName("org.switchboard.platform.http.HttpErrors");
        failed.setThrown(new IllegalStateException("outer", new IllegalArgumentException("inner")));

        // when
        String written = formatter.format(started) + formatter.format(failed);

        // then
        List<String> lines = written.lines().toList();
        assertThat(written).endsWith("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = mapper.readTree(lines.get(0));
        assertThat(first.get("time").asText()).isEqualTo("2026-12-06T10:00:00.123Z");
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("org.switchboard.Main");
        assertThat(first.get("message").asText()).isEqualTo("Switchboard listening on http://127.0.0.1:8080");
        assertThat(first.has("request_id")).isFalse();
        assertThat(first.has("exception")).isFalse();
        JsonNode second = mapper.readTree(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("SEVERE");
        assertThat(second.get("message").asText()).endsWith("failed\nsecond line");
        assertThat(second.get("exception").asText())
                .startsWith("java.lang.IllegalStateException: outer\n\tat ")
                .contains("Caused by: java.lang.IllegalArgumentException: inner");
    }

    @Test
    void aRecordAboutARequestShouldCarryItsId() throws Exception {
        // given
        AccessLog.RequestId id = new AccessLog.RequestId("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        LogRecord access = AccessLog.line("GET", java.util.Optional.of("/api/v2/calls/{uuid}"), "/x", 200, 3, id);

        // when
        JsonNode line = mapper.readTree(formatter.format(access));

        // then
        assertThat(line.get("request_id").asText()).isEqualTo(id.value());
        assertThat(line.get("logger").asText()).isEqualTo("org.switchboard.access");
        assertThat(line.get("message").asText())
                .isEqualTo("GET /api/v2/calls/{uuid} 200 3 ms request_id=" + id.value());
    }
}
