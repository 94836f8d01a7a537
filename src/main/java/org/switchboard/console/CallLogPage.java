package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.call.Call;
import org.switchboard.call.CallLogRoutes;
import org.switchboard.call.CallRepository;
import org.switchboard.conversion.ConversionOut;
import org.switchboard.conversion.ConversionRepository;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.webhook.FiredPixelRepository;

/**
 * The call log, {@code /calls}: the API's filters ({@link CallLogRoutes#filter}, the same parsing and the same query)
 * plus the tag search, newest first, paged, with the Pixels column; the CSV link is the API's export of exactly these
 * filters. The first page refreshes its rows through {@code /calls/rows} so new calls appear without reloading.
 */
public final class CallLogPage {
    static final List<String> FILTERS =
            List.of("from", "to", "campaign_id", "publisher_id", "buyer_id", "caller", "status", "tag", "sort");
    static final List<String> STATUSES =
            List.of("ringing", "dialing", "connected", "completed", "no_buyer", "unanswered", "abandoned");

    public record Row(
            String uuid,
            String startedAt,
            String caller,
            String dialed,
            String campaign,
            String publisher,
            String buyer,
            String status,
            String duration,
            String revenue,
            String payout,
            long pixels,
            List<String> tags) {}

    /**
     * {@code query}: the filters as a query string (for the CSV link, paging and the refresh); {@code live}: the first
     * page, which refreshes itself.
     */
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
            boolean live) {
        public boolean hasNext() {
            return (long) page * perPage < total;
        }

        /** The current order's word (newest when none was asked). */
        public String sort() {
            return filters.getOrDefault("sort", "newest");
        }

        /** This search ordered by {@code order}, from its first page. */
        public String sortUrl(String order) {
            Map<String, String> params = new LinkedHashMap<>(filters);
            params.put("sort", order);
            return "/calls?" + CallLogPage.query(params);
        }
    }

    private final Pages pages;
    private final CallRepository calls;
    private final FiredPixelRepository pixels;
    private final ConversionRepository conversions;
    private final Names.Sources names;

    public CallLogPage(
            Pages pages,
            CallRepository calls,
            FiredPixelRepository pixels,
            ConversionRepository conversions,
            Names.Sources names) {
        this.pages = pages;
        this.calls = calls;
        this.pixels = pixels;
        this.conversions = conversions;
        this.names = names;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/calls", (req, res, who) -> show(req, res, who, "calls.jte"));
        pages.get(rules, "/calls/rows", (req, res, who) -> show(req, res, who, "call_rows.jte"));
    }

    private void show(ServerRequest req, ServerResponse res, SignedIn who, String template) {
        AccountId account = who.account();
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : FILTERS) {
            Http.query(req, name).ifPresent(value -> filters.put(name, value));
        }
        Names known = names.of(account);
        Map<String, String> errors = new LinkedHashMap<>();
        List<Row> rows = List.of();
        long total = 0;
        PageRequest page;
        try {
            page = Http.pageRequest(req);
            CallRepository.Filter filter = CallLogRoutes.filter(name -> Optional.ofNullable(filters.get(name)));
            Page<Call> listed = calls.list(account, filter, page);
            Map<Long, ConversionOut> money = ConversionOut.forCalls(conversions.forCalls(
                    account, listed.items().stream().map(Call::id).toList()));
            rows = listed.items().stream()
                    .map(call -> row(account, call, money.get(call.id()), known))
                    .toList();
            total = listed.total();
        } catch (Problem.Invalid e) {
            errors.put(e.field().orElse("page"), e.getMessage());
            page = new PageRequest(1, PageRequest.DEFAULT_PER_PAGE);
        }
        pages.render(
                res,
                errors.isEmpty() ? Status.OK_200 : Status.BAD_REQUEST_400,
                template,
                new View(
                        pages.frame("Call log", "calls", who),
                        known,
                        STATUSES,
                        filters,
                        errors,
                        rows,
                        total,
                        page.page(),
                        page.perPage(),
                        query(filters),
                        // only the newest calls' first page can gain rows at its top, so only it refreshes itself
                        page.page() == 1
                                && errors.isEmpty()
                                && filters.getOrDefault("sort", "newest").equals("newest")));
    }

    private Row row(AccountId account, Call call, @Nullable ConversionOut money, Names known) {
        return new Row(
                call.uuid(),
                Format.instant(call.startedAt()),
                call.callerNumber(),
                call.dialedNumber(),
                known.campaign(call.campaignId()),
                known.publisher(call.publisherId()),
                known.buyer(call.buyerId()),
                call.status(),
                call.durationSeconds().map(Format::duration).orElse(""),
                Optional.ofNullable(money)
                        .map(ConversionOut::revenue)
                        .map(Format::money)
                        .orElse(""),
                Optional.ofNullable(money)
                        .map(ConversionOut::payout)
                        .map(Format::money)
                        .orElse(""),
                pixels.countForCall(account, call.id()),
                Format.tags(call.tags().asMap()));
    }

    static String query(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        params.forEach((name, value) -> out.append(out.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }
}
