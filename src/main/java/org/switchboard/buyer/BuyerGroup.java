package org.switchboard.buyer;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;

/**
 * Buyers that share caps: the group's caps hold for the calls of all its members together, on top of each member's
 * own caps.
 */
public record BuyerGroup(
        long id,
        AccountId accountId,
        String name,
        List<Long> buyerIds,
        Caps caps,
        Optional<Instant> hardCapResetAt,
        Instant createdAt,
        Instant updatedAt) {}
