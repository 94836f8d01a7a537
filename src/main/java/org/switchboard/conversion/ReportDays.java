package org.switchboard.conversion;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The calendar days of a time zone over a report's range, and how SQL can group calls by them.
 *
 * <p>SQL groups calls by {@code (started_at - origin) / bucketMillis} (one integer division per call, so a year of millions of
 * calls comes back as at most a few thousand groups), and {@link #dayOf} folds each bucket into its day. That is exact
 * because {@code bucketMillis} divides the epoch milliseconds of every start of a day inside the range: no bucket
 * straddles midnight, whatever the zone's offsets and daylight-saving changes do (days of 23 or 25 hours in New York,
 * half-hour offsets in India). {@code origin} is the multiple of the width at or before {@code from}, so the division
 * never sees a negative number (SQL truncates towards zero). The width is the greatest common divisor of those instants and one day: a whole day in
 * UTC, an hour in New York, half an hour in Kolkata. The alternatives cost more per call: a CASE or a range join over
 * the range's days compares each call with up to 367 boundaries (on a year of 1,010,000 calls in SQLite: 2.4 s and
 * 25 s, against 1.0 s for the division and 0.9 s with no grouping at all; docs/benchmarks.md), and streaming every
 * call's instant to Java would move millions of rows instead of thousands.
 */
record ReportDays(Instant from, Instant to, ZoneId zone, long bucketMillis) {
    static final long DAY_MILLIS = 86_400_000L;
    static final long HOUR_MILLIS = 3_600_000L;

    static ReportDays of(Instant from, Instant to, ZoneId zone) {
        long width = DAY_MILLIS;
        LocalDate day = from.atZone(zone).toLocalDate().plusDays(1);
        for (Instant start = day.atStartOfDay(zone).toInstant();
                start.isBefore(to);
                day = day.plusDays(1), start = day.atStartOfDay(zone).toInstant()) {
            width = gcd(width, Math.abs(start.toEpochMilli()));
        }
        return new ReportDays(from, to, zone, width);
    }

    /**
     * The same for the hours of the zone: the width divides the start of every hour in the range (an hour in UTC, a
     * quarter of an hour in Kathmandu); used for ranges of at most {@link ReportRequest#MAX_HOUR_RANGE}.
     */
    static ReportDays hoursOf(Instant from, Instant to, ZoneId zone) {
        long width = HOUR_MILLIS;
        ZonedDateTime hour = from.atZone(zone).truncatedTo(ChronoUnit.HOURS).plusHours(1);
        for (; hour.toInstant().isBefore(to); hour = hour.plusHours(1)) {
            width = gcd(width, Math.abs(hour.toInstant().toEpochMilli()));
        }
        return new ReportDays(from, to, zone, width);
    }

    /**
     * The hour of the calls in SQL bucket {@code bucket}, with the zone's offset then (so the two 1 a.m. hours of a
     * daylight-saving change in autumn stay two rows).
     */
    OffsetDateTime hourOf(long bucket) {
        long start = Math.max(originMillis() + bucket * bucketMillis, from.toEpochMilli());
        return Instant.ofEpochMilli(start)
                .atZone(zone)
                .truncatedTo(ChronoUnit.HOURS)
                .toOffsetDateTime();
    }

    /** Where bucket 0 starts: the multiple of the width at or before {@code from}. */
    long originMillis() {
        return Math.floorDiv(from.toEpochMilli(), bucketMillis) * bucketMillis;
    }

    /** The day of the calls in SQL bucket {@code bucket} (calls start in the range, so the bucket is clipped to it). */
    LocalDate dayOf(long bucket) {
        long start = Math.max(originMillis() + bucket * bucketMillis, from.toEpochMilli());
        return Instant.ofEpochMilli(start).atZone(zone).toLocalDate();
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long r = a % b;
            a = b;
            b = r;
        }
        return a;
    }
}
