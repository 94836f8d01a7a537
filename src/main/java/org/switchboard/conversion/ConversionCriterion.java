package org.switchboard.conversion;

import java.time.Instant;
import java.util.Locale;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagFilter;

/**
 * One conversion criterion of a campaign or a buyer: for calls whose tags satisfy {@code matches}, when the call
 * converts ({@code trigger}) and for how much ({@code revenue}, {@code payout}). A call is judged by the first
 * criterion of its owner, in {@code position} order, that it matches ({@link ConversionPolicy#select}).
 *
 * @param owner a campaign's criteria decide the publisher's payout; a buyer's give that buyer's own revenue view
 * @param position 1..n within the owner's criteria
 * @param duplicateWindowSeconds 0 for none; otherwise a conversion from the same caller within this many seconds of
 *     an earlier one under the same owner counts as a duplicate (applied by the call flow)
 */
public record ConversionCriterion(
        long id,
        AccountId accountId,
        Owner owner,
        long ownerId,
        int position,
        String name,
        TagFilter matches,
        Trigger trigger,
        RevenueRule revenue,
        PayoutRule payout,
        int duplicateWindowSeconds,
        Instant createdAt,
        Instant updatedAt) {

    public enum Owner {
        CAMPAIGN,
        BUYER;

        public String stored() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The change to the owner {@code ownerId} of this kind (its criteria changed). */
        public ConfigChange change(AccountId account, long ownerId) {
            return new ConfigChange(
                    this == CAMPAIGN ? ConfigChange.Kind.CAMPAIGN : ConfigChange.Kind.BUYER, account, ownerId);
        }

        /** The owner's SQL table, to lock its row while its criteria are renumbered. */
        String table() {
            return switch (this) {
                case CAMPAIGN -> "campaigns";
                case BUYER -> "buyers";
            };
        }
    }
}
