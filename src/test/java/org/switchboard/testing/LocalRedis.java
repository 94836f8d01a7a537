package org.switchboard.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis the tests share: {@code SWITCHBOARD_TEST_REDIS_URL}, or the local one. Tests that need it are skipped when
 * it does not answer, except under {@code CI=true}, where that is a failure (CI starts it).
 */
public final class LocalRedis {
    private static final String URL =
            Optional.ofNullable(System.getenv("SWITCHBOARD_TEST_REDIS_URL")).orElse("redis://127.0.0.1:6379");

    private LocalRedis() {}

    /** The URL, once Redis is known to accept connections (or the test is skipped). */
    public static String url() {
        URI uri = URI.create(URL);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 1_000);
        } catch (IOException e) {
            if (!"true".equals(System.getenv("CI"))) {
                Assumptions.abort("Redis is not reachable at " + uri.getHost() + ":" + uri.getPort()
                        + "; start it to run the Redis tests");
            }
            throw new IllegalStateException("Redis is required in CI but not reachable at " + uri.getHost(), e);
        }
        return URL;
    }
}
