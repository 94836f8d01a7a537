package org.switchboard.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpErrorsTest {

    @Test
    void keysInThePathShouldBeRedactedFromLoggedPaths() {
        // when / then
        assertThat(HttpErrors.redactPathKeys("/data_writing/3f0c2a9e-1b7d-4c5e-9f00-aa11bb22cc33"))
                .isEqualTo("/data_writing/[redacted]");
        assertThat(HttpErrors.redactPathKeys("/postbacks/3f0c2a9e-1b7d-4c5e-9f00-aa11bb22cc33"))
                .isEqualTo("/postbacks/[redacted]");
        assertThat(HttpErrors.redactPathKeys("/api/v2/campaigns/7")).isEqualTo("/api/v2/campaigns/7");
    }
}
