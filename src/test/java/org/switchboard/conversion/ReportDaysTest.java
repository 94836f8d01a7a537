package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportDaysTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @ParameterizedTest(name = "{0} from {1} to {2}: {3} ms")
    @CsvSource(delimiter = '|', textBlock = """
            UTC                 | 2026-01-01T00:00:00Z    | 2027-01-01T00:00:00Z    | 86400000
            UTC                 | 2026-01-01T13:17:00Z    | 2026-01-09T00:00:00Z    | 86400000
            America/New_York    | 2026-01-01T05:00:00Z    | 2027-01-01T05:00:00Z    | 3600000
            America/New_York    | 2026-12-01T05:00:00Z    | 2026-12-31T05:00:00Z    | 3600000
            Asia/Kolkata        | 2026-01-01T00:00:00Z    | 2026-02-01T00:00:00Z    | 1800000
            Asia/Kathmandu      | 2026-01-01T00:00:00Z    | 2026-02-01T00:00:00Z    | 900000
            America/New_York    | 2026-12-01T05:00:00Z    | 2026-12-02T05:00:00Z    | 86400000
            """)
    void bucketShouldDivideEveryStartOfADayInTheRange(String zone, String from, String to, long expected) {
        // when
        ReportDays days = ReportDays.of(Instant.parse(from), Instant.parse(to), ZoneId.of(zone));

        // then
        assertThat(days.bucketMillis()).isEqualTo(expected);
        for (Instant start : startsOfDays(days)) {
            assertThat(start.toEpochMilli() % days.bucketMillis())
                    .as(start.toString())
                    .isZero();
        }
    }

    @Test
    void everyMillisecondOfABucketShouldFallOnTheDayOfItsStartAcrossDaylightSavingChanges() {
        // given: a year in New York, with a 23-hour day (8 March) and a 25-hour day (1 November)
        Instant from = Instant.parse("2026-01-01T05:00:00Z");
        Instant to = Instant.parse("2027-01-01T05:00:00Z");
        ReportDays days = ReportDays.of(from, to, NEW_YORK);

        // when / then: the first and last millisecond of every bucket are on the bucket's day
        long buckets = (to.toEpochMilli() - days.originMillis()) / days.bucketMillis();
        for (long b = 0; b < buckets; b++) {
            long first = Math.max(days.originMillis() + b * days.bucketMillis(), from.toEpochMilli());
            long last = days.originMillis() + (b + 1) * days.bucketMillis() - 1;
            LocalDate day = days.dayOf(b);
            assertThat(Instant.ofEpochMilli(first).atZone(NEW_YORK).toLocalDate())
                    .isEqualTo(day);
            assertThat(Instant.ofEpochMilli(last).atZone(NEW_YORK).toLocalDate())
                    .isEqualTo(day);
        }
    }

    @ParameterizedTest(name = "{0} in New York is on {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-03-07T23:30    | 2026-03-07
            2026-03-08T00:30    | 2026-03-08
            2026-03-08T23:59    | 2026-03-08
            2026-03-09T00:00    | 2026-03-09
            2026-10-31T23:30    | 2026-10-31
            2026-11-01T00:30    | 2026-11-01
            2026-11-01T23:30    | 2026-11-01
            2026-11-02T00:30    | 2026-11-02
            """)
    void callsShouldBeCountedOnTheirLocalDayAroundDaylightSavingChanges(String local, String expected) {
        // given
        Instant from = Instant.parse("2026-03-01T05:00:00Z");
        Instant to = Instant.parse("2026-11-30T05:00:00Z");
        ReportDays days = ReportDays.of(from, to, NEW_YORK);
        long startedAt = LocalDateTime.parse(local).atZone(NEW_YORK).toInstant().toEpochMilli();

        // when: the bucket SQL computes
        long bucket = (startedAt - days.originMillis()) / days.bucketMillis();

        // then
        assertThat(days.dayOf(bucket)).isEqualTo(LocalDate.parse(expected));
    }

    @Test
    void aRangeStartingMidBucketShouldStillNameTheDayOfItsCalls() {
        // given: from at 23:40 New York time, a bucket of an hour that started at 23:00
        Instant from = Instant.parse("2026-12-02T04:40:00Z");
        ReportDays days = ReportDays.of(from, Instant.parse("2026-12-04T05:00:00Z"), NEW_YORK);
        long startedAt = Instant.parse("2026-12-02T04:50:00Z").toEpochMilli();

        // when
        long bucket = (startedAt - days.originMillis()) / days.bucketMillis();

        // then
        assertThat(days.originMillis()).isLessThanOrEqualTo(from.toEpochMilli());
        assertThat(days.dayOf(bucket)).isEqualTo(LocalDate.parse("2026-12-01"));
        assertThat(days.dayOf(bucket + 1)).isEqualTo(LocalDate.parse("2026-12-02"));
    }

    private static List<Instant> startsOfDays(ReportDays days) {
        List<Instant> starts = new ArrayList<>();
        LocalDate day = days.from().atZone(days.zone()).toLocalDate().plusDays(1);
        while (day.atStartOfDay(days.zone()).toInstant().isBefore(days.to())) {
            starts.add(day.atStartOfDay(days.zone()).toInstant());
            day = day.plusDays(1);
        }
        return starts;
    }

    @Test
    void hoursShouldKeepTheTwoOneOClocksOfAnAutumnChangeApartAndCutKathmanduByQuarters() {
        // given: New York's 1 November 2026, when 1 a.m. comes twice (-04:00, then -05:00)
        Instant from = Instant.parse("2026-11-01T04:00:00Z");
        ReportDays hours = ReportDays.hoursOf(from, Instant.parse("2026-11-02T05:00:00Z"), NEW_YORK);
        long firstOne =
                (Instant.parse("2026-11-01T05:30:00Z").toEpochMilli() - hours.originMillis()) / hours.bucketMillis();
        long secondOne =
                (Instant.parse("2026-11-01T06:30:00Z").toEpochMilli() - hours.originMillis()) / hours.bucketMillis();
        // then
        assertThat(hours.hourOf(firstOne)).hasToString("2026-11-01T01:00-04:00");
        assertThat(hours.hourOf(secondOne)).hasToString("2026-11-01T01:00-05:00");
        ReportDays kathmandu = ReportDays.hoursOf(
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-02T00:00:00Z"),
                ZoneId.of("Asia/Kathmandu"));
        assertThat(kathmandu.bucketMillis()).isEqualTo(900_000);
        long bucket = (Instant.parse("2026-01-01T08:14:59Z").toEpochMilli() - kathmandu.originMillis())
                / kathmandu.bucketMillis();
        assertThat(kathmandu.hourOf(bucket)).hasToString("2026-01-01T13:00+05:45");
    }
}
