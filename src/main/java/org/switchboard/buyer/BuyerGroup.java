package org.switchboard.buyer;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagFilter;

/**
 * Buyers that share caps and a tag filter: the group's caps hold for the calls of all its members together, on top
 * of each member's own caps, and a member only takes calls that match both filters.
 */
public record BuyerGroup(
        long id,
        AccountId accountId,
        String name,
        List<Long> buyerIds,
        Caps caps,
        TagFilter tagFilters,
        Optional<Instant> hardCapResetAt,
        Instant createdAt,
        Instant updatedAt) {}
