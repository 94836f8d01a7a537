package org.switchboard.platform.time;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Instants as ISO-8601 UTC with exactly three fraction digits ({@code 2024-05-29T16:16:18.246Z}), the shape of the
 * reference's {@code expires_at}. {@link Instant#toString} drops zero milliseconds and prints micro- or nanoseconds
 * when there are any, so integrations parsing a fixed shape would break on some instants but not others.
 */
public final class IsoMillis {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IsoMillis() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
