package org.switchboard.platform.time;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;

/** The time zones Switchboard accepts from people: IANA region names such as {@code America/New_York}, or UTC. */
public final class Zones {
    public static final String RULE = "is not an IANA time zone name such as America/New_York or UTC";

    private Zones() {}

    /**
     * The zone named {@code name}, or empty when it is not an IANA region name or {@code UTC}: fixed offsets
     * ({@code GMT+5}, {@code -05:00}) and the legacy SystemV zones are refused because they ignore daylight saving.
     */
    public static Optional<ZoneId> iana(String name) {
        boolean region = ZoneId.getAvailableZoneIds().contains(name) && !name.startsWith("SystemV/");
        if (!region && !name.equals("UTC")) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(name));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
