package org.switchboard.platform.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.switchboard.platform.problem.Problem;

/**
 * {@code GET /metrics}: the Prometheus text format. With a token set, a scraper must send
 * {@code Authorization: Bearer <token>} (compared in constant time); otherwise a 401 in the project's error shape.
 */
public final class MetricsRoutes {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;
    private final Optional<byte[]> token;

    public MetricsRoutes(Metrics metrics, Optional<String> token) {
        this.metrics = metrics;
        this.token = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    }

    public void register(HttpRules rules) {
        rules.get("/metrics", (req, res) -> {
            token.ifPresent(expected -> {
                byte[] presented = req.headers()
                        .first(HeaderNames.AUTHORIZATION)
                        .orElse("")
                        .getBytes(StandardCharsets.UTF_8);
                if (!MessageDigest.isEqual(expected, presented)) {
                    throw new Problem.Unauthorized("send the metrics token as Authorization: Bearer <token>");
                }
            });
            res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
        });
    }
}
