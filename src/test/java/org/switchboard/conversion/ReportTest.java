package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static ReportRequest request(ReportRequest.GroupBy groupBy, Instant from, Instant to) {
        return new ReportRequest(
                from, to, groupBy, NEW_YORK, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static ReportCounters counters(long calls, long revenueMicros, long payoutMicros) {
        return new ReportCounters(calls, calls, calls, revenueMicros, payoutMicros, 0);
    }

    @Test
    void dayBucketsShouldFoldIntoTheirLocalDaysInOrder() {
        // given: New York in early November, hour buckets; 1 November has 25 hours
        Instant from = Instant.parse("2026-10-31T04:00:00Z");
        Instant to = Instant.parse("2026-11-03T05:00:00Z");
        ReportDays days = ReportDays.of(from, to, NEW_YORK);
        long hour = 3_600_000L;
        long origin = days.originMillis();
        long bucketOf1Nov0030 = (Instant.parse("2026-11-01T04:30:00Z").toEpochMilli() - origin) / hour;
        long bucketOf1Nov2330 = (Instant.parse("2026-11-02T04:30:00Z").toEpochMilli() - origin) / hour;
        long bucketOf31Oct2330 = (Instant.parse("2026-11-01T03:30:00Z").toEpochMilli() - origin) / hour;
        List<Report.Group> groups = List.of(
                new Report.Group(bucketOf1Nov2330, Optional.empty(), counters(1, 1_172_990, 0)),
                new Report.Group(bucketOf31Oct2330, Optional.empty(), counters(2, 5_000_000, 1_000_000)),
                new Report.Group(bucketOf1Nov0030, Optional.empty(), counters(3, 1_000_010, 0)));

        // when
        Report report = Report.of(request(ReportRequest.GroupBy.DAY, from, to), days, groups);

        // then
        assertThat(report.rows())
                .extracting(Report.Row::key)
                .containsExactly(LocalDate.parse("2026-10-31"), LocalDate.parse("2026-11-01"));
        assertThat(report.rows().get(1).counters()).isEqualTo(new ReportCounters(4, 4, 4, 2_173_000, 0, 0));
        assertThat(report.totals()).isEqualTo(new ReportCounters(6, 6, 6, 7_173_000, 1_000_000, 0));
    }

    @Test
    void tagSetsShouldFoldByTheTagsValuesCountingEachCallOnce() {
        // given: sums per stored tag set; two sets share ad:google, one has two values, one lacks the tag
        Instant from = Instant.parse("2026-12-01T05:00:00Z");
        ReportRequest request = new ReportRequest(
                from,
                from.plusSeconds(86_400),
                ReportRequest.GroupBy.TAG,
                NEW_YORK,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("ad"));
        List<Report.TagGroup> groups = List.of(
                new Report.TagGroup(
                        org.switchboard.tag.TagSet.of("ad", "google", "state", "IL")
                                .toStored(),
                        counters(1, 10, 0)),
                new Report.TagGroup(
                        org.switchboard.tag.TagSet.of("ad", "google").toStored(), counters(2, 20, 0)),
                new Report.TagGroup(
                        org.switchboard.tag.TagSet.of("ad", "bing", "ad", "yahoo")
                                .toStored(),
                        counters(4, 40, 0)),
                new Report.TagGroup(org.switchboard.tag.TagSet.of("state", "IL").toStored(), counters(8, 80, 0)));

        // when
        Report report = Report.ofTagValues(request, groups);

        // then: sorted by value, the call without the tag last under null; totals as if ungrouped
        assertThat(report.rows()).extracting(Report.Row::key).containsExactly("bing, yahoo", "google", null);
        assertThat(report.rows().get(1).counters().calls()).isEqualTo(3);
        assertThat(report.totals()).isEqualTo(counters(15, 150, 0));
    }

    @Test
    void entityGroupsShouldBeSortedByIdWithCallsWithoutOneLast() {
        // given
        Instant from = Instant.parse("2026-12-01T05:00:00Z");
        List<Report.Group> groups = List.of(
                new Report.Group(null, Optional.empty(), counters(1, 0, 0)),
                new Report.Group(12L, Optional.of("Beta"), counters(2, 0, 0)),
                new Report.Group(3L, Optional.empty(), counters(4, 0, 0)));

        // when
        Report report = Report.of(
                request(ReportRequest.GroupBy.PUBLISHER, from, from.plusSeconds(86_400)),
                ReportDays.of(from, from.plusSeconds(86_400), NEW_YORK),
                groups);

        // then
        assertThat(report.rows()).extracting(Report.Row::key).containsExactly(3L, 12L, null);
        assertThat(report.rows())
                .extracting(Report.Row::name)
                .containsExactly(Optional.empty(), Optional.of("Beta"), Optional.empty());
        assertThat(report.totals().calls()).isEqualTo(7);
    }

    @Test
    void noCallsShouldGiveNoRowsAndZeroTotals() {
        // given
        Instant from = Instant.parse("2026-12-01T05:00:00Z");

        // when
        Report report = Report.of(
                request(ReportRequest.GroupBy.DAY, from, from.plusSeconds(60)),
                ReportDays.of(from, from.plusSeconds(60), NEW_YORK),
                List.of());

        // then
        assertThat(report.rows()).isEmpty();
        assertThat(report.totals()).isEqualTo(ReportCounters.ZERO);
    }

    @Test
    void sumsShouldBeExactAndOverflowShouldThrowRatherThanWrap() {
        // given
        ReportCounters payouts = ReportCounters.ZERO;
        for (int i = 0; i < 1_000; i++) {
            payouts = payouts.plus(new ReportCounters(1, 1, 1, 1_675_700, 1_172_990, 0));
        }

        // then: 1,000 x 1.17299 is 1172.99 exactly; profit 1000 x (1.6757 - 1.17299)
        assertThat(ReportCounters.decimal(payouts.payoutMicros())).isEqualTo(new BigDecimal("1172.99"));
        assertThat(ReportCounters.decimal(payouts.profitMicros())).isEqualTo(new BigDecimal("502.71"));
        ReportCounters huge = new ReportCounters(1, 0, 0, Long.MAX_VALUE, 0, 0);
        assertThatThrownBy(() -> huge.plus(huge)).isInstanceOf(ArithmeticException.class);
    }

    @ParameterizedTest(name = "{0} micros -> {1}")
    @CsvSource(textBlock = """
            0,                      0
            1,                      0.000001
            1172990,                1.17299
            10000000,               10
            12500000,               12.5
            -3250000,               -3.25
            5000000000000000,       5000000000
            """)
    void decimalShouldBePlainWithoutTrailingZeros(long micros, String expected) {
        // when
        BigDecimal decimal = ReportCounters.decimal(micros);

        // then
        assertThat(decimal.toString()).isEqualTo(expected);
    }
}
