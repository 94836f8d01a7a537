package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PagesTest {
    @ParameterizedTest
    @CsvSource({
        "/calls?tag=a:b, /calls?tag=a:b",
        "/calls/123, /calls/123",
        "//evil.example.com/x, /dashboard",
        "/\\evil.example.com, /dashboard",
        "https://evil.example.com/, /dashboard",
        "javascript:alert(1), /dashboard",
        "'', /dashboard"
    })
    void afterSignInOnlyALocalPathShouldBeFollowed(String next, String expected) {
        assertThat(Pages.safeNext(Optional.of(next).filter(n -> !n.isEmpty()))).isEqualTo(expected);
    }
}
