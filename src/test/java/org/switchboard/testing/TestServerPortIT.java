package org.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Test servers pick a free port before they bind it; another process can take it in between. */
class TestServerPortIT {
    @Test
    void aPortTakenBeforeTheBindShouldBeRecognisedSoTheServerMovesToAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // given a port held by someone else, named explicitly (so no retry hides the failure)
            Map<String, String> env = Map.of("SWITCHBOARD_PORT", Integer.toString(taken.getLocalPort()));
            // when
            Throwable failure =
                    catchThrowable(() -> TestServer.start(Engine.SQLITE, env).close());
            // then: the failure is one the retry on a free port recognises
            assertThat(failure).isNotNull();
            assertThat(TestServer.portTaken(failure)).as(failure.toString()).isTrue();
        }
        // and a server whose port is chosen for it starts
        try (TestServer server = TestServer.start(Engine.SQLITE)) {
            assertThat(server.base()).startsWith("http://127.0.0.1:");
        }
    }
}
