package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardHoursTest {
    @Test
    void todayByHourShouldShowEveryHourOfTheDayWithZerosWhereNoCallCame() {
        var two = new DashboardPage.Figures("2026-12-06T14:00Z", "14:00", 2, 1, 1, "10.00", "8.00", "2.00");

        List<DashboardPage.Figures> hours =
                DashboardPage.everyHour(LocalDate.parse("2026-12-06"), ZoneId.of("UTC"), List.of(two));

        assertThat(hours).hasSize(24);
        assertThat(hours.get(14)).isEqualTo(two);
        assertThat(hours.get(0).name()).isEqualTo("00:00");
        assertThat(hours.get(0).calls()).isZero();
    }

    @Test
    void aDaylightSavingChangeShouldGiveItsDay23Or25Hours() {
        var newYork = ZoneId.of("America/New_York");
        assertThat(DashboardPage.everyHour(LocalDate.parse("2026-03-08"), newYork, List.of()))
                .hasSize(23);
        assertThat(DashboardPage.everyHour(LocalDate.parse("2026-11-01"), newYork, List.of()))
                .hasSize(25)
                .extracting(DashboardPage.Figures::name)
                .containsSubsequence("00:00", "01:00", "01:00", "02:00");
    }
}
