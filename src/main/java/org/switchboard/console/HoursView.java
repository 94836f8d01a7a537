package org.switchboard.console;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import org.switchboard.buyer.HoursOfOperation;

/**
 * The weekly hours grid of a buyer: a row per weekday with its shifts to edit, and beside it the week as 24 hour cells
 * per day, filled where the buyer is open (computed by the same {@link HoursOfOperation#isOpen} routing asks, so an
 * overnight shift shows on the next morning too).
 */
public record HoursView(List<Day> days, boolean alwaysOpen) {
    /** One weekday: its word in the form ({@code monday}), its name, and whether each hour (0-23) is open. */
    public record Day(String word, String name, List<Boolean> openHours) {}

    /** A Monday, to place the weekdays of the preview on (the zone does not matter: hours are the buyer's own). */
    private static final LocalDate MONDAY = LocalDate.of(2024, 1, 1);

    public static HoursView of(Optional<HoursOfOperation> hours) {
        List<Day> days = new ArrayList<>();
        for (DayOfWeek day : DayOfWeek.values()) {
            LocalDate date = MONDAY.plusDays(day.ordinal());
            List<Boolean> open = IntStream.range(0, 24)
                    .mapToObj(
                            hour -> hours.map(h -> isOpenDuring(h, date, hour)).orElse(true))
                    .toList();
            days.add(new Day(
                    day.name().toLowerCase(Locale.ROOT), day.getDisplayName(TextStyle.FULL, Locale.ENGLISH), open));
        }
        return new HoursView(days, hours.isEmpty());
    }

    /** Open at some point of the hour (on the hour or at half past). */
    private static boolean isOpenDuring(HoursOfOperation hours, LocalDate date, int hour) {
        return hours.isOpen(date.atTime(hour, 0).atZone(ZoneOffset.UTC))
                || hours.isOpen(date.atTime(hour, 30).atZone(ZoneOffset.UTC));
    }

    /** The shift rows offered per day. */
    public List<Integer> shifts() {
        return IntStream.range(0, ConfigForm.SHIFTS).boxed().toList();
    }

    public List<Integer> hours() {
        return IntStream.range(0, 24).boxed().toList();
    }
}
