package org.switchboard.conversion;

import java.math.BigDecimal;
import org.switchboard.platform.money.Money;

/**
 * What the money report counts for a group of calls. Amounts are micro-dollars in {@code long}s, added exactly (an
 * overflow throws rather than wraps); they are turned into decimals only for the answer.
 *
 * @param calls calls that started in the range, live and pending ones included
 * @param connected calls a buyer answered
 * @param converted calls whose conversion decision is {@code converted}
 * @param revenueMicros the revenue of the converted calls
 * @param payoutMicros the publishers' payout of the converted calls
 * @param buyerRevenueMicros the buyers' own view of their revenue (their criteria), of decided calls
 */
public record ReportCounters(
        long calls, long connected, long converted, long revenueMicros, long payoutMicros, long buyerRevenueMicros) {

    public static final ReportCounters ZERO = new ReportCounters(0, 0, 0, 0, 0, 0);

    public ReportCounters plus(ReportCounters other) {
        return new ReportCounters(
                Math.addExact(calls, other.calls),
                Math.addExact(connected, other.connected),
                Math.addExact(converted, other.converted),
                Math.addExact(revenueMicros, other.revenueMicros),
                Math.addExact(payoutMicros, other.payoutMicros),
                Math.addExact(buyerRevenueMicros, other.buyerRevenueMicros));
    }

    /** Revenue less payout; negative when publishers were paid more than the calls brought. */
    public long profitMicros() {
        return Math.subtractExact(revenueMicros, payoutMicros);
    }

    /**
     * Micro-dollars as an exact JSON decimal without trailing zeros and never in exponent form ({@code 12.5},
     * {@code 1.17299}, {@code 0}, {@code 1000}). Not {@code Money}: a report's sums may exceed one billion dollars.
     */
    public static BigDecimal decimal(long micros) {
        return Money.plain(BigDecimal.valueOf(micros, Money.SCALE));
    }
}
