package org.switchboard.routing;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.switchboard.buyer.Caps;

/**
 * {@link CapCounters#of} kept per owner for as long as it cannot give another answer, instead of worked out for every
 * capped buyer and group of every RTB ping and call (a zone conversion, window arithmetic and key strings each time).
 *
 * <p>An owner's counters depend on its caps, zone and last hard-cap reset (compared on every look-up, so a changed
 * cap, zone or reset is seen at once, as before), and on {@code now} only through the owner's local hour and UTC
 * offset: the windows start at the local hour, day and month that hold {@code now}, resolved with {@code now}'s offset.
 * So counters worked out at {@code t} are reused for instants from {@code t} up to the end of that local hour or the
 * zone's next offset transition, whichever comes first; an earlier instant (a clock that went back, a ping that read
 * the clock before another) works them out again.
 */
final class CapCounterCache {
    /** Owners beyond this many (buyers and groups deleted over a long run) empty the cache rather than grow it. */
    static final int MAX_OWNERS = 100_000;

    private record Owner(String type, long id) {}

    /** Counters worked out at {@code from} for these inputs, good until {@code until} (exclusive). */
    private record Entry(
            Caps caps,
            ZoneId zone,
            Optional<Instant> hardCapResetAt,
            Instant from,
            Instant until,
            List<CapCounters.Cap> counters) {
        boolean answers(Caps caps, ZoneId zone, Optional<Instant> hardCapResetAt, Instant now) {
            return !now.isBefore(from)
                    && now.isBefore(until)
                    && this.caps.equals(caps)
                    && this.zone.equals(zone)
                    && this.hardCapResetAt.equals(hardCapResetAt);
        }
    }

    private final Map<Owner, Entry> ownerToEntry = new ConcurrentHashMap<>();
    private final CapCounters.Seeds seeds;

    CapCounterCache(CapCounters.Seeds seeds) {
        this.seeds = seeds;
    }

    /** What {@link CapCounters#of} gives for these arguments (an unmodifiable list). */
    List<CapCounters.Cap> of(
            String ownerType, long ownerId, Caps caps, ZoneId zone, Optional<Instant> hardCapResetAt, Instant now) {
        Owner owner = new Owner(ownerType, ownerId);
        Entry entry = ownerToEntry.get(owner);
        if (entry != null && entry.answers(caps, zone, hardCapResetAt, now)) {
            return entry.counters();
        }
        List<CapCounters.Cap> counters =
                List.copyOf(CapCounters.of(ownerType, ownerId, caps, zone, hardCapResetAt, now, seeds));
        if (ownerToEntry.size() >= MAX_OWNERS) {
            ownerToEntry.clear();
        }
        ownerToEntry.put(owner, new Entry(caps, zone, hardCapResetAt, now, sameUntil(zone, now), counters));
        return counters;
    }

    /**
     * The end of the local hour holding {@code now}, or the zone's next offset change if that comes first: until then
     * the local hour and the offset stay those of {@code now}.
     */
    static Instant sameUntil(ZoneId zone, Instant now) {
        ZoneRules rules = zone.getRules();
        ZoneOffset offset = rules.getOffset(now);
        long local = now.getEpochSecond() + offset.getTotalSeconds();
        Instant hourEnd = Instant.ofEpochSecond(Math.floorDiv(local, 3600) * 3600 + 3600 - offset.getTotalSeconds());
        ZoneOffsetTransition next = rules.nextTransition(now);
        return next != null && next.getInstant().isBefore(hourEnd) ? next.getInstant() : hourEnd;
    }
}
