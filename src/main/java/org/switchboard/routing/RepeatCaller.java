package org.switchboard.routing;

import java.util.Optional;
import java.util.Set;

/**
 * What the campaign knows of this caller's earlier calls within its repeat window.
 *
 * @param previousBuyerId the buyer that took the caller's most recent connected call
 * @param sticky the campaign's repeat-caller handling is on: offer the previous buyer first
 * @param toNewBuyer the campaign sends repeat callers to a buyer other than the previous one
 * @param recentBuyerIds buyers that already took this caller within the window (deprioritised as duplicates)
 */
public record RepeatCaller(
        Optional<Long> previousBuyerId, boolean sticky, boolean toNewBuyer, Set<Long> recentBuyerIds) {
    public static final RepeatCaller NONE = new RepeatCaller(Optional.empty(), false, false, Set.of());
}
