package org.switchboard.conversion;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;

/**
 * What was decided about one call's conversion, and the money it carries. {@code revenue} and {@code payout} are zero
 * unless the call converted; {@code reason} says in words why it did or did not (or what it waits for).
 *
 * @param posted the value the buyer posted back, if a postback converted the call
 * @param buyerRevenue the buyer's own view of the call (its criteria), zero unless {@code buyerConverted}
 */
public record Conversion(
        long callId,
        AccountId accountId,
        State state,
        Optional<Long> criterionId,
        String reason,
        Optional<Instant> deadlineAt,
        Optional<Instant> decidedAt,
        Optional<Instant> convertedAt,
        Money revenue,
        Money payout,
        Optional<Money> posted,
        Optional<Instant> postbackAt,
        Optional<Long> buyerCriterionId,
        boolean buyerConverted,
        Money buyerRevenue,
        boolean postCallFired) {

    public enum State {
        /** A postback criterion judges the call: waiting for the buyer's postback until the deadline. */
        PENDING,
        CONVERTED,
        NOT_CONVERTED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean converted() {
        return state == State.CONVERTED;
    }

    public Money profit() {
        return revenue.minus(payout);
    }
}
