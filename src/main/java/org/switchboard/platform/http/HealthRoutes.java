package org.switchboard.platform.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.util.Map;
import org.switchboard.platform.db.Database;

/**
 * Probes for load balancers and orchestrators: {@code /health} answers while the process serves HTTP (it touches
 * nothing else, so it is also the raw-server baseline of the load benchmarks); {@code /ready} also checks that the
 * SQL store answers, with 503 when it does not.
 */
public final class HealthRoutes {
    private static final byte[] OK = Json.write(Map.of("status", "ok"));

    private final Database database;

    public HealthRoutes(Database database) {
        this.database = database;
    }

    public void register(HttpRules rules) {
        rules.get("/health", (req, res) -> {
            res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json");
            res.send(OK);
        });
        rules.get("/ready", (req, res) -> {
            if (database.isReachable()) {
                Http.ok(
                        res,
                        Map.of("status", "ok", "store", database.engine().name().toLowerCase(java.util.Locale.ROOT)));
            } else {
                Http.send(res, Status.SERVICE_UNAVAILABLE_503, Map.of("status", "unavailable", "store", "unreachable"));
            }
        });
    }
}
