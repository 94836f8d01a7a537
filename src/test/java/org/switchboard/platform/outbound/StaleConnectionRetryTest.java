package org.switchboard.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.impl.BasicEndpointDetails;
import org.apache.hc.core5.http.impl.BasicHttpConnectionMetrics;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StaleConnectionRetryTest {
    private static final HttpHost RECEIVER = new HttpHost("http", "127.0.0.1", 8080);
    private final List<HttpHost> reported = new ArrayList<>();
    private final StaleConnectionRetry retry = new StaleConnectionRetry(reported::add);

    /** A context as the client leaves it after an attempt on a connection that had given this many answers. */
    private static HttpClientContext afterAttemptOn(long earlierAnswers) {
        BasicHttpConnectionMetrics metrics = new BasicHttpConnectionMetrics(null, null);
        for (long i = 0; i < earlierAnswers; i++) {
            metrics.incrementRequestCount();
            metrics.incrementResponseCount();
        }
        metrics.incrementRequestCount();
        HttpClientContext context = HttpClientContext.create();
        context.setRoute(new HttpRoute(RECEIVER));
        context.setEndpointDetails(new BasicEndpointDetails(
                new InetSocketAddress("127.0.0.1", 8080),
                new InetSocketAddress("127.0.0.1", 50000),
                metrics,
                Timeout.ofSeconds(5)));
        return context;
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("no answer on a reused connection", new NoHttpResponseException("x"), 1L, 1, true),
                Arguments.of("reset on a reused connection", new SocketException("Connection reset"), 1L, 1, true),
                Arguments.of("broken pipe on a reused connection", new SocketException("Broken pipe"), 3L, 1, true),
                Arguments.of(
                        "TLS reset on a reused connection",
                        new SSLException("closed", new SocketException("Connection reset")),
                        1L,
                        1,
                        true),
                Arguments.of("no answer on a new connection", new NoHttpResponseException("x"), 0L, 1, false),
                Arguments.of("reset on a new connection", new SocketException("Connection reset"), 0L, 1, false),
                Arguments.of("the retry failing too", new NoHttpResponseException("x"), 1L, 2, false),
                Arguments.of("a timeout on a reused connection", new SocketTimeoutException("x"), 1L, 1, false),
                Arguments.of("refused", new ConnectException("refused"), -1L, 1, false),
                Arguments.of("another I/O failure", new IOException("x"), 1L, 1, false));
    }

    @ParameterizedTest(name = "{0}: retried {4}")
    @MethodSource("failures")
    void onlyARequestTheReceiverNeverTookShouldBeSentAgainOnce(
            String what, IOException failure, long earlierAnswers, int attempt, boolean retried) {
        // given: -1 earlier answers stands for no connection at all
        HttpClientContext context = earlierAnswers < 0 ? HttpClientContext.create() : afterAttemptOn(earlierAnswers);

        // when
        boolean again = retry.retryRequest(new BasicHttpRequest("POST", "/lead"), failure, attempt, context);

        // then: and the host is reported, so its connections are checked before the retry takes one
        assertThat(again).as(what).isEqualTo(retried);
        assertThat(reported).isEqualTo(retried ? List.of(RECEIVER) : List.of());
    }

    @Test
    void anAnswerShouldNeverBeRetriedWhateverItsStatus() {
        for (int status : new int[] {200, 429, 500, 503}) {
            assertThat(retry.retryRequest(new BasicHttpResponse(status), 1, afterAttemptOn(1)))
                    .isFalse();
        }
    }
}
