package org.switchboard.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.DroppingReceiver;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Receiver;

/** Against a real HTTP server on loopback (allowed explicitly, as an operator would allow a range). */
class OutboundHttpTest {
    private static final int CAP = 64 * 1024;
    private static Receiver receiver;
    private static OutboundHttp http;

    @BeforeAll
    static void start() {
        receiver = new Receiver()
                .on("/ok", Receiver.respond(200, "application/json", "{\"first_name\": \"Jason\"}"))
                .on("/slow", exchange -> {
                    sleep(3_000);
                    Receiver.respond(200, "text/plain", "late").answer(exchange);
                })
                .on("/trickle", exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    for (int i = 0; i < 40; i++) {
                        out.write('x');
                        out.flush();
                        sleep(100);
                    }
                })
                .on("/huge", Receiver.respond(200, "text/plain", "y".repeat(2 * 1024 * 1024)))
                .on("/headers", exchange -> {
                    for (int i = 0; i < 500; i++) {
                        exchange.getResponseHeaders().add("X-Flood-" + i, "v".repeat(100));
                    }
                    exchange.sendResponseHeaders(200, -1);
                })
                .on("/redirect", exchange -> {
                    exchange.getResponseHeaders().set("Location", "http://169.254.169.254/latest/meta-data/");
                    exchange.sendResponseHeaders(302, -1);
                });
        http = new OutboundHttp(AddressPolicy.allowing(List.of("127.0.0.0/8")), CAP, 64, 64, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        http.close();
        receiver.close();
    }

    private static OutboundHttp.Request get(String url, int timeoutMillis) {
        return new OutboundHttp.Request(
                "GET", url, Map.of(), Optional.empty(), Optional.empty(), Duration.ofMillis(timeoutMillis));
    }

    @Test
    void postShouldCarryHeadersAndBodyAndReadTheAnswer() {
        OutboundHttp.Result result = http.send(new OutboundHttp.Request(
                "POST",
                receiver.url("/ok?call=1"),
                Map.of("X-Token", "abc"),
                Optional.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                Optional.of("application/json"),
                Duration.ofSeconds(5)));
        assertThat(result.ok()).isTrue();
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("{\"first_name\": \"Jason\"}");
        Receiver.Received got = receiver.received().stream()
                .filter(r -> r.uri().equals("/ok?call=1"))
                .findFirst()
                .orElseThrow();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.body()).isEqualTo("{\"a\":1}");
        assertThat(got.headers().get("X-token")).containsExactly("abc");
    }

    @Test
    void httpsShouldSetUpTlsAtTheFirstConnectionAndFailAHandshakeWithAPlainServer() throws Exception {
        // given: a server that answers anything in plain HTTP, asked over https (the TLS set-up is made at this use)
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = plain.accept();
                        OutputStream out = socket.getOutputStream()) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the client's side is what the test looks at
                }
            });

            // when
            OutboundHttp.Result result = http.send(get("https://127.0.0.1:" + plain.getLocalPort() + "/", 5_000));

            // then: the handshake fails as an I/O error naming TLS, and no answer is taken for one
            assertThat(result.error()).contains(OutboundHttp.ErrorKind.IO);
            assertThat(result.status()).isEmpty();
            assertThat(result.errorDetail()).containsIgnoringCase("ssl");
        }
    }

    @Test
    void loopbackShouldBeBlockedUnlessAllowed() {
        try (OutboundHttp strict = new OutboundHttp(AddressPolicy.publicOnly(), CAP, 8, 8, Clock.systemUTC())) {
            int before = receiver.received().size();
            OutboundHttp.Result result = strict.send(get(receiver.url("/ok"), 2_000));
            assertThat(result.error()).contains(OutboundHttp.ErrorKind.BLOCKED_ADDRESS);
            assertThat(strict.send(get("http://localhost:" + receiver.url("/").split(":")[2], 2_000))
                            .error())
                    .contains(OutboundHttp.ErrorKind.BLOCKED_ADDRESS);
            assertThat(strict.send(get("http://169.254.169.254/latest/meta-data/", 2_000))
                            .error())
                    .contains(OutboundHttp.ErrorKind.BLOCKED_ADDRESS);
            assertThat(receiver.received()).hasSize(before);
        }
    }

    @Test
    void slowAndTricklingPeersShouldBeCutAtTheDeadline() {
        for (String path : List.of("/slow", "/trickle")) {
            long started = System.nanoTime();
            OutboundHttp.Result result = http.send(get(receiver.url(path), 500));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(result.error()).as(path).contains(OutboundHttp.ErrorKind.TIMEOUT);
            assertThat(tookMillis).as(path).isLessThan(1_500);
        }
    }

    @Test
    void aFloodOfResponseHeadersShouldBeRefusedNotBuffered() {
        OutboundHttp.Result result = http.send(get(receiver.url("/headers"), 5_000));
        assertThat(result.error()).contains(OutboundHttp.ErrorKind.IO);
        assertThat(result.status()).isEmpty();
    }

    @Test
    void aReceiverThatDropsEveryRequestShouldGetItOnceNotAgain() {
        // given: a receiver that takes a POST and closes without answering, on a new connection
        try (DroppingReceiver broken = new DroppingReceiver(DroppingReceiver.Drop.ON_EVERY_REQUEST, "{}")) {
            // when
            OutboundHttp.Result result = http.send(new OutboundHttp.Request(
                    "POST",
                    broken.url("/lead"),
                    Map.of(),
                    Optional.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                    Optional.of("application/json"),
                    Duration.ofSeconds(2)));

            // then: only a request lost to a reused connection is sent again
            assertThat(result.error()).contains(OutboundHttp.ErrorKind.IO);
            assertThat(broken.dropped()).isEqualTo(1);
            assertThat(broken.connections()).isEqualTo(1);
        }
    }

    @Test
    void oversizedBodiesShouldBeCapped() {
        OutboundHttp.Result result = http.send(get(receiver.url("/huge"), 5_000));
        assertThat(result.error()).contains(OutboundHttp.ErrorKind.TOO_LARGE);
        assertThat(result.body()).hasSize(CAP);
        assertThat(result.status()).contains(200);
    }

    @Test
    void refusedUnknownAndRedirectingPeersShouldBeReportedNotFollowed() throws Exception {
        int closedPort = ProcessStore.freePort(); // nothing listens there once it is found
        assertThat(http.send(get("http://127.0.0.1:" + closedPort + "/", 2_000)).error())
                .contains(OutboundHttp.ErrorKind.CONNECTION_REFUSED);
        assertThat(http.send(get("http://no-such-host.invalid/", 2_000)).error())
                .contains(OutboundHttp.ErrorKind.DNS);
        assertThat(http.send(get("ftp://example.com/", 2_000)).error()).contains(OutboundHttp.ErrorKind.INVALID_URL);
        OutboundHttp.Result redirect = http.send(get(receiver.url("/redirect"), 2_000));
        assertThat(redirect.status()).contains(302);
        assertThat(redirect.ok()).isFalse();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
