package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.problem.Problem;

class ReportRequestTest {

    private static ReportRequest parse(String... pairs) {
        Map<String, String> query = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.put(pairs[i], pairs[i + 1]);
        }
        return ReportRequest.parse(name -> Optional.ofNullable(query.get(name)));
    }

    @Test
    void parseShouldDefaultToDaysInUtc() {
        // when
        ReportRequest request = parse("from", "2026-12-01T00:00:00Z", "to", "2026-12-08T00:00:00Z");

        // then
        assertThat(request.groupBy()).isEqualTo(ReportRequest.GroupBy.DAY);
        assertThat(request.timeZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(request.timeZone().getId()).isEqualTo("UTC");
        assertThat(request.campaignId()).isEmpty();
        assertThat(request.publisherId()).isEmpty();
        assertThat(request.buyerId()).isEmpty();
    }

    @Test
    void parseShouldReadATagGroupingWithItsKeyNormalised() {
        // when
        ReportRequest request = parse("from", "2026-12-01", "to", "2026-12-01", "group_by", "tag: AD");

        // then
        assertThat(request.groupBy()).isEqualTo(ReportRequest.GroupBy.TAG);
        assertThat(request.tagKey()).contains("ad");
        assertThat(request.groupByWord()).isEqualTo("tag:ad");
    }

    @Test
    void parseShouldReadEveryParameter() {
        // when
        ReportRequest request = parse(
                "from", "2026-12-01",
                "to", "2026-12-01T19:00:00-05:00",
                "group_by", "buyer",
                "time_zone", "America/New_York",
                "campaign_id", "7",
                "publisher_id", "8",
                "buyer_id", "9");

        // then: a date is the start of that day in the zone; an offset is honoured
        assertThat(request.from()).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
        assertThat(request.to()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(request.groupBy()).isEqualTo(ReportRequest.GroupBy.BUYER);
        assertThat(request.timeZone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(request.campaignId()).contains(7L);
        assertThat(request.publisherId()).contains(8L);
        assertThat(request.buyerId()).contains(9L);
    }

    @Test
    void aDateAsToShouldBeTheLastDayAskedForWhole() {
        // when
        ReportRequest oneDay = parse("from", "2026-12-01", "to", "2026-12-01", "time_zone", "America/New_York");
        ReportRequest week = parse("from", "2026-12-01", "to", "2026-12-07");
        ReportRequest instants = parse("from", "2026-12-01T00:00:00Z", "to", "2026-12-02T00:00:00Z");

        // then: as people write ranges, the end date is included; a date-time stays the exclusive end
        assertThat(oneDay.from()).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
        assertThat(oneDay.to()).isEqualTo(Instant.parse("2026-12-02T05:00:00Z"));
        assertThat(week.to()).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
        assertThat(instants.to()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    }

    @Test
    void aRangeOfExactly366DaysShouldBeAccepted() {
        // when
        ReportRequest request = parse("from", "2026-01-01T00:00:00Z", "to", "2027-01-02T00:00:00Z");

        // then
        assertThat(request.to()).isEqualTo(Instant.parse("2027-01-02T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            to=2026-12-02T00:00:00Z                                     | from        | is required
            from=2026-12-01T00:00:00Z                                   | to          | is required
            from=yesterday&to=2026-12-02T00:00:00Z                      | from        | must be an ISO-8601 instant
            from=2026-12-01T00:00:00&to=2026-12-02T00:00:00Z            | from        | must be an ISO-8601 instant
            from=2026-02-30&to=2026-12-02T00:00:00Z                     | from        | must be an ISO-8601 instant
            from=2026-12-01T00:00:00Z&to=2026-13-01                     | to          | must be an ISO-8601 instant
            from=2026-12-01T00:00:00Z&to=2026-12-01T00:00:00Z           | to          | must be after from: a date-time is the exclusive end
            from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z           | to          | must not be before from
            from=2026-12-02&to=2026-12-01                               | to          | must not be before from
            from=2026-01-01T00:00:00Z&to=2027-01-02T00:00:00.001Z       | to          | must be at most 366 days after from
            from=2026-11-01&to=2026-12-02&group_by=hour                 | to          | must be at most 31 days after from when grouping by hour
            from=2026-12-01&to=2026-12-02&group_by=week                 | group_by    | must be campaign, publisher, buyer, day, hour or tag:<key>
            from=2026-12-01&to=2026-12-02&group_by=Campaign             | group_by    | must be campaign, publisher, buyer, day, hour or tag:<key>
            from=2026-12-01&to=2026-12-02&group_by=tag                  | group_by    | must be campaign, publisher, buyer, day, hour or tag:<key>
            from=2026-12-01&to=2026-12-02&group_by=tag:                 | group_by    | tag: must name a tag key
            from=2026-12-01&to=2026-12-02&group_by=tag:a b              | group_by    | tag: must name a tag key
            from=2026-12-01&to=2026-12-02&time_zone=GMT+5               | time_zone   | is not an IANA time zone name
            from=2026-12-01&to=2026-12-02&time_zone=-05:00              | time_zone   | is not an IANA time zone name
            from=2026-12-01&to=2026-12-02&time_zone=Mars/Olympus        | time_zone   | is not an IANA time zone name
            from=2026-12-01&to=2026-12-02&campaign_id=0                 | campaign_id | must be a positive whole-number id
            from=2026-12-01&to=2026-12-02&publisher_id=x                | publisher_id | must be a positive whole-number id
            from=2026-12-01&to=2026-12-02&buyer_id=-4                   | buyer_id    | must be a positive whole-number id
            """)
    void parseShouldRefuseNamingTheParameter(String query, String field, String message) {
        // given
        String[] pairs = query.replace('=', '&').split("&", -1);

        // when / then
        assertThatThrownBy(() -> parse(pairs)).isInstanceOfSatisfying(Problem.Invalid.class, e -> {
            assertThat(e.field()).contains(field);
            assertThat(e.getMessage()).startsWith(message);
        });
    }
}
