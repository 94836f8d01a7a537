package org.switchboard.conversion;

import org.switchboard.platform.money.Money;

/** Where a conversion's revenue (what the buyer pays) comes from. */
public sealed interface RevenueRule {
    /** A fixed amount per conversion. */
    record Static(Money amount) implements RevenueRule {}

    /** The value the buyer posts back with the conversion ({@code value=} on the postback URL). */
    record Posted() implements RevenueRule {}

    /**
     * The value of a call tag, such as a bidding buyer's {@code retreaver_rtb_44407_bid} ({@code "12.50"} or
     * {@code "$12.50"}).
     */
    record FromTag(String key) implements RevenueRule {}

    default String word() {
        return switch (this) {
            case Static _ -> "static";
            case Posted _ -> "posted";
            case FromTag _ -> "tag";
        };
    }
}
