package org.switchboard.platform.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.live.LiveState;

/**
 * Probes for load balancers and orchestrators: {@code /health} answers while the process serves HTTP (it touches
 * nothing else, so it is also the raw-server baseline of the load benchmarks); {@code /ready} also checks that the
 * SQL store and the live state (Redis, when several nodes share it) answer, with 503 when either does not, so a load
 * balancer takes the node out. While the start is not finished ({@link #started}: on a first start the server answers
 * before the first account and its API key exist), {@code /ready} answers 503 with the status {@code starting}, so a
 * client that waits for it can use the key it was given.
 */
public final class HealthRoutes {
    private static final byte[] OK = Json.write(Map.of("status", "ok"));

    private final Database database;
    private final LiveState live;
    private volatile boolean started;

    public HealthRoutes(Database database, LiveState live) {
        this.database = database;
        this.live = live;
    }

    /** The start is finished: the first account and the demo data, on a first start, exist. */
    public void started() {
        started = true;
    }

    public void register(HttpRules rules) {
        rules.get("/health", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(OK);
        });
        rules.get("/ready", (req, res) -> {
            boolean store = database.isReachable();
            boolean liveState = live.reachable();
            boolean ready = started && store && liveState;
            Map<String, String> body = new LinkedHashMap<>();
            body.put("status", ready ? "ok" : started ? "unavailable" : "starting");
            body.put("store", store ? database.engine().name().toLowerCase(Locale.ROOT) : "unreachable");
            body.put("live_state", liveState ? live.engine() : "unreachable");
            Http.send(res, ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
        });
    }
}
