package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.ServerIT;

/** The dashboard's RTB figures over the chosen range; the report grouped by a tag's value. */
class ConsoleFiguresIT extends ServerIT {
    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver().on("/hook", Receiver.respond(200, "application/json", "{}"));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void theDashboardShouldCountTheRangesPingsReservedClaimedAndExpired() {
        // given: four reserved pings today, one later claimed by a call and one expired
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "rtb-range", receiver.url("/hook"));
        String claimed = s.ping("+13125550171");
        String expired = s.ping("+13125550172");
        s.ping("+13125550173");
        s.ping("+13125550174");
        Instant now = server.clock().instant();
        server.wiring().rtbLog().claimed(claimed, java.util.UUID.randomUUID().toString(), now);
        server.wiring().rtbLog().expired(expired, now);
        server.wiring().rtbLog().flush();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(s.person(Role.VIEWER));

        // when: today; yesterday only; and a week, longer than the log keeps
        ConsoleClient.Page todays = person.get("/dashboard?from=" + today + "&to=" + today);
        ConsoleClient.Page yesterdays =
                person.get("/dashboard?from=" + today.minusDays(1) + "&to=" + today.minusDays(1));
        ConsoleClient.Page week = person.get("/dashboard");

        // then
        assertThat(todays.status()).isEqualTo(200);
        assertThat(field(todays.body(), "pings")).isEqualTo("4");
        assertThat(field(todays.body(), "reserved")).isEqualTo("4");
        assertThat(field(todays.body(), "claimed")).isEqualTo("1");
        assertThat(field(todays.body(), "expired")).isEqualTo("1");
        assertThat(todays.body()).doesNotContain("rtb-range-clipped");
        assertThat(field(yesterdays.body(), "pings")).isEqualTo("0");
        assertThat(field(week.body(), "pings")).isEqualTo("4");
        assertThat(week.body()).contains("id=\"rtb-range-clipped\">The RTB log keeps 24 hours");
    }

    @Test
    void theReportGroupedByATagValueShouldAddUpToTheUngroupedReport() {
        // given: two calls through a number tagged note:tag-alpha, one through note:tag-beta (one converting each)
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "tag-alpha", receiver.url("/hook"));
        for (String uuid : java.util.List.of(
                s.playCall("+13125550181", 90),
                s.playCall("+13125550182", 20),
                s.playCall("+13125550183", 90, s.addNumber("tag-beta")))) {
            s.awaitSettled(uuid, 1);
        }
        LocalDate today = LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC);
        String range = "from=" + today + "&to=" + today;

        // when
        var byNote = s.api().get("/api/v2/reports/calls?" + range + "&group_by=tag:note");
        var byMissing = s.api().get("/api/v2/reports/calls?" + range + "&group_by=tag:ad");
        var ungrouped = s.api().get("/api/v2/reports/calls?" + range);
        var csv = s.api().get("/api/v2/reports/calls.csv?" + range + "&group_by=tag:note");
        var bad = s.api().get("/api/v2/reports/calls?" + range + "&group_by=tag:");

        // then: a row per value, totals as the ungrouped report's
        assertThat(byNote.status()).as(byNote.toString()).isEqualTo(200);
        var json = byNote.json();
        assertThat(json.path("group_by").asText()).isEqualTo("tag:note");
        assertThat(json.path("rows")).hasSize(2);
        assertThat(json.path("rows").get(0).path("key").asText()).isEqualTo("tag-alpha");
        assertThat(json.path("rows").get(0).path("calls").asLong()).isEqualTo(2);
        assertThat(json.path("rows").get(0).path("revenue").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(json.path("rows").get(1).path("key").asText()).isEqualTo("tag-beta");
        assertThat(json.path("rows").get(1).path("calls").asLong()).isEqualTo(1);
        assertThat(json.path("totals")).isEqualTo(ungrouped.json().path("totals"));
        assertThat(ungrouped.json().path("totals").path("calls").asLong()).isEqualTo(3);
        assertThat(byMissing.json().path("rows")).hasSize(1);
        assertThat(byMissing.json().path("rows").get(0).path("key").isNull()).isTrue();
        assertThat(byMissing.json().path("totals")).isEqualTo(ungrouped.json().path("totals"));
        assertThat(csv.body()).contains("tag-alpha,tag-alpha,2,2,1,").contains("total,,3,3,2,");
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.errorField()).isEqualTo("group_by");

        // and the page: the form's group_by=tag with a tag key, the CSV link in the API's words
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(s.person(Role.VIEWER));
        ConsoleClient.Page page = person.get("/reports?" + range + "&group_by=tag&tag_key=note");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body())
                .contains("<th scope=\"row\">tag-alpha</th>")
                .contains("<th scope=\"row\">tag-beta</th>")
                .contains("group_by=tag%3Anote")
                .contains("<option value=\"tag\" selected>");
        ConsoleClient.Page missingKey = person.get("/reports?" + range + "&group_by=tag");
        assertThat(missingKey.status()).isEqualTo(400);
        assertThat(missingKey.body()).contains("id=\"tag_key-error\">is required to group by a tag");
    }

    private static String field(String body, String name) {
        int card = body.indexOf("id=\"rtb-range-card\"");
        assertThat(card).as(body).isNotNegative();
        Matcher m = Pattern.compile("data-field=\"" + name + "\">([^<]*)<").matcher(body);
        assertThat(m.find(card)).as(name).isTrue();
        return m.group(1);
    }
}
