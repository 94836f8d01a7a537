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
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;

/**
 * Reports, {@code /reports}: the money report of {@code /api/v2/reports/calls} grouped by day, campaign, publisher,
 * buyer or a tag's value (optionally for one campaign, publisher or buyer) with its totals, a chart, and the API's CSV
 * of the same rows. The form asks for a tag grouping as {@code group_by=tag} and {@code tag_key=ad}; the page turns it
 * into the API's {@code group_by=tag:ad} (which it also takes, as links write it).
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
            String groupChoice,
            String tagKey,
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
            Map<String, String> errors = new LinkedHashMap<>();
            String tagKey = Http.query(req, "tag_key").orElse("");
            if (form.get("group_by").startsWith("tag:")) {
                tagKey = form.get("group_by").substring("tag:".length());
            } else if (form.get("group_by").equals("tag")) {
                if (tagKey.isEmpty()) {
                    errors.put("tag_key", "is required to group by a tag's value, such as ad");
                } else {
                    form.put("group_by", "tag:" + tagKey);
                }
            }
            String groupChoice =
                    form.get("group_by").equals("tag") || form.get("group_by").startsWith("tag:")
                            ? "tag"
                            : form.get("group_by");
            ZoneId zone = DashboardPage.zone(form.get("time_zone"));
            LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
            form.putIfAbsent("from", today.withDayOfMonth(1).toString());
            form.putIfAbsent("to", today.toString());
            List<DashboardPage.Figures> rows = List.of();
            Optional<DashboardPage.Figures> totals = Optional.empty();
            try {
                if (errors.isEmpty()) {
                    Report report = reports.report(
                            who.account(), ReportRequest.parse(name -> Optional.ofNullable(form.get(name))));
                    rows = DashboardPage.rows(report);
                    totals = Optional.of(DashboardPage.Figures.of("", "Total", report.totals()));
                }
            } catch (Problem.Invalid e) {
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
                            groupChoice,
                            tagKey,
                            DashboardPage.moneyChart("bar", rows, DashboardPage.Figures::name),
                            CallLogPage.query(form)));
        });
    }
}
