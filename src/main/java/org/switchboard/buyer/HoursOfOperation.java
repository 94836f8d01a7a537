package org.switchboard.buyer;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

/**
 * When a buyer takes calls, per weekday, in the buyer's own time zone. Each day holds shifts {@code {"open":
 * "09:00", "close": "17:00"}}; a shift whose close is not after its open runs overnight into the next day
 * ({@code 22:00-06:00} covers Monday 22:00 to Tuesday 06:00). {@code 24:00} closes at midnight; {@code 00:00-24:00}
 * is the whole day. A day that is not listed is closed. A buyer without hours of operation is always open. Pure.
 */
public record HoursOfOperation(Map<DayOfWeek, List<Shift>> dayToShifts) {
    private static final Pattern TIME = Pattern.compile("(\\d{2}):(\\d{2})");

    /**
     * A shift in minutes from midnight; {@code closeMinute} 1440 is midnight at the end of the day ("24:00"), and a
     * close not after the open means the shift ends the next day.
     */
    public record Shift(int openMinute, int closeMinute) {
        boolean overnight() {
            return closeMinute <= openMinute;
        }
    }

    public HoursOfOperation {
        var copy = new EnumMap<DayOfWeek, List<Shift>>(DayOfWeek.class);
        dayToShifts.forEach((day, shifts) -> copy.put(day, List.copyOf(shifts)));
        dayToShifts = copy;
    }

    /** Whether {@code at} (already in the buyer's zone) falls in a shift, including last night's overnight shift. */
    public boolean isOpen(ZonedDateTime at) {
        LocalDateTime local = at.toLocalDateTime();
        int minute = local.getHour() * 60 + local.getMinute();
        for (Shift shift : dayToShifts.getOrDefault(local.getDayOfWeek(), List.of())) {
            if (minute >= shift.openMinute() && (shift.overnight() || minute < shift.closeMinute())) {
                return true;
            }
        }
        for (Shift shift : dayToShifts.getOrDefault(local.getDayOfWeek().minus(1), List.of())) {
            if (shift.overnight() && minute < shift.closeMinute()) {
                return true;
            }
        }
        return false;
    }

    /** The wire and stored form: {@code {"monday": [{"open": "09:00", "close": "17:00"}], ...}}. */
    public Map<String, List<Map<String, String>>> asMap() {
        Map<String, List<Map<String, String>>> out = new LinkedHashMap<>();
        dayToShifts.forEach((day, shifts) -> out.put(
                day.name().toLowerCase(Locale.ROOT),
                shifts.stream()
                        .map(shift -> {
                            Map<String, String> wire = new LinkedHashMap<>();
                            wire.put("open", time(shift.openMinute()));
                            wire.put("close", time(shift.closeMinute()));
                            return wire;
                        })
                        .toList()));
        return out;
    }

    private static String time(int minute) {
        return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
    }

    public static HoursOfOperation fromStored(String json) {
        return parse(null, Json.read(json));
    }

    /** Reads hours from a request, naming {@code field} (and the day) in errors. */
    public static HoursOfOperation parse(@Nullable String field, JsonNode node) {
        if (!node.isObject()) {
            throw new Problem.Invalid(field, "must be an object of weekday names to shifts");
        }
        Map<DayOfWeek, List<Shift>> dayToShifts = new EnumMap<>(DayOfWeek.class);
        for (var entry : node.properties()) {
            DayOfWeek day = day(field, entry.getKey());
            if (!entry.getValue().isArray()) {
                throw new Problem.Invalid(field, entry.getKey() + " must be an array of {open, close} shifts");
            }
            List<Shift> shifts = new ArrayList<>();
            for (JsonNode shift : entry.getValue()) {
                if (!shift.isObject()) {
                    throw new Problem.Invalid(field, entry.getKey() + ": each shift is {\"open\", \"close\"}");
                }
                shift.fieldNames().forEachRemaining(name -> {
                    if (!name.equals("open") && !name.equals("close")) {
                        throw new Problem.Invalid(
                                field, entry.getKey() + ": '" + name + "' is not a shift field (open, close)");
                    }
                });
                int open = minute(field, entry.getKey(), shift.path("open"), false);
                int close = minute(field, entry.getKey(), shift.path("close"), true);
                if (open == close) {
                    throw new Problem.Invalid(
                            field,
                            entry.getKey() + ": a shift needs different open and close times (all day is 00:00-24:00)");
                }
                shifts.add(new Shift(open, close));
            }
            dayToShifts.put(day, shifts);
        }
        return new HoursOfOperation(dayToShifts);
    }

    private static DayOfWeek day(@Nullable String field, String name) {
        try {
            return DayOfWeek.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Problem.Invalid(field, "'" + name + "' is not a weekday name such as monday");
        }
    }

    private static int minute(@Nullable String field, String day, JsonNode value, boolean mayBeMidnight) {
        Matcher matcher = TIME.matcher(value.isTextual() ? value.asText() : "");
        if (matcher.matches()) {
            int hour = Integer.parseInt(matcher.group(1));
            int minute = Integer.parseInt(matcher.group(2));
            boolean midnight = mayBeMidnight && hour == 24 && minute == 0;
            if (midnight || (hour < 24 && minute < 60)) {
                return hour * 60 + minute;
            }
        }
        throw new Problem.Invalid(field, day + ": shifts need open and close times as HH:MM");
    }
}
