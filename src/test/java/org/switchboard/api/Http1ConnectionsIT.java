package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Engine;
import org.switchboard.testing.ServerLog;
import org.switchboard.testing.TestServer;

/**
 * The HTTP layer under raw sockets: malformed request lines, HTTP/1.0, HEAD and slow request heads. Only the HTTP
 * layer is under test, so one engine is enough.
 */
class Http1ConnectionsIT {
    /** The shortest head timeout the settings allow, so slow heads are closed quickly. */
    private static final int HEAD_TIMEOUT_SECONDS = 3;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Engine.SQLITE,
                Map.of("SWITCHBOARD_REQUEST_HEAD_TIMEOUT_SECONDS", Integer.toString(HEAD_TIMEOUT_SECONDS)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aMethodWithAControlCharacterShouldBeA400WithNoStackTraceInTheLog() throws IOException {
        try (ServerLog log = ServerLog.capture()) {
            // when: as the first request of a connection, and after a good one on a kept-alive connection
            String first = exchange("G\u0001T /health HTTP/1.1\r\nHost: x\r\n\r\n");
            String second = exchange(
                    "GET /health HTTP/1.1\r\nHost: x\r\n\r\n" + "PO\u007fST /health HTTP/1.1\r\nHost: x\r\n\r\n");

            // then
            assertThat(first)
                    .startsWith("HTTP/1.1 400")
                    .contains("\"code\":\"invalid\"")
                    .contains("method");
            assertThat(second).startsWith("HTTP/1.1 200").contains("HTTP/1.1 400");
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    @Test
    void http10RequestsShouldBeServedAndClosedAfterTheAnswer() throws IOException {
        // when
        String reply = exchange("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");

        // then: answered, and the connection closed by the server (exchange reads to the end of the stream)
        assertThat(reply)
                .startsWith("HTTP/1.1 200")
                .contains("Connection: close")
                .endsWith("{\"status\":\"ok\"}");
    }

    @Test
    void http10RequestsAskingForKeepAliveShouldKeepTheConnection() throws IOException {
        String reply = exchange("GET /health HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
                + "GET /ready HTTP/1.0\r\nHost: x\r\n\r\n");

        assertThat(reply).startsWith("HTTP/1.1 200").contains("\"store\":\"sqlite\"");
    }

    @Test
    void headShouldAnswerAsGetWithoutABodyOnEveryRoute() throws IOException {
        String get = exchange("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String getBody = get.substring(get.indexOf("\r\n\r\n") + 4);

        // when: HEAD on a public route, an admin route without credentials and an unknown path, then a GET on the same
        // connection (a stray body would be read as the start of its answer)
        String reply = exchange("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
                + "HEAD /api/v2/campaigns HTTP/1.1\r\nHost: x\r\n\r\n"
                + "HEAD /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        // then
        String[] answers = reply.split("(?=HTTP/1.1 )");
        assertThat(answers).hasSize(4);
        assertThat(answers[0])
                .startsWith("HTTP/1.1 200")
                .contains("Content-Length: " + getBody.length())
                .endsWith("\r\n\r\n");
        assertThat(answers[1]).startsWith("HTTP/1.1 401").endsWith("\r\n\r\n");
        assertThat(answers[2]).startsWith("HTTP/1.1 404").endsWith("\r\n\r\n");
        assertThat(answers[3]).startsWith("HTTP/1.1 200").endsWith(getBody);
    }

    @Test
    void headOfAStreamedAnswerShouldAnnounceItsLengthAndSendNoBody() throws IOException {
        // given: the call export, which streams its CSV
        String auth = "Authorization: Bearer " + server.newAccount("Head").key() + "\r\n";
        String get = exchange("GET /api/v2/calls.csv HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n");
        String getBody = get.substring(get.indexOf("\r\n\r\n") + 4);

        // when
        String head = exchange("HEAD /api/v2/calls.csv HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n");

        // then
        assertThat(get).startsWith("HTTP/1.1 200");
        assertThat(getBody).isNotEmpty();
        assertThat(head)
                .startsWith("HTTP/1.1 200")
                .contains("Content-Length: " + getBody.getBytes(StandardCharsets.ISO_8859_1).length)
                .endsWith("\r\n\r\n");
    }

    @Test
    void aHalfSentRequestLineShouldBeClosedWithinTheHeadTimeout() throws IOException {
        assertClosedWithinTheHeadTimeout("GET /hea");
    }

    @Test
    void halfSentHeadersShouldBeClosedWithinTheHeadTimeout() throws IOException {
        assertClosedWithinTheHeadTimeout("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    }

    @Test
    void aConnectionSendingNothingShouldBeClosedWithinTheHeadTimeout() throws IOException {
        assertClosedWithinTheHeadTimeout("");
    }

    private static void assertClosedWithinTheHeadTimeout(String partial) throws IOException {
        try (ServerLog log = ServerLog.capture();
                Socket socket = new Socket("127.0.0.1", server.wiring().port())) {
            // the bound: the timeout, the sweep and the one-second granularity of Helidon's idle clock
            socket.setSoTimeout((HEAD_TIMEOUT_SECONDS + 4) * 1_000);
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            long start = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the half-sent request was still open after " + socket.getSoTimeout() + " ms");
            }
            assertThat(read).as("end of stream").isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(HEAD_TIMEOUT_SECONDS * 500L);
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    /**
     * Sends {@code request} as it is and reads the answer until the server closes the connection, which it must do
     * after an answer saying {@code Connection: close}, well within the head timeout that would close it otherwise.
     */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.wiring().port())) {
            socket.setSoTimeout(HEAD_TIMEOUT_SECONDS * 1_000 / 2);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            in.transferTo(reply);
            return reply.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
