package org.switchboard.routing;

import java.util.List;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;

/**
 * A buyer of the campaign as routing sees it: the buyer, the groups it belongs to (with their filters and caps),
 * and its own caller lists with whether the caller is on each.
 */
public record Candidate(Buyer buyer, List<BuyerGroup> groups, List<ListCheck> buyerLists) {}
