package org.switchboard.buyer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.http.Json;

class HoursOfOperationTest {
    // Monday 09:00-17:00, Friday 22:00-06:00 (overnight into Saturday), Sunday all day.
    private static final HoursOfOperation HOURS = HoursOfOperation.parse("hours", Json.read("""
            {"monday": [{"open": "09:00", "close": "17:00"}],
             "friday": [{"open": "22:00", "close": "06:00"}],
             "sunday": [{"open": "00:00", "close": "24:00"}]}"""));
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @ParameterizedTest(name = "{0} open={1}")
    @CsvSource({
        "2026-11-23T08:59, false", // Monday before opening
        "2026-11-23T09:00, true",
        "2026-11-23T16:59, true",
        "2026-11-23T17:00, false", // close is exclusive
        "2026-11-24T10:00, false", // Tuesday: not listed, closed
        "2026-11-27T21:59, false", // Friday before the night shift
        "2026-11-27T22:00, true",
        "2026-11-27T23:59, true",
        "2026-11-28T00:00, true", // Saturday morning, still Friday's shift
        "2026-11-28T05:59, true",
        "2026-11-28T06:00, false",
        "2026-11-29T00:00, true", // Sunday all day
        "2026-11-29T23:59, true",
        "2026-11-30T00:00, false" // Monday midnight: Sunday's 24:00 close does not spill over
    })
    void shiftsShouldBeReadInTheBuyersZoneIncludingOvernight(String localTime, boolean open) {
        assertThat(HOURS.isOpen(LocalDateTime.parse(localTime).atZone(NEW_YORK)))
                .isEqualTo(open);
    }

    @ParameterizedTest
    @CsvSource({"2026-11-23T14:30:00Z, true", "2026-11-23T22:30:00Z, false"})
    void instantsShouldBeConvertedToTheBuyersZoneBeforeChecking(String instant, boolean open) {
        // 14:30Z is 09:30 in New York (open); 22:30Z is 17:30 (closed)
        assertThat(HOURS.isOpen(java.time.Instant.parse(instant).atZone(NEW_YORK)))
                .isEqualTo(open);
    }

    @Test
    void storedFormShouldRoundTrip() {
        assertThat(HoursOfOperation.fromStored(Json.writeString(HOURS.asMap()))).isEqualTo(HOURS);
    }
}
