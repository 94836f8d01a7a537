package org.switchboard.console;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.switchboard.platform.http.Http;

/**
 * How pages write values: instants in UTC to the second, durations as m:ss, tags as {@code key:value}, money as its
 * exact decimal with at least cents.
 */
public final class Format {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Format() {}

    static String instant(Instant at) {
        return WHEN.format(at);
    }

    /** The exact amount, never rounded, with at least two decimals ({@code 12.5} shows as {@code 12.50}). */
    public static String money(BigDecimal amount) {
        return (amount.scale() < 2 ? amount.setScale(2) : amount).toPlainString();
    }

    /**
     * The input type of a time filter holding {@code value}: a date picker while it is empty or a date, a text field
     * once it holds an instant (a date picker would drop it).
     */
    public static String timeInputType(String value) {
        return value.isEmpty() || Http.isDate(value) ? "date" : "text";
    }

    static String duration(int seconds) {
        return seconds / 60 + ":" + String.format(Locale.ROOT, "%02d", seconds % 60);
    }

    static List<String> tags(Map<String, List<String>> keyToValues) {
        List<String> out = new ArrayList<>();
        keyToValues.forEach((key, values) -> values.forEach(value -> out.add(key + ":" + value)));
        return out;
    }
}
