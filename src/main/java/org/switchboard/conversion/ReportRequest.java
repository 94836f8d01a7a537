package org.switchboard.conversion;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.time.Zones;
import org.switchboard.tag.TagSet;

/**
 * What a money report asks for, checked: calls that started in {@code [from, to)} (at most {@link #MAX_RANGE}), grouped
 * by {@code groupBy} (for {@link GroupBy#TAG} the values of the tag {@code tagKey}: {@code group_by=tag:ad}), days
 * counted in {@code timeZone}, optionally only one campaign's, publisher's or answering buyer's calls.
 *
 * <p>The query names its end as people write date ranges: a date given as {@code to} is the last day asked for, whole
 * ({@code from=2026-12-01&to=2026-12-01} is that one day), while a date-time given as {@code to} is the exclusive
 * instant the range stops at. {@link #to} is always the exclusive instant.
 */
public record ReportRequest(
        Instant from,
        Instant to,
        GroupBy groupBy,
        ZoneId timeZone,
        Optional<Long> campaignId,
        Optional<Long> publisherId,
        Optional<Long> buyerId,
        Optional<String> tagKey) {

    /** Longer ranges are refused: a year of days is what a report page can show, and it bounds the query. */
    public static final Duration MAX_RANGE = Duration.ofDays(366);
    /** The longest range grouped by hour (a month of hours: 744 rows). */
    public static final Duration MAX_HOUR_RANGE = Duration.ofDays(31);

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final String WHEN =
            "an ISO-8601 instant such as 2026-12-01T05:00:00Z (an offset such as -05:00 may replace the Z) or a date"
                    + " such as 2026-12-01 (that whole day in time_zone: from its start, or as to up to its end)";

    /** What the rows are keyed by. */
    public enum GroupBy {
        CAMPAIGN,
        PUBLISHER,
        BUYER,
        DAY,
        /** by the hours of the time zone, for ranges of at most {@link #MAX_HOUR_RANGE} */
        HOUR,
        /** by the value of one tag, {@code tag:<key>} */
        TAG;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<GroupBy> fromWord(String word) {
            return Arrays.stream(values()).filter(g -> g.word().equals(word)).findFirst();
        }
    }

    /**
     * Reads and checks the query parameters ({@code query} answers a parameter's stripped, non-blank value); the first
     * problem is a 400 naming its parameter.
     */
    public static ReportRequest parse(Function<String, Optional<String>> query) {
        // the zone first: a date given as from or to is a day of that zone
        ZoneId zone = query.apply("time_zone")
                .map(name -> Zones.iana(name).orElseThrow(() -> new Problem.Invalid("time_zone", Zones.RULE)))
                .orElse(UTC);
        Instant from = instant(query, "from", zone, false);
        Instant to = instant(query, "to", zone, true);
        if (!to.isAfter(from)) {
            throw new Problem.Invalid(
                    "to",
                    to.equals(from) && !Http.isDate(query.apply("to").orElse(""))
                            ? "must be after from: a date-time is the exclusive end of the range (for one whole day"
                                    + " give dates: from=2026-12-01&to=2026-12-01)"
                            : "must not be before from");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new Problem.Invalid("to", "must be at most 366 days after from");
        }
        String groupWord = query.apply("group_by").orElse(GroupBy.DAY.word());
        Optional<String> tagKey = Optional.empty();
        if (groupWord.startsWith("tag:")) {
            String key = TagSet.normalizeKey(groupWord.substring("tag:".length()));
            if (!TagSet.isValidKey(key)) {
                throw new Problem.Invalid(
                        "group_by", "tag: must name a tag key, such as tag:ad (letters, digits, _ and -)");
            }
            tagKey = Optional.of(key);
        }
        GroupBy groupBy = tagKey.isPresent()
                ? GroupBy.TAG
                : GroupBy.fromWord(groupWord)
                        .filter(g -> g != GroupBy.TAG)
                        .orElseThrow(() -> new Problem.Invalid(
                                "group_by",
                                "must be campaign, publisher, buyer, day, hour or tag:<key> (such as tag:ad)"));
        if (groupBy == GroupBy.HOUR && Duration.between(from, to).compareTo(MAX_HOUR_RANGE) > 0) {
            throw new Problem.Invalid(
                    "to", "must be at most 31 days after from when grouping by hour (group_by=day for longer ranges)");
        }
        return new ReportRequest(
                from,
                to,
                groupBy,
                zone,
                id(query, "campaign_id"),
                id(query, "publisher_id"),
                id(query, "buyer_id"),
                tagKey);
    }

    /** The grouping as the query writes it: {@code day}, {@code campaign}, ... or {@code tag:<key>}. */
    public String groupByWord() {
        return tagKey.map(key -> "tag:" + key).orElse(groupBy.word());
    }

    /** A date is the start of that day in {@code zone}, or of the next day when it ends the range (inclusive). */
    private static Instant instant(Function<String, Optional<String>> query, String name, ZoneId zone, boolean end) {
        String raw = query.apply(name).orElseThrow(() -> new Problem.Invalid(name, "is required: " + WHEN));
        return Http.parseBound(name, raw, zone, end, WHEN);
    }

    private static Optional<Long> id(Function<String, Optional<String>> query, String name) {
        return query.apply(name).map(raw -> Http.parseId(name, raw));
    }
}
