package org.switchboard.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The baseline of the HTTP load runs: a bare Helidon SE server on the same Helidon version as Switchboard (it runs on
 * Switchboard's own jar), no filters, no logging, no store. {@code GET /health} answers {@code {"status":"ok"}} and
 * {@code POST /rtbs.json} (or any other POST path) reads the body and answers a small fixed JSON, about the size of a
 * ping's answer. Every HTTP figure of {@code bench/rtb-load.sh} is a ratio to this server, measured in the same run on
 * the same core.
 *
 * <p>{@code java -cp target/switchboard.jar src/bench/java/org/switchboard/bench/BareServer.java PORT} (the source
 * launcher: nothing to build).
 */
public final class BareServer {
    private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = ("{\"status\":\"accepted\",\"uuid\":\"0193a6f2-8c1e-7b3a-9f00-2d4c5e6f7a8b\","
                    + "\"payout\":12.0,\"duration\":90,\"expires_in\":60,\"phone_number\":\"+18005550100\"}")
            .getBytes(StandardCharsets.UTF_8);

    private BareServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18092;
        WebServer server = WebServer.builder()
                .address(InetAddress.getByName("127.0.0.1"))
                .port(port)
                .routing(routing -> routing.get("/health", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "application/json");
                            res.send(HEALTH);
                        })
                        .post("/*", (req, res) -> {
                            req.content().as(String.class);
                            res.header(HeaderNames.CONTENT_TYPE, "application/json");
                            res.send(ANSWER);
                        }))
                .build()
                .start();
        System.out.println("bare server on 127.0.0.1:" + server.port());
    }
}
