package org.switchboard.call;

import java.util.Optional;

/**
 * Tells the carrier holding a live call to follow a new instruction now, outside its own request cycle (Twilio's
 * call update, Plivo's call transfer, a carrier-neutral client's control URL). Used when a buyer rejects or transfers
 * a connected call.
 */
public interface CarrierControl {
    /** Why the carrier of {@code call} cannot be told anything, or empty when it can. */
    Optional<String> unavailable(Call call);

    /** Sends {@code next} to the carrier; empty when it took it, else why it did not. Never throws. */
    Optional<String> redirect(Call call, Instruction next);
}
