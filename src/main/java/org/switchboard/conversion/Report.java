package org.switchboard.conversion;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.switchboard.tag.TagSet;

/**
 * A money report: one row per campaign, publisher, buyer, day, hour or tag value that has calls in the range, sorted by key
 * (calls without a publisher, an answering buyer or the tag last, under a null key), and the totals of all rows.
 *
 * @param rows {@code key} is a {@link LocalDate} when grouping by day, an {@link OffsetDateTime} (the hour's start)
 *     when grouping by hour, the tag's values when grouping by a tag,
 *     otherwise the entity's id or null
 */
public record Report(ReportRequest request, List<Row> rows, ReportCounters totals) {

    /** One group; {@code name} is the entity's current name, empty for days, for calls without one, or once deleted. */
    public record Row(@Nullable Object key, Optional<String> name, ReportCounters counters) {}

    /** What the SQL aggregation answers per group: an entity id (null for none) or a bucket of {@link ReportDays}. */
    record Group(@Nullable Long key, Optional<String> name, ReportCounters counters) {}

    /** Assembles the report from the SQL groups; day buckets are folded into the days of {@code days}. */
    static Report of(ReportRequest request, ReportDays days, List<Group> groups) {
        List<Row> rows = new ArrayList<>();
        if (request.groupBy() == ReportRequest.GroupBy.DAY) {
            Map<LocalDate, ReportCounters> dayToCounters = new TreeMap<>();
            for (Group group : groups) {
                dayToCounters.merge(days.dayOf(requireBucket(group.key())), group.counters(), ReportCounters::plus);
            }
            dayToCounters.forEach((day, counters) -> rows.add(new Row(day, Optional.empty(), counters)));
        } else if (request.groupBy() == ReportRequest.GroupBy.HOUR) {
            Map<OffsetDateTime, ReportCounters> hourToCounters = new TreeMap<>();
            for (Group group : groups) {
                hourToCounters.merge(days.hourOf(requireBucket(group.key())), group.counters(), ReportCounters::plus);
            }
            hourToCounters.forEach((hour, counters) -> rows.add(new Row(hour, Optional.empty(), counters)));
        } else {
            groups.stream()
                    .sorted(Comparator.comparing(Group::key, Comparator.nullsLast(Comparator.naturalOrder())))
                    .forEach(group -> rows.add(new Row(group.key(), group.name(), group.counters())));
        }
        ReportCounters totals = rows.stream().map(Row::counters).reduce(ReportCounters.ZERO, ReportCounters::plus);
        return new Report(request, List.copyOf(rows), totals);
    }

    /** What the SQL aggregation answers when grouping by a tag: the calls with one stored tag set, summed. */
    record TagGroup(String storedTags, ReportCounters counters) {}

    /**
     * Assembles a report grouped by the tag {@code request.tagKey()} from sums per stored tag set: each set is counted
     * once, under its values of the tag joined with {@code ", "} (a call with two values is one row's, not two, so the
     * totals stay those of the ungrouped report), or under a null key when it lacks the tag.
     */
    static Report ofTagValues(ReportRequest request, List<TagGroup> groups) {
        String key = request.tagKey().orElseThrow();
        Map<String, ReportCounters> valueToCounters = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
        for (TagGroup group : groups) {
            var values = TagSet.fromStored(group.storedTags()).values(key);
            valueToCounters.merge(
                    values.isEmpty() ? null : String.join(", ", values), group.counters(), ReportCounters::plus);
        }
        List<Row> rows = new ArrayList<>();
        valueToCounters.forEach((value, counters) -> rows.add(new Row(value, Optional.ofNullable(value), counters)));
        ReportCounters totals = rows.stream().map(Row::counters).reduce(ReportCounters.ZERO, ReportCounters::plus);
        return new Report(request, List.copyOf(rows), totals);
    }

    private static long requireBucket(@Nullable Long key) {
        if (key == null) {
            throw new IllegalStateException("a day bucket is never null: every call has a start");
        }
        return key;
    }
}
