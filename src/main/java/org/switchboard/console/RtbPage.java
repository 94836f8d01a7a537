package org.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.rtb.RtbDashboardOut;
import org.switchboard.rtb.RtbLog;
import org.switchboard.rtb.RtbPingOut;
import org.switchboard.rtb.RtbStatus;

/**
 * The RTB log: {@code /rtb_pings} lists the pings with the API's filters under a Realtime view of the last minutes
 * (counts per status, key and publisher, refreshing itself through {@code /rtb_pings/realtime}); the reservation page
 * {@code /call_reservations/<uuid>} shows one ping as the RTB document describes it. That URL is also the owner's
 * JSON lookup: only a browser asking for HTML gets the page, every other client the JSON answer as before.
 */
public final class RtbPage {
    static final List<String> FILTERS = List.of("key_id", "publisher_id", "status", "caller_number", "from", "to");

    public record Row(
            String uuid,
            String at,
            String keyName,
            String publisher,
            String caller,
            String status,
            String finalStatus,
            String payout,
            String callUuid) {}

    public record View(
            Frame frame,
            Names names,
            List<String> statuses,
            Map<String, String> filters,
            Map<String, String> fieldToError,
            List<Row> rows,
            long total,
            int page,
            int perPage,
            String query,
            Realtime realtime) {
        public boolean hasNext() {
            return (long) page * perPage < total;
        }
    }

    public record Realtime(RtbDashboardOut counts, Names names, long minutes) {}

    public record Considered(String buyer, boolean chosen, String status, String reason) {}

    public record Passthrough(String name, String status, String elapsed, String responseTags) {}

    public record ReservationView(
            Frame frame,
            RtbPingOut ping,
            String publisher,
            String campaign,
            String buyer,
            String params,
            List<String> tags,
            List<Passthrough> passthrough,
            List<Considered> considered) {}

    private final Pages pages;
    private final RtbLog log;
    private final Names.Sources names;
    private final Clock clock;

    public RtbPage(Pages pages, RtbLog log, Names.Sources names, Clock clock) {
        this.pages = pages;
        this.log = log;
        this.names = names;
        this.clock = clock;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/rtb_pings", this::list);
        pages.get(
                rules,
                "/rtb_pings/realtime",
                (req, res, who) -> pages.render(res, "rtb_realtime.jte", realtime(who, names.of(who.account()))));
        rules.get("/call_reservations/{uuid}", this::reservationPage);
    }

    /** The RTB log: a filtered page of pings, with the realtime counts above it. */
    private void list(ServerRequest req, ServerResponse res, SignedIn who) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : FILTERS) {
            Http.query(req, name).ifPresent(value -> filters.put(name, value));
        }
        Names known = names.of(who.account());
        Map<String, String> errors = new LinkedHashMap<>();
        List<Row> rows = List.of();
        long total = 0;
        PageRequest page = new PageRequest(1, PageRequest.DEFAULT_PER_PAGE);
        try {
            page = Http.pageRequest(req);
            RtbLog.Filter filter = RtbLog.Filter.parse(name -> Optional.ofNullable(filters.get(name)));
            Page<RtbPingOut> listed = log.list(who.account(), filter, page);
            rows = listed.items().stream().map(p -> row(p, known)).toList();
            total = listed.total();
        } catch (Problem.Invalid e) {
            errors.put(e.field().orElse("page"), e.getMessage());
        }
        pages.render(
                res,
                errors.isEmpty() ? Status.OK_200 : Status.BAD_REQUEST_400,
                "rtb_pings.jte",
                new View(
                        pages.frame("RTB log", "rtb", who),
                        known,
                        Arrays.stream(RtbStatus.values())
                                .map(RtbStatus::word)
                                .distinct()
                                .toList(),
                        filters,
                        errors,
                        rows,
                        total,
                        page.page(),
                        page.perPage(),
                        CallLogPage.query(filters),
                        realtime(who, known)));
    }

    /**
     * A reservation's page at the API's own path: a browser asking for HTML gets the page (or the sign-in page); any
     * other client goes on to the API's JSON.
     */
    private void reservationPage(ServerRequest req, ServerResponse res) {
        if (!wantsHtml(req)) {
            res.next();
            return;
        }
        pages.guarded(
                req,
                res,
                () -> pages.sessions()
                        .find(req)
                        .ifPresentOrElse(
                                who -> reservation(req, res, who),
                                () -> Pages.redirect(
                                        res,
                                        "/sign_in?next="
                                                + URLEncoder.encode(req.path().rawPath(), StandardCharsets.UTF_8))));
    }

    private void reservation(ServerRequest req, ServerResponse res, SignedIn who) {
        String uuid = req.path().pathParameters().get("uuid");
        RtbPingOut ping = log.find(who.account(), uuid).orElseThrow(() -> new Problem.NotFound("no RTB ping " + uuid));
        Names known = names.of(who.account());
        List<Passthrough> passthrough = new ArrayList<>();
        for (JsonNode p : iterable(ping.passthrough())) {
            passthrough.add(new Passthrough(
                    p.path("name").asText(),
                    p.path("status").asText(),
                    p.path("elapsed_ms").asText() + " ms",
                    Json.writeString(p.path("response_tags"))));
        }
        List<Considered> considered = new ArrayList<>();
        for (JsonNode c : iterable(ping.considered())) {
            considered.add(new Considered(
                    c.path("buyer_name").asText(),
                    c.path("chosen").asBoolean(),
                    c.path("status").isNull() ? "" : c.path("status").asText(),
                    c.path("reason").asText()));
        }
        pages.render(
                res,
                "reservation.jte",
                new ReservationView(
                        pages.frame("Reservation " + uuid, "rtb", who),
                        ping,
                        known.publisher(Optional.ofNullable(ping.publisherId())),
                        known.campaign(ping.campaignId()),
                        known.buyer(Optional.ofNullable(ping.buyerId())),
                        ping.params() == null ? "{}" : ping.params().toPrettyString(),
                        Format.tags(ping.tags() == null ? Map.of() : ping.tags()),
                        passthrough,
                        considered));
    }

    private Realtime realtime(SignedIn who, Names known) {
        return new Realtime(
                log.dashboard(who.account(), clock.instant().minus(DashboardPage.RTB_WINDOW)),
                known,
                DashboardPage.RTB_WINDOW.toMinutes());
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node == null ? List.of() : node;
    }

    private static Row row(RtbPingOut p, Names known) {
        return new Row(
                p.uuid(),
                Format.instant(Instant.parse(p.createdAt())),
                p.keyName(),
                known.publisher(Optional.ofNullable(p.publisherId())),
                p.callerNumber() == null ? "" : p.callerNumber(),
                p.status(),
                p.finalStatus() == null ? "" : p.finalStatus(),
                p.payout() == null ? "" : p.payout().toPlainString(),
                p.callUuid() == null ? "" : p.callUuid());
    }

    /** A browser navigating asks for HTML first; API clients ask for JSON or anything. */
    static boolean wantsHtml(ServerRequest req) {
        return req.headers()
                .first(HeaderNames.ACCEPT)
                .map(accept -> accept.contains("text/html"))
                .orElse(false);
    }
}
