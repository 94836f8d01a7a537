package org.switchboard.platform.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Durations written as settings are: {@code 500ms}, {@code 5s}, {@code 5m}, {@code 2h}, {@code 5d}. */
public final class Waits {
    private Waits() {}

    /** One duration with its unit; an {@link IllegalArgumentException} naming the text otherwise. */
    public static Duration parse(String text) {
        String p = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (p.endsWith("ms")) {
                return nonNegative(Duration.ofMillis(Long.parseLong(p.substring(0, p.length() - 2))), p);
            }
            long n = Long.parseLong(p.substring(0, p.length() - 1));
            return nonNegative(
                    switch (p.charAt(p.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        case 'h' -> Duration.ofHours(n);
                        case 'd' -> Duration.ofDays(n);
                        default -> throw new IllegalArgumentException("'" + p + "' needs a unit: ms, s, m, h or d");
                    },
                    p);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("'" + p + "' is not a duration such as 5s, 5m or 2h", e);
        }
    }

    /** A comma-separated list of durations; blank parts are skipped, so an empty text is an empty list. */
    public static List<Duration> parseList(String text) {
        List<Duration> waits = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                waits.add(parse(part));
            }
        }
        return List.copyOf(waits);
    }

    private static Duration nonNegative(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        return d;
    }
}
