package org.switchboard.callerlist;

import java.time.Instant;
import org.switchboard.platform.id.AccountId;

/**
 * A named list of caller numbers on a campaign or a buyer. The name decides what it does, exactly as the reference
 * platform's routing reads it: a name starting with {@code suppressed} blocks its callers, one starting with {@code
 * accepted} lets only its callers through; any other name only records numbers. The prefixes are case-sensitive.
 */
public record CallerList(
        long id, AccountId accountId, Owner owner, long ownerId, String name, Instant createdAt, Instant updatedAt) {

    /** What a list is attached to. */
    public enum Owner {
        CAMPAIGN,
        BUYER;

        String stored() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The change to the owner {@code ownerId} of this kind (what hangs off it changed). */
        public org.switchboard.platform.config.ConfigChange change(
                org.switchboard.platform.id.AccountId account, long ownerId) {
            return new org.switchboard.platform.config.ConfigChange(
                    this == CAMPAIGN
                            ? org.switchboard.platform.config.ConfigChange.Kind.CAMPAIGN
                            : org.switchboard.platform.config.ConfigChange.Kind.BUYER,
                    account,
                    ownerId);
        }
    }

    /** What routing does with a list's callers. */
    public enum Behaviour {
        SUPPRESS,
        ACCEPT_ONLY,
        NONE
    }

    public Behaviour behaviour() {
        return behaviourOf(name);
    }

    public static Behaviour behaviourOf(String name) {
        if (name.startsWith("suppressed")) {
            return Behaviour.SUPPRESS;
        }
        if (name.startsWith("accepted")) {
            return Behaviour.ACCEPT_ONLY;
        }
        return Behaviour.NONE;
    }
}
