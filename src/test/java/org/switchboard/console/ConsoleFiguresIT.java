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

/** The dashboard's RTB figures over the chosen range. */
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

    private static String field(String body, String name) {
        int card = body.indexOf("id=\"rtb-range-card\"");
        assertThat(card).as(body).isNotNegative();
        Matcher m = Pattern.compile("data-field=\"" + name + "\">([^<]*)<").matcher(body);
        assertThat(m.find(card)).as(name).isTrue();
        return m.group(1);
    }
}
