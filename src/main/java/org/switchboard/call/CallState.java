package org.switchboard.call;

import java.util.Locale;

/**
 * Where a call is in its life. {@code RINGING}: arrived, being tagged and routed; {@code DIALING}: a buyer's phone is
 * ringing; {@code CONNECTED}: a buyer answered; {@code ENDED}: over, with an {@link CallOutcome}.
 */
public enum CallState {
    RINGING,
    DIALING,
    CONNECTED,
    ENDED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
