package org.switchboard.call;

import java.util.Locale;

/** How an ended call ended. */
public enum CallOutcome {
    /** A buyer answered; the call ran until one side hung up. */
    COMPLETED,
    /** No buyer could take the call (all skipped by the routing rules). */
    NO_BUYER,
    /** Buyers were dialled but none answered. */
    UNANSWERED,
    /** The caller hung up before a buyer answered. */
    ABANDONED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
