package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.LocalRedis;
import org.switchboard.testing.Response;
import org.switchboard.testing.TestServer;

/**
 * Redis goes away under a running node (a relay in front of the local Redis is cut): pings are refused at once with a
 * clear {@code rejected}, {@code /ready} takes the node out, and data writes, which go to SQL, are still accepted.
 */
class RedisOutageIT {

    @Test
    void aNodeWhoseRedisIsGoneShouldRefusePingsClearlyAndSayItIsNotReady() throws Exception {
        // given: a node whose live state is reached through a relay we can cut
        URI redis = URI.create(LocalRedis.url());
        try (Relay relay = new Relay(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort());
                TestServer server = TestServer.start(
                        Engine.SQLITE,
                        Map.of(
                                "SWITCHBOARD_REDIS_URL", "redis://127.0.0.1:" + relay.port(),
                                "SWITCHBOARD_REDIS_PREFIX", "outage-" + UUID.randomUUID() + ":",
                                "SWITCHBOARD_REDIS_TIMEOUT_MS", "1000"))) {
            RtbSetup s = RtbSetup.create(server.newAccount("Outage"), Engine.SQLITE);
            s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550971\", \"campaign_ids\": [CAMPAIGN]}");
            String key = s.key("{}");
            Response before = s.ping(key, s.pingQuery(RtbSetup.caller()));
            Response readyBefore = server.anonymous().get("/ready");
            Response dataKey = s.api()
                    .post(
                            "/api/v2/publishers/" + s.publisher() + "/postback_keys",
                            "{\"type\": \"call_data_writing\", \"name\": \"Lp\"}");

            // when
            relay.cut();

            // then
            assertThat(before.json().path("status").asText())
                    .as(before.toString())
                    .isEqualTo("reserved");
            assertThat(readyBefore.json().path("live_state").asText()).isEqualTo("redis");
            Await.until(
                    "the node to see Redis gone",
                    () -> server.anonymous().get("/ready").status() == 503);
            assertThat(server.anonymous()
                            .get("/ready")
                            .json()
                            .path("live_state")
                            .asText())
                    .isEqualTo("unreachable");
            Response during = s.ping(key, s.pingQuery(RtbSetup.caller()));
            assertThat(during.status()).as(during.toString()).isEqualTo(503);
            assertThat(during.json().path("status").asText()).isEqualTo("rejected");
            assertThat(during.json().path("info").asText()).contains("live state");
            Response written = server.anonymous()
                    .get("/data_writing?key=" + dataKey.json().path("key").asText()
                            + "&caller_number=%2B13125550999&first_name=Ada");
            assertThat(written.status()).as(written.toString()).isEqualTo(200);
        }
    }

    /** A TCP relay to Redis whose connections, and listening socket, can be cut at once. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listening;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Relay(String host, int port) throws IOException {
            listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!listening.isClosed()) {
                    try {
                        Socket client = listening.accept();
                        Socket upstream = new Socket(host, port);
                        open.add(client);
                        open.add(upstream);
                        pipe(client, upstream);
                        pipe(upstream, client);
                    } catch (IOException e) {
                        return; // cut
                    }
                }
            });
        }

        int port() {
            return listening.getLocalPort();
        }

        private static void pipe(Socket from, Socket to) {
            Thread.ofVirtual().start(() -> {
                try (InputStream in = from.getInputStream();
                        OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // one side went away
                }
            });
        }

        /** Redis is gone: no new connection is accepted and every open one is closed. */
        void cut() throws IOException {
            listening.close();
            for (Socket socket : open) {
                socket.close();
            }
        }

        @Override
        public void close() throws IOException {
            cut();
        }
    }
}
