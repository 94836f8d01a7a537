package org.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Test servers bind port 0, so the listener itself takes a free port (no other process can take it between a choice
 * and the bind, as when a test picked a free port first), and the public URL partners are given follows the port it
 * got: the URL the carriers' signatures cover and the key URLs are the address the tests reach.
 */
class TestServerPortIT {
    @Test
    void serversOnPortZeroShouldGetTheirOwnPortsAndPublishTheirOwnAddresses() {
        // given: two servers started side by side on port 0
        try (TestServer one = TestServer.start(Engine.SQLITE);
                TestServer two = TestServer.start(Engine.SQLITE)) {
            // then: each listens on a port of its own and names it as its public URL
            assertThat(one.wiring().port())
                    .isPositive()
                    .isNotEqualTo(two.wiring().port());
            for (TestServer server : new TestServer[] {one, two}) {
                assertThat(publicUrl(server)).isEqualTo(server.base());
            }

            // when: one restarts, as a process restarting on the port it has
            String before = one.base();
            one.restart();

            // then: it is back on the same address, which its public URL still names
            assertThat(one.base()).isEqualTo(before);
            assertThat(publicUrl(one)).isEqualTo(before);
        }
    }

    /** The server the API document lists: the public API URL as the server resolved it. */
    private static String publicUrl(TestServer server) {
        Response document = server.anonymous().get("/openapi.json");
        assertThat(document.status()).as(document.toString()).isEqualTo(200);
        return document.json().path("servers").path(0).path("url").asText();
    }
}
