package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.conversion.Report;
import org.switchboard.conversion.ReportCounters;
import org.switchboard.conversion.ReportRepository;
import org.switchboard.conversion.ReportRequest;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;
import org.switchboard.rtb.RtbDashboardOut;
import org.switchboard.rtb.RtbLog;

/**
 * The dashboard, {@code /dashboard}: today and a chosen range of days (calls, connected, converted, revenue, payout,
 * profit) with charts per day, today's calls per hour, and tables per campaign, publisher and buyer; the RTB pings of the range (as far back as
 * the RTB log keeps) and of the last minutes.
 * Every number comes from the report of {@code /api/v2/reports/calls} with the same parameters, so both agree.
 */
public final class DashboardPage {
    static final Duration RTB_WINDOW = Duration.ofMinutes(15);

    /** One line of figures; {@code key} is the day or the entity's id as the report API gives it. */
    public record Figures(
            String key,
            String name,
            long calls,
            long connected,
            long converted,
            String revenue,
            String payout,
            String profit) {
        static Figures of(String key, String name, ReportCounters c) {
            return new Figures(
                    key,
                    name,
                    c.calls(),
                    c.connected(),
                    c.converted(),
                    Format.money(ReportCounters.decimal(c.revenueMicros())),
                    Format.money(ReportCounters.decimal(c.payoutMicros())),
                    Format.money(ReportCounters.decimal(c.profitMicros())));
        }
    }

    /** Figures per campaign, publisher or buyer, with a chart of their money. */
    public record Breakdown(String title, List<Figures> rows, String chart) {}

    /** A report's rows as figures, named by the entity's name, the day, {@code #id}, or {@code (none)}. */
    static List<Figures> rows(Report report) {
        return report.rows().stream()
                .map(r -> Figures.of(
                        r.key() == null ? "" : r.key().toString(),
                        r.name().orElseGet(() -> switch (r.key()) {
                            case null -> "(none)";
                            case LocalDate day -> day.toString();
                            case OffsetDateTime hour -> hour.toLocalTime().toString();
                            default -> "#" + r.key();
                        }),
                        r.counters()))
                .toList();
    }

    /** The IANA zone named, or UTC when the name is not one (the report then names the problem beside the field). */
    static ZoneId zone(String name) {
        try {
            return ZoneId.of(name);
        } catch (java.time.DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    public record View(
            Frame frame,
            Map<String, String> form,
            Map<String, String> fieldToError,
            Optional<Figures> today,
            Optional<Figures> range,
            List<Figures> days,
            List<Breakdown> breakdowns,
            String countsChart,
            String moneyChart,
            String todayByHourChart,
            Optional<RtbDashboardOut> rtb,
            Optional<RtbRange> rtbRange,
            String reportQuery) {}

    /**
     * The RTB figures of the chosen range; {@code clipped}: the range reaches back beyond what the RTB log keeps, so
     * only its last {@link RtbLog#RETENTION} is counted.
     */
    public record RtbRange(RtbLog.RangeCounts counts, boolean clipped, long keptHours) {}

    private final Pages pages;
    private final ReportRepository reports;
    private final RtbLog rtb;
    private final Clock clock;

    public DashboardPage(Pages pages, ReportRepository reports, RtbLog rtb, Clock clock) {
        this.pages = pages;
        this.reports = reports;
        this.rtb = rtb;
        this.clock = clock;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/dashboard", (req, res, who) -> {
            AccountId account = who.account();
            Map<String, String> form = new LinkedHashMap<>();
            form.put("time_zone", Http.query(req, "time_zone").orElse("UTC"));
            Map<String, String> errors = new LinkedHashMap<>();
            ZoneId zone = zone(form.get("time_zone"));
            LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
            form.put("from", Http.query(req, "from").orElse(today.minusDays(6).toString()));
            form.put("to", Http.query(req, "to").orElse(today.toString()));
            Optional<Figures> todayFigures = Optional.empty();
            Optional<Figures> rangeFigures = Optional.empty();
            List<Figures> days = List.of();
            List<Figures> todayHours = List.of();
            List<Breakdown> breakdowns = List.of();
            Optional<RtbRange> rtbRange = Optional.empty();
            try {
                Report range = report(account, form, "day");
                days = rows(range);
                rangeFigures = Optional.of(Figures.of("", "Range", range.totals()));
                Map<String, String> todayForm = new LinkedHashMap<>(form);
                todayForm.put("from", today.toString());
                todayForm.put("to", today.toString());
                Report todayByHour = report(account, todayForm, "hour");
                todayHours = everyHour(today, zone, rows(todayByHour));
                todayFigures = Optional.of(Figures.of("", "Today", todayByHour.totals()));
                breakdowns = List.of(
                        breakdown("Per campaign", report(account, form, "campaign")),
                        breakdown("Per publisher", report(account, form, "publisher")),
                        breakdown("Per buyer", report(account, form, "buyer")));
                rtbRange = Optional.of(rtbRange(account, form));
            } catch (Problem.Invalid e) {
                errors.put(e.field().orElse("from"), e.getMessage());
            }
            pages.render(
                    res,
                    errors.isEmpty() ? Status.OK_200 : Status.BAD_REQUEST_400,
                    "dashboard.jte",
                    new View(
                            pages.frame("Dashboard", "dashboard", who),
                            form,
                            errors,
                            todayFigures,
                            rangeFigures,
                            days,
                            breakdowns,
                            countsChart(days, Figures::key),
                            moneyChart("line", days, Figures::key),
                            countsChart(todayHours, Figures::name),
                            Optional.of(rtb.dashboard(account, clock.instant().minus(RTB_WINDOW))),
                            rtbRange,
                            CallLogPage.query(form)));
        });
    }

    private Report report(AccountId account, Map<String, String> form, String groupBy) {
        Map<String, String> params = new LinkedHashMap<>(form);
        params.put("group_by", groupBy);
        return reports.report(account, ReportRequest.parse(name -> Optional.ofNullable(params.get(name))));
    }

    /** The RTB log's counts over the report's range (its days in its time zone), as far back as the log keeps. */
    private RtbRange rtbRange(AccountId account, Map<String, String> form) {
        ReportRequest range = ReportRequest.parse(name -> Optional.ofNullable(form.get(name)));
        java.time.Instant kept = clock.instant().minus(RtbLog.RETENTION);
        boolean clipped = range.from().isBefore(kept);
        return new RtbRange(
                rtb.counts(account, clipped ? kept : range.from(), range.to()), clipped, RtbLog.RETENTION.toHours());
    }

    private static Breakdown breakdown(String title, Report report) {
        List<Figures> rows = rows(report);
        return new Breakdown(title, rows, moneyChart("bar", rows, Figures::name));
    }

    /** A row for every hour of {@code day} in {@code zone} (23 or 25 on a daylight-saving change), zero where none. */
    static List<Figures> everyHour(LocalDate day, ZoneId zone, List<Figures> hoursWithCalls) {
        Map<String, Figures> byKey = new LinkedHashMap<>();
        hoursWithCalls.forEach(f -> byKey.put(f.key(), f));
        List<Figures> hours = new java.util.ArrayList<>();
        java.time.Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
        for (java.time.ZonedDateTime hour = day.atStartOfDay(zone);
                hour.toInstant().isBefore(end);
                hour = hour.plusHours(1)) {
            String key = hour.toOffsetDateTime().toString();
            String label = hour.toLocalTime().toString();
            Figures found = byKey.get(key);
            hours.add(found != null ? found : new Figures(key, label, 0, 0, 0, "0.00", "0.00", "0.00"));
        }
        return hours;
    }

    /** A Chart.js bar chart of calls, connected and converted per row, labelled by {@code label}. */
    private static String countsChart(List<Figures> days, java.util.function.Function<Figures, String> label) {
        return Json.writeString(Map.of(
                "type",
                "bar",
                "data",
                Map.of(
                        "labels",
                        days.stream().map(label).toList(),
                        "datasets",
                        List.of(
                                Map.of(
                                        "label",
                                        "Calls",
                                        "data",
                                        days.stream().map(Figures::calls).toList()),
                                Map.of(
                                        "label",
                                        "Connected",
                                        "data",
                                        days.stream().map(Figures::connected).toList()),
                                Map.of(
                                        "label",
                                        "Converted",
                                        "data",
                                        days.stream().map(Figures::converted).toList())))));
    }

    /** A Chart.js configuration of revenue, payout and profit per row, labelled by {@code label}. */
    static String moneyChart(String type, List<Figures> rows, java.util.function.Function<Figures, String> label) {
        return Json.writeString(Map.of(
                "type",
                type,
                "data",
                Map.of(
                        "labels",
                        rows.stream().map(label).toList(),
                        "datasets",
                        List.of(
                                Map.of("label", "Revenue", "data", numbers(rows, Figures::revenue)),
                                Map.of("label", "Payout", "data", numbers(rows, Figures::payout)),
                                Map.of("label", "Profit", "data", numbers(rows, Figures::profit))))));
    }

    private static List<BigDecimal> numbers(List<Figures> days, java.util.function.Function<Figures, String> field) {
        return days.stream().map(d -> new BigDecimal(field.apply(d))).toList();
    }
}
