package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.ServerLog;

/** Bad input anywhere gets a 4xx with the JSON error shape, never a 500 or a stack trace. */
class HttpErrorsIT extends ServerIT {

    @Test
    void unknownRoutesAndIdsShouldBeJson404s() {
        Api api = newAccount();
        assertNotFound(server.anonymous().get("/no/such/thing"));
        assertNotFound(api.get("/api/v2/campaigns/abc"));
        assertNotFound(api.get("/api/v2/campaigns/-1"));
        assertNotFound(api.get("/api/v2/campaigns/99999999999999999999999"));
        assertNotFound(api.get("/api/v2/buyers/0/caller_lists"));
    }

    @Test
    void malformedBodiesShouldBe400s() {
        Api api = newAccount();
        for (String body : new String[] {
            "",
            "null",
            "\"text\"",
            "{\"name\": \"x\"} trailing",
            "{\"name\": \"x\"",
            "{\"name\": \"\\u0000\"}",
            "{" + "\"a\":{".repeat(200) + "}"
        }) {
            Response response = api.post("/api/v2/campaigns", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("invalid");
        }
    }

    @Test
    void oversizedBodiesShouldBe413WithTheJsonShape() throws IOException {
        // given: a request announcing a 2 MiB body (over the 1 MiB default). The body is not sent: a server may
        // answer and close as soon as it sees the length, and a client still writing would then see a reset.
        Api api = newAccount();
        String head = "POST /api/v2/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.key()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (2 * 1024 * 1024) + "\r\n\r\n";

        // when
        String reply;
        try (Socket socket = new Socket("127.0.0.1", server.wiring().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }

        // then
        assertThat(reply).startsWith("HTTP/1.1 413");
        assertThat(reply).contains("\"code\":\"too_large\"");
    }

    @Test
    void garbageOnTheWireShouldBeA400() throws IOException {
        String reply;
        try (Socket socket = new Socket("127.0.0.1", server.wiring().port())) {
            OutputStream out = socket.getOutputStream();
            out.write("NOT-HTTP \u0001\u0002 garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            reply = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
        }
        assertThat(reply).startsWith("HTTP/1.1 4");
    }

    @Test
    void anUnexpectedErrorShouldBeLoggedOnceWithTheRequestIdItsAnswerQuotes() {
        // given: a stored key whose options no longer read as JSON (a store changed behind the server's back)
        Api api = newAccount();
        long key = api.post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"Data\"}")
                .id();
        server.wiring()
                .database()
                .jdbi()
                .useHandle(
                        handle -> handle.createUpdate("UPDATE postback_keys SET options = '{not json' WHERE id = :id")
                                .bind("id", key)
                                .execute());

        try (ServerLog log = ServerLog.capture()) {
            // when
            Response response = api.get("/api/v2/postback_keys/" + key);

            // then: a generic 500 quoting a request id, and one log record (with the cause) naming it
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.errorCode()).isEqualTo("internal");
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("request id ([0-9a-f-]{36})")
                    .matcher(response.body());
            assertThat(id.find()).as(response.body()).isTrue();
            // (the access log's line quotes it too, as request_id=...)
            assertThat(log.lines())
                    .filteredOn(line -> line.contains("request " + id.group(1)))
                    .hasSize(1);
            assertThat(response.header("X-Request-Id")).isEqualTo(id.group(1));
            assertThat(log.lines()).filteredOn(line -> line.contains("\tat ")).hasSize(1);
            assertThat(response.body()).doesNotContain("Exception");
        }
    }

    private static void assertNotFound(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(404);
        assertThat(response.errorCode()).isEqualTo("not_found");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
    }
}
