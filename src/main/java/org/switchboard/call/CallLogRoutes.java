package org.switchboard.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.csv.CsvLines;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;
import org.switchboard.routing.Consideration;
import org.switchboard.tag.TagSet;

/**
 * The explained call log. {@code GET /api/v2/calls} lists calls, newest first, filtered by {@code from} / {@code to}
 * (ISO-8601 instants), {@code campaign_id}, {@code publisher_id}, {@code buyer_id} (any buyer dialled),
 * {@code caller}, {@code status} and {@code tag} ({@code key:value}), ordered by {@code sort} (newest, oldest, longest,
 * shortest); {@code GET /api/v2/calls.csv} exports the same rows as CSV (at most 100,000);
 * {@code GET /api/v2/calls/{uuid}} shows one call with its tags, attempts, every buyer considered with the reason
 * it was skipped, and its state transitions.
 */
public final class CallLogRoutes {
    static final int CSV_LIMIT = 100_000;
    private static final Set<String> STATUSES =
            Set.of("ringing", "dialing", "connected", "completed", "no_buyer", "unanswered", "abandoned");

    private final CallRepository calls;
    private final Function<ServerRequest, AccountId> auth;
    private final ToLongFunction<Call> firedPixels;
    private final BiFunction<AccountId, List<Long>, Map<Long, ?>> conversions;

    /**
     * @param firedPixels how many webhook requests a call fired (its list is at /api/v2/calls/{uuid}/fired_pixels)
     * @param conversions the conversion and money of each of the account's calls among the ids, in wire form (calls not
     *     decided yet are absent)
     */
    public CallLogRoutes(
            CallRepository calls,
            Function<ServerRequest, AccountId> auth,
            ToLongFunction<Call> firedPixels,
            BiFunction<AccountId, List<Long>, Map<Long, ?>> conversions) {
        this.calls = calls;
        this.auth = auth;
        this.firedPixels = firedPixels;
        this.conversions = conversions;
    }

    record CallRow(
            String uuid,
            String status,
            long campaignId,
            @Nullable Long publisherId,
            @Nullable Long buyerId,
            String callerNumber,
            String dialedNumber,
            String carrier,
            String startedAt,
            @Nullable String connectedAt,
            @Nullable String endedAt,
            @Nullable Integer durationSeconds,
            @Nullable Integer connectedSeconds,
            @Nullable Object conversion) {
        static CallRow of(Call c, @Nullable Object conversion) {
            return new CallRow(
                    c.uuid(),
                    c.status(),
                    c.campaignId(),
                    c.publisherId().orElse(null),
                    c.buyerId().orElse(null),
                    c.callerNumber(),
                    c.dialedNumber(),
                    c.carrier(),
                    c.startedAt().toString(),
                    c.connectedAt().map(Object::toString).orElse(null),
                    c.endedAt().map(Object::toString).orElse(null),
                    c.durationSeconds().orElse(null),
                    c.connectedSeconds().orElse(null),
                    conversion);
        }
    }

    record AttemptOut(
            int attempt,
            long buyerId,
            String destination,
            String startedAt,
            @Nullable String endedAt,
            @Nullable String outcome) {}

    record EventOut(String at, String state, String detail) {}

    record CallDetail(
            CallRow call,
            Map<String, List<String>> tags,
            List<Consideration> buyersConsidered,
            List<AttemptOut> attempts,
            List<EventOut> events,
            long firedPixelCount) {}

    public void register(HttpRules rules) {
        rules.get("/api/v2/calls", this::list);
        rules.get("/api/v2/calls.csv", this::csv);
        rules.get("/api/v2/calls/{uuid}", this::one);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountId account = auth.apply(req);
        PageRequest page = Http.pageRequest(req);
        var listed = calls.list(account, filter(req), page);
        Map<Long, ?> money =
                conversions.apply(account, listed.items().stream().map(Call::id).toList());
        Http.page(req, res, page, listed.map(c -> CallRow.of(c, money.get(c.id()))));
    }

    private void csv(ServerRequest req, ServerResponse res) throws IOException {
        AccountId account = auth.apply(req);
        CallRepository.Filter filter = filter(req);
        res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"calls.csv\"");
        try (OutputStream out = res.outputStream()) {
            out.write(CsvLines.line(List.of(
                            "uuid",
                            "status",
                            "campaign_id",
                            "publisher_id",
                            "buyer_id",
                            "caller_number",
                            "dialed_number",
                            "carrier",
                            "started_at",
                            "connected_at",
                            "ended_at",
                            "duration_seconds",
                            "connected_seconds",
                            "conversion",
                            "revenue",
                            "payout",
                            "profit",
                            "buyers_considered"))
                    .getBytes(StandardCharsets.UTF_8));
            List<Call> chunk = new ArrayList<>();
            calls.forEach(account, filter, CSV_LIMIT, call -> {
                chunk.add(call);
                if (chunk.size() == 500) {
                    writeCsvRows(out, account, chunk);
                    chunk.clear();
                }
            });
            writeCsvRows(out, account, chunk);
        }
    }

    private void one(ServerRequest req, ServerResponse res) {
        AccountId account = auth.apply(req);
        String uuid = req.path().pathParameters().get("uuid");
        Call call = calls.find(account, uuid).orElseThrow(() -> new Problem.NotFound("no call with uuid " + uuid));
        Http.ok(
                res,
                new CallDetail(
                        CallRow.of(
                                call,
                                conversions.apply(account, List.of(call.id())).get(call.id())),
                        call.tags().asMap(),
                        call.considered(),
                        calls.attempts(call.id()).stream()
                                .map(a -> new AttemptOut(
                                        a.seq(),
                                        a.buyerId(),
                                        a.destination(),
                                        a.startedAt().toString(),
                                        a.endedAt().map(Object::toString).orElse(null),
                                        a.outcome().map(AttemptOutcome::word).orElse(null)))
                                .toList(),
                        calls.events(call.id()).stream()
                                .map(e -> new EventOut(
                                        e.at().toString(), e.state().word(), e.detail()))
                                .toList(),
                        firedPixels.applyAsLong(call)));
    }

    /** CSV rows of a chunk of calls, with their money looked up in one query. */
    private void writeCsvRows(OutputStream out, AccountId account, List<Call> chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        Map<Long, ?> money =
                conversions.apply(account, chunk.stream().map(Call::id).toList());
        for (Call call : chunk) {
            CallRow r = CallRow.of(call, null);
            JsonNode conversion = Json.tree(money.get(call.id()));
            try {
                out.write(CsvLines.line(Arrays.asList(
                                r.uuid(),
                                r.status(),
                                Long.toString(r.campaignId()),
                                text(r.publisherId()),
                                text(r.buyerId()),
                                r.callerNumber(),
                                r.dialedNumber(),
                                r.carrier(),
                                r.startedAt(),
                                text(r.connectedAt()),
                                text(r.endedAt()),
                                text(r.durationSeconds()),
                                text(r.connectedSeconds()),
                                conversion.path("state").asText(""),
                                conversion.path("revenue").asText(""),
                                conversion.path("payout").asText(""),
                                conversion.path("profit").asText(""),
                                explanation(call)))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static CallRepository.Filter filter(ServerRequest req) {
        return filter(name -> Http.query(req, name));
    }

    /**
     * The call log's filters from request parameters ({@code query} answers a parameter's stripped, non-blank value),
     * shared by the API, its CSV and the console's call log page; a bad value is a 400 naming its parameter.
     */
    public static CallRepository.Filter filter(Function<String, Optional<String>> query) {
        Optional<String> status = query.apply("status");
        status.ifPresent(value -> {
            if (!STATUSES.contains(value)) {
                throw new Problem.Invalid(
                        "status",
                        "must be one of "
                                + String.join(", ", STATUSES.stream().sorted().toList()));
            }
        });
        Optional<String> caller =
                query.apply("caller").map(raw -> PhoneNumbers.toE164(raw).orElse(raw));
        return new CallRepository.Filter(
                query.apply("from").map(raw -> Http.parseFrom("from", raw)),
                query.apply("to").map(raw -> Http.parseTo("to", raw)),
                query.apply("campaign_id").map(raw -> Http.parseId("campaign_id", raw)),
                query.apply("publisher_id").map(raw -> Http.parseId("publisher_id", raw)),
                query.apply("buyer_id").map(raw -> Http.parseId("buyer_id", raw)),
                caller,
                status,
                query.apply("tag").map(CallLogRoutes::tag),
                query.apply("sort")
                        .map(word -> CallRepository.Order.fromWord(word)
                                .orElseThrow(() ->
                                        new Problem.Invalid("sort", "must be newest, oldest, longest or shortest")))
                        .orElse(CallRepository.Order.NEWEST));
    }

    /** {@code key:value}, such as {@code source:google}: calls with that tag value. */
    private static CallRepository.TagMatch tag(String raw) {
        int colon = raw.indexOf(':');
        String key = colon < 0 ? "" : TagSet.normalizeKey(raw.substring(0, colon));
        String value = colon < 0 ? "" : raw.substring(colon + 1).strip();
        if (!TagSet.isValidKey(key) || value.isEmpty()) {
            throw new Problem.Invalid("tag", "must be key:value, such as source:google");
        }
        return new CallRepository.TagMatch(key, value);
    }

    /** Every buyer considered with its verdict, for the CSV: {@code Acme (1): dialled | Beta (2): paused}. */
    private static String explanation(Call call) {
        return String.join(
                " | ",
                call.considered().stream()
                        .map(c -> c.buyerName() + " (" + c.buyerId() + "): " + c.reason())
                        .toList());
    }

    private static String text(@Nullable Object value) {
        return value == null ? "" : value.toString();
    }
}
