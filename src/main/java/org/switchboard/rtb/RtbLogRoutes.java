package org.switchboard.rtb;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;

/**
 * The RTB log for the account owner (never the publisher: it names buyers and why they were passed over), with the
 * account's API key:
 * <ul>
 *   <li>{@code GET /api/v2/rtb_pings}: pings newest first, filtered by {@code key_id}, {@code publisher_id},
 *       {@code status} (the answer or the final status), {@code caller_number}, {@code from}, {@code to} (instants
 *       or dates); paged like every list;
 *   <li>{@code GET /api/v2/rtb_pings/{uuid}} and {@code GET /call_reservations/{uuid}} (the reference's page for a
 *       ping's UUID): one ping; another account's UUID is a 404 like an unknown one;
 *   <li>{@code GET /api/v2/rtb_dashboard?minutes=15}: counts by status per key and per publisher (1 to 1440 minutes).
 * </ul>
 */
public final class RtbLogRoutes {
    private final RtbLog log;
    private final Function<ServerRequest, AccountId> auth;
    private final Clock clock;
    private final java.util.function.BiPredicate<AccountId, String> processing;

    /** {@code processing}: whether a ping of the account is being processed now (not in the log yet). */
    public RtbLogRoutes(
            RtbLog log,
            Function<ServerRequest, AccountId> auth,
            Clock clock,
            java.util.function.BiPredicate<AccountId, String> processing) {
        this.log = log;
        this.auth = auth;
        this.clock = clock;
        this.processing = processing;
    }

    public void register(HttpRules rules) {
        rules.get("/api/v2/rtb_pings", (req, res) -> {
            AccountId account = auth.apply(req);
            PageRequest page = Http.pageRequest(req);
            RtbLog.Filter filter = RtbLog.Filter.parse(name -> Http.query(req, name));
            Http.page(req, res, page, log.list(account, filter, page));
        });
        rules.get("/api/v2/rtb_pings/{uuid}", this::one);
        rules.get("/call_reservations/{uuid}", this::one);
        rules.get("/api/v2/rtb_dashboard", (req, res) -> {
            AccountId account = auth.apply(req);
            int minutes = Http.intQuery(req, "minutes", 15, 1, 1_440);
            Http.ok(res, log.dashboard(account, clock.instant().minus(Duration.ofMinutes(minutes))));
        });
    }

    private void one(ServerRequest req, ServerResponse res) {
        AccountId account = auth.apply(req);
        String uuid = req.path().pathParameters().get("uuid");
        var found = log.find(account, uuid);
        if (found.isEmpty() && processing.test(account, uuid)) {
            // still deciding: the reference's word for a ping whose buyers are being considered
            Http.ok(res, RtbOut.status(uuid, RtbStatus.CONSIDERING_TARGETS_SINGLE, "the ping is being processed"));
            return;
        }
        Http.ok(res, found.orElseThrow(() -> new Problem.NotFound("no RTB ping with uuid " + uuid)));
    }
}
