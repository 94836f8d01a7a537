package org.switchboard.routing;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.switchboard.buyer.Caps;

/** How full the caps of a buyer or group are now; the call flow reads live state, tests give fixed numbers. */
@FunctionalInterface
public interface CapLookup {
    /** One state per cap that is set; {@code ownerType} is "buyer" or "group". */
    List<CapState> states(String ownerType, long ownerId, Caps caps, CapContext context);

    /** A cap's use against its limit. */
    record CapState(CapCounters.Kind kind, long used, long limit) {
        public boolean full() {
            return used >= limit;
        }

        @Override
        public String toString() {
            return kind.word() + " " + used + "/" + limit;
        }
    }

    /** What a cap's window depends on besides the caps: the owner's zone and last hard-cap reset. */
    record CapContext(ZoneId zone, Optional<Instant> hardCapResetAt) {}
}
