package org.switchboard.conversion;

import java.math.BigDecimal;
import org.switchboard.platform.money.Money;

/** How a conversion's payout (what the publisher earns) is worked out. */
public sealed interface PayoutRule {
    /** A fixed amount per conversion, whatever the revenue. */
    record Static(Money amount) implements PayoutRule {}

    /** A share of the revenue: {@code 70} is 70% (0 to 1000). */
    record PercentOfRevenue(BigDecimal percent) implements PayoutRule {}

    /** The value of a call tag. */
    record FromTag(String key) implements PayoutRule {}

    /** The revenue passed through a {@link PayoutModifier}; an empty modifier pays the revenue itself. */
    record Modifier(PayoutModifier modifier) implements PayoutRule {}

    default String word() {
        return switch (this) {
            case Static _ -> "static";
            case PercentOfRevenue _ -> "percent";
            case FromTag _ -> "tag";
            case Modifier _ -> "modifier";
        };
    }
}
