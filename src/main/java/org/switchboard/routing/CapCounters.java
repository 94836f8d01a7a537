package org.switchboard.routing;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.switchboard.buyer.Caps;
import org.switchboard.platform.live.LiveState.Counter;

/**
 * The live-state counters behind a buyer's or group's caps at a moment. Hourly, daily and monthly windows follow the
 * owner's time zone; the hard cap counts from its last reset. Concurrency has no window.
 *
 * <p>When counts are taken: a dial reserves one unit of every cap before the buyer's phone rings (so two
 * simultaneous calls can never both take the last unit); the unit is kept if the buyer answers and given back if
 * it does not. Concurrency is given back when the call ends. So caps count connected calls, plus calls ringing at
 * that instant.
 */
public final class CapCounters {

    /** Which cap a counter enforces, with the word used in the call log. */
    public enum Kind {
        CONCURRENCY("concurrency"),
        HOURLY("hourly"),
        DAILY("daily"),
        MONTHLY("monthly"),
        HARD("hard");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** A counter with what it stands for. {@code since} is the start of its window (for seeding from SQL). */
    public record Cap(Kind kind, Counter counter, Instant since) {}

    /** Source of a window's starting count after a restart: connected calls of the owner since an instant. */
    public interface Seeds {
        long connectedSince(String ownerType, long ownerId, Instant since);
    }

    private CapCounters() {}

    /**
     * The counters of {@code ownerType} ("buyer" or "group") {@code ownerId} for its set caps. {@code liveOnly}
     * selects just the concurrency counter (what is given back when a call ends).
     */
    public static List<Cap> of(
            String ownerType,
            long ownerId,
            Caps caps,
            ZoneId zone,
            Optional<Instant> hardCapResetAt,
            Instant now,
            Seeds seeds) {
        Owner owner = new Owner(ownerType, ownerId, seeds);
        ZonedDateTime local = now.atZone(zone);
        List<Cap> out = new ArrayList<>();
        caps.concurrency()
                .ifPresent(limit ->
                        out.add(new Cap(Kind.CONCURRENCY, Counter.leased(owner.key("live"), limit), Instant.MIN)));
        caps.hourly().ifPresent(limit -> out.add(hourly(owner, limit, local)));
        caps.daily().ifPresent(limit -> out.add(daily(owner, limit, local)));
        caps.monthly().ifPresent(limit -> out.add(monthly(owner, limit, local)));
        caps.hard().ifPresent(limit -> out.add(hard(owner, limit, hardCapResetAt.orElse(Instant.EPOCH))));
        return out;
    }

    /** Whose caps: the owner's counter keys start {@code type:id:}; its seeds count its connected calls. */
    private record Owner(String type, long id, Seeds seeds) {
        String key(String counter) {
            return type + ":" + id + ":" + counter;
        }

        Counter counter(String key, int limit, Instant until, Instant since) {
            return new Counter(key(key), limit, until, () -> seeds.connectedSince(type, id, since));
        }
    }

    private static Cap hourly(Owner owner, int limit, ZonedDateTime local) {
        ZonedDateTime start = local.truncatedTo(ChronoUnit.HOURS);
        return window(Kind.HOURLY, owner, "h" + stamp(start, true), limit, start, start.plusHours(1));
    }

    private static Cap daily(Owner owner, int limit, ZonedDateTime local) {
        ZonedDateTime start = local.truncatedTo(ChronoUnit.DAYS);
        return window(Kind.DAILY, owner, "d" + stamp(start, false), limit, start, start.plusDays(1));
    }

    private static Cap monthly(Owner owner, int limit, ZonedDateTime local) {
        ZonedDateTime start = local.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        return window(
                Kind.MONTHLY,
                owner,
                "m" + (start.getYear() * 100 + start.getMonthValue()),
                limit,
                start,
                start.plusMonths(1));
    }

    /** The hard cap counts from its last reset (from the start when never reset) and has no end. */
    private static Cap hard(Owner owner, int limit, Instant since) {
        return new Cap(Kind.HARD, owner.counter("hard" + since.toEpochMilli(), limit, Instant.MAX, since), since);
    }

    /** yyyyMMdd[HH] of a window start, as a number (cheaper than a formatter on the routing path). */
    private static long stamp(ZonedDateTime start, boolean withHour) {
        long day = start.getYear() * 10_000L + start.getMonthValue() * 100L + start.getDayOfMonth();
        return withHour ? day * 100 + start.getHour() : day;
    }

    private static Cap window(Kind kind, Owner owner, String key, int limit, ZonedDateTime start, ZonedDateTime end) {
        Instant since = start.toInstant();
        return new Cap(kind, owner.counter(key, limit, end.toInstant(), since), since);
    }
}
