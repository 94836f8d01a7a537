package org.switchboard.rtb;

import java.math.BigInteger;
import java.time.Duration;

/**
 * The arithmetic of the ping shield, pure so that a table covers it. {@link PingShield} reads and counts in live
 * state and asks these.
 *
 * <p>Claim-based limit: a key's claim-to-ping ratio is measured over a rolling {@link #CLAIM_WINDOW} (an hour),
 * approximated the usual way from two fixed windows: all of the current window's counts plus the previous window's
 * weighted by the share of it still inside the rolling hour. It is judged only once the window holds at least
 * {@link #MIN_SAMPLE} pings, so a new or quiet key is never throttled on a handful of pings. Below the threshold,
 * {@code blocked_inbound_percent} of the key's pings are blocked, spread evenly and deterministically: ping {@code i}
 * (counted while the key is limited) is blocked when {@code floor(i*B/100) > floor((i-1)*B/100)}, so exactly B of
 * every 100 consecutive pings are.
 *
 * <p>Outbound limit: at most N pings per window of M milliseconds go on to buyers. Windows are fixed and aligned on
 * multiples of M since the epoch (every node agrees on them without talking), so a burst straddling a boundary may
 * see up to 2N within M ms; within any one window never more than N.
 */
public final class PingShieldPolicy {
    public static final Duration CLAIM_WINDOW = Duration.ofHours(1);
    public static final long MIN_SAMPLE = 100;

    /** The weight of a whole window's counts. */
    private static final long WHOLE = 1_000;

    private PingShieldPolicy() {}

    /** The fixed window of {@code windowMillis} that {@code nowMillis} falls in. */
    public static long windowIndex(long nowMillis, long windowMillis) {
        return Math.floorDiv(nowMillis, windowMillis);
    }

    /** Milliseconds of the current window already gone at {@code nowMillis}. */
    public static long elapsedInWindow(long nowMillis, long windowMillis) {
        return Math.floorMod(nowMillis, windowMillis);
    }

    /** Whether the ping that made the window's count {@code countInWindow} is over the limit of {@code limit}. */
    public static boolean outboundLimited(long countInWindow, long limit) {
        return countInWindow > limit;
    }

    /** Pings and claims of a key in the previous and the current claim window. */
    public record ClaimCounts(long previousPings, long previousClaims, long currentPings, long currentClaims) {}

    /**
     * Whether the key's claim ratio over the rolling window is below {@code thresholdPercent}, once the window holds
     * at least {@link #MIN_SAMPLE} pings. Exact integer arithmetic, the previous window weighted in thousandths.
     */
    public static boolean belowClaimThreshold(
            ClaimCounts counts, long elapsedMillis, long windowMillis, long thresholdPercent) {
        long previousWeight = (windowMillis - elapsedMillis) * WHOLE / windowMillis;
        long pings = counts.previousPings() * previousWeight + counts.currentPings() * WHOLE;
        long claims = counts.previousClaims() * previousWeight + counts.currentClaims() * WHOLE;
        if (pings < MIN_SAMPLE * WHOLE) {
            return false;
        }
        // claims / pings < T / 100, without division
        return productLess(claims, 100, thresholdPercent, pings);
    }

    /** {@code a * b < c * d} for non-negative longs, exact even when a product overflows a long. */
    static boolean productLess(long a, long b, long c, long d) {
        try {
            return Math.multiplyExact(a, b) < Math.multiplyExact(c, d);
        } catch (ArithmeticException overflow) {
            return BigInteger.valueOf(a)
                            .multiply(BigInteger.valueOf(b))
                            .compareTo(BigInteger.valueOf(c).multiply(BigInteger.valueOf(d)))
                    < 0;
        }
    }

    /** Whether the {@code ordinal}-th limited ping (from 1) is one of the {@code blockedPercent} blocked. */
    public static boolean blocksOrdinal(long ordinal, long blockedPercent) {
        long percent = Math.clamp(blockedPercent, 0, 100);
        return Math.floorDiv(ordinal * percent, 100) > Math.floorDiv((ordinal - 1) * percent, 100);
    }
}
