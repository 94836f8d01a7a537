package org.switchboard.routing;

/**
 * One buyer's line in the explained call log: whether routing could offer it the call and, if not, why, in words a
 * campaign owner understands. The call flow appends what happened when it was dialled.
 */
public record Consideration(long buyerId, String buyerName, boolean eligible, String reason) {
    public Consideration withReason(boolean stillEligible, String newReason) {
        return new Consideration(buyerId, buyerName, stillEligible, newReason);
    }
}
