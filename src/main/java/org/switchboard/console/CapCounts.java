package org.switchboard.console;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.switchboard.buyer.Caps;
import org.switchboard.routing.CapLookup;
import org.switchboard.routing.RoutingService;

/** The count beside each set cap of a buyer or group, as routing reads it now ({@code hourly_cap} → "now 3 of 10"). */
final class CapCounts {
    private CapCounts() {}

    static Map<String, String> of(
            RoutingService routing,
            String ownerType,
            long ownerId,
            Caps caps,
            ZoneId zone,
            Optional<Instant> hardCapResetAt,
            Instant now) {
        Map<String, String> out = new LinkedHashMap<>();
        for (CapLookup.CapState state :
                routing.capStates(ownerType, ownerId, caps, new CapLookup.CapContext(zone, hardCapResetAt), now)) {
            out.put(
                    state.kind().word() + "_cap",
                    "now " + state.used() + " of " + state.limit() + (state.full() ? " (full)" : ""));
        }
        return out;
    }
}
