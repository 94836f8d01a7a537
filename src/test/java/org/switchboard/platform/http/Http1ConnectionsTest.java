package org.switchboard.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.WritableHeaders;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Http1ConnectionsTest {
    /** {@code Connection} header values as clients and Helidon send them, one list per header. */
    static Stream<Arguments> connectionHeaders() {
        return Stream.of(
                Arguments.of(List.of()),
                Arguments.of(List.of("close")),
                Arguments.of(List.of("Close")),
                Arguments.of(List.of(" close ")),
                Arguments.of(List.of("keep-alive")),
                Arguments.of(List.of("Keep-Alive")),
                Arguments.of(List.of("")),
                Arguments.of(List.of("closed")),
                Arguments.of(List.of("upgrade, close")),
                Arguments.of(List.of("keep-alive,Upgrade")),
                Arguments.of(List.of("\"close\"")),
                Arguments.of(List.of("upgrade", "close")),
                Arguments.of(List.of("keep-alive", "upgrade")));
    }

    @ParameterizedTest
    @MethodSource("connectionHeaders")
    void hasTokenShouldAnswerAsHelidonsContainsToken(List<String> values) {
        // given
        WritableHeaders<?> headers = WritableHeaders.create();
        if (!values.isEmpty()) {
            headers.set(HeaderValues.create(HeaderNames.CONNECTION, values.toArray(String[]::new)));
        }

        // when / then
        for (Header token : List.of(HeaderValues.CONNECTION_CLOSE, HeaderValues.CONNECTION_KEEP_ALIVE)) {
            assertThat(Http1Connections.hasToken(headers, token))
                    .as("%s in %s", token.get(), values)
                    .isEqualTo(headers.containsToken(token));
        }
    }
}
