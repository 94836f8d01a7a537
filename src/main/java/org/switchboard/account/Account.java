package org.switchboard.account;

import java.time.Instant;
import java.util.Set;
import org.switchboard.platform.id.AccountId;

/** A company using Switchboard; everything else belongs to exactly one account. */
public record Account(AccountId id, String name, Set<Feature> features, Instant createdAt) {
    public Account {
        features = Set.copyOf(features);
    }

    public boolean has(Feature feature) {
        return features.contains(feature);
    }
}
