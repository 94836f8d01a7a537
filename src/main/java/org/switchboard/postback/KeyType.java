package org.switchboard.postback;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.switchboard.account.Feature;

/**
 * The behaviours a postback key can be locked to, and the entities each may live on, exactly the matrix of the
 * reference platform: campaign (RTB, caller lists), publisher (RTB, data writing), buyer (conversion, caller lists),
 * buyer group (rejection, transfer, data reading, conversion), and the company (data writing, caller lists). Two
 * types are gated by an account feature, as on the reference platform.
 */
public enum KeyType {
    REAL_TIME_BIDDING(Set.of(Owner.CAMPAIGN, Owner.PUBLISHER), Feature.REAL_TIME_BIDDING),
    CALLER_LIST_MANAGEMENT(Set.of(Owner.CAMPAIGN, Owner.BUYER, Owner.COMPANY)),
    CALL_DATA_WRITING(Set.of(Owner.PUBLISHER, Owner.COMPANY)),
    CONVERSION(Set.of(Owner.BUYER, Owner.BUYER_GROUP)),
    CALL_REJECTION(Set.of(Owner.BUYER_GROUP)),
    CALL_TRANSFER(Set.of(Owner.BUYER_GROUP), Feature.LIVE_CALL_CONTROL),
    CALL_DATA_READING(Set.of(Owner.BUYER_GROUP));

    /** What a key is issued on. */
    public enum Owner {
        COMPANY,
        CAMPAIGN,
        PUBLISHER,
        BUYER,
        BUYER_GROUP;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Set<Owner> owners;
    private final Optional<Feature> feature;

    KeyType(Set<Owner> owners) {
        this.owners = owners;
        this.feature = Optional.empty();
    }

    KeyType(Set<Owner> owners, Feature feature) {
        this.owners = owners;
        this.feature = Optional.of(feature);
    }

    /** The account feature this type needs (RTB: real_time_bidding; call transfer: live_call_control). */
    public Optional<Feature> feature() {
        return feature;
    }

    public boolean allowedOn(Owner owner) {
        return owners.contains(owner);
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<KeyType> fromWord(String word) {
        return Arrays.stream(values())
                .filter(t -> t.word().equals(word.strip().toLowerCase(Locale.ROOT)))
                .findFirst();
    }
}
