package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.conversion.Report;
import org.switchboard.conversion.ReportRepository;
import org.switchboard.conversion.ReportRequest;
import org.switchboard.platform.http.ApiException;
import org.switchboard.platform.http.Http;

/**
 * Reports, {@code /reports}: the money report of {@code /api/v2/reports/calls} grouped by day, campaign, publisher or
 * buyer (optionally for one campaign, publisher or buyer) with its totals, a chart, and the API's CSV of the same rows.
 */
public final class ReportsPage {
    static final List<String> PARAMS =
            List.of("from", "to", "time_zone", "group_by", "campaign_id", "publisher_id", "buyer_id");

    public record View(
            Frame frame,
            Names names,
            Map<String, String> form,
            Map<String, String> fieldToError,
            List<DashboardPage.Figures> rows,
            Optional<DashboardPage.Figures> totals,
            String chart,
            String query) {}

    private final Pages pages;
    private final ReportRepository reports;
    private final Names.Sources names;
    private final Clock clock;

    public ReportsPage(Pages pages, ReportRepository reports, Names.Sources names, Clock clock) {
        this.pages = pages;
        this.reports = reports;
        this.names = names;
        this.clock = clock;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/reports", (req, res, who) -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String name : PARAMS) {
                Http.query(req, name).ifPresent(value -> form.put(name, value));
            }
            form.putIfAbsent("time_zone", "UTC");
            form.putIfAbsent("group_by", "day");
            ZoneId zone = DashboardPage.zone(form.get("time_zone"));
            LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
            form.putIfAbsent("from", today.withDayOfMonth(1).toString());
            form.putIfAbsent("to", today.toString());
            Map<String, String> errors = new LinkedHashMap<>();
            List<DashboardPage.Figures> rows = List.of();
            Optional<DashboardPage.Figures> totals = Optional.empty();
            try {
                Report report =
                        reports.report(who.account(), ReportRequest.parse(name -> Optional.ofNullable(form.get(name))));
                rows = DashboardPage.rows(report);
                totals = Optional.of(DashboardPage.Figures.of("", "Total", report.totals()));
            } catch (ApiException.BadRequest e) {
                errors.put(e.field().orElse("from"), e.getMessage());
            }
            pages.render(
                    res,
                    errors.isEmpty() ? Status.OK_200 : Status.BAD_REQUEST_400,
                    "reports.jte",
                    new View(
                            pages.frame("Reports", "reports", who),
                            names.of(who.account()),
                            form,
                            errors,
                            rows,
                            totals,
                            DashboardPage.moneyChart("bar", rows, DashboardPage.Figures::name),
                            CallLogPage.query(form)));
        });
    }
}
