package org.switchboard.conversion;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.csv.CsvLines;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;

/**
 * The money report, {@code GET /api/v2/reports/calls}: the account's calls that started in {@code [from, to)}
 * counted and their money summed per campaign, publisher, answering buyer, calendar day in {@code time_zone} or value
 * of a tag ({@code group_by=tag:ad})
 * (see {@link ReportRequest} for the parameters and their errors, {@link ReportDays} for how days are cut);
 * {@code /api/v2/reports/calls.csv} gives the same rows and a total line as CSV.
 */
public final class ReportRoutes {
    private final ReportRepository reports;
    private final Function<ServerRequest, AccountId> auth;

    public ReportRoutes(ReportRepository reports, Function<ServerRequest, AccountId> auth) {
        this.reports = reports;
        this.auth = auth;
    }

    record ReportOut(String from, String to, String groupBy, String timeZone, List<RowOut> rows, TotalsOut totals) {
        static ReportOut of(Report report) {
            ReportRequest request = report.request();
            return new ReportOut(
                    request.from().toString(),
                    request.to().toString(),
                    request.groupByWord(),
                    request.timeZone().getId(),
                    report.rows().stream().map(RowOut::of).toList(),
                    TotalsOut.of(report.totals()));
        }
    }

    /**
     * {@code key}: the day ({@code 2026-12-01}), the hour ({@code 2026-12-01T14:00-05:00}), the entity's id or the tag's value, null for calls without one; then
     * its counters.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record RowOut(
            @Nullable Object key,
            @Nullable String name,
            @JsonUnwrapped TotalsOut counters) {
        static RowOut of(Report.Row row) {
            return new RowOut(
                    row.key() instanceof LocalDate || row.key() instanceof OffsetDateTime
                            ? row.key().toString()
                            : row.key(),
                    row.name().orElse(null),
                    TotalsOut.of(row.counters()));
        }
    }

    record TotalsOut(
            long calls,
            long connected,
            long converted,
            BigDecimal revenue,
            BigDecimal payout,
            BigDecimal profit,
            BigDecimal buyerRevenue) {
        static TotalsOut of(ReportCounters c) {
            return new TotalsOut(
                    c.calls(),
                    c.connected(),
                    c.converted(),
                    ReportCounters.decimal(c.revenueMicros()),
                    ReportCounters.decimal(c.payoutMicros()),
                    ReportCounters.decimal(c.profitMicros()),
                    ReportCounters.decimal(c.buyerRevenueMicros()));
        }
    }

    public void register(HttpRules rules) {
        rules.get("/api/v2/reports/calls", (req, res) -> {
            AccountId account = auth.apply(req);
            ReportRequest request = ReportRequest.parse(name -> Http.query(req, name));
            Http.ok(res, ReportOut.of(reports.report(account, request)));
        });
        rules.get("/api/v2/reports/calls.csv", (req, res) -> {
            AccountId account = auth.apply(req);
            ReportRequest request = ReportRequest.parse(name -> Http.query(req, name));
            res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"report.csv\"");
            res.send(csv(reports.report(account, request)).getBytes(StandardCharsets.UTF_8));
        });
    }

    /** The report as CSV: a line per row (key, name, counters), then a {@code total} line. */
    static String csv(Report report) {
        StringBuilder out = new StringBuilder(CsvLines.line(List.of(
                "key", "name", "calls", "connected", "converted", "revenue", "payout", "profit", "buyer_revenue")));
        for (Report.Row row : report.rows()) {
            RowOut r = RowOut.of(row);
            out.append(
                    csvLine(r.key() == null ? "" : r.key().toString(), r.name() == null ? "" : r.name(), r.counters()));
        }
        out.append(csvLine("total", "", TotalsOut.of(report.totals())));
        return out.toString();
    }

    private static String csvLine(String key, String name, TotalsOut c) {
        return CsvLines.line(List.of(
                key,
                name,
                Long.toString(c.calls()),
                Long.toString(c.connected()),
                Long.toString(c.converted()),
                c.revenue().toPlainString(),
                c.payout().toPlainString(),
                c.profit().toPlainString(),
                c.buyerRevenue().toPlainString()));
    }
}
