package org.switchboard.call;

import java.util.Map;

/** What the carrier should do next with a call. Carrier adapters turn these into TwiML, Plivo XML or JSON. */
public sealed interface Instruction {

    /**
     * Ring a buyer. {@code attempt} numbers the dial within the call; the carrier reports its outcome with it. SIP
     * destinations carry the call UUID and call key as {@code X-PH-RetreaverUUID} / {@code X-PH-RetreaverKey}.
     */
    record Dial(
            String callUuid,
            int attempt,
            long buyerId,
            String destination,
            boolean sip,
            int ringTimeoutSeconds,
            Map<String, String> sipHeaders)
            implements Instruction {}

    /** The buyer answered: keep the two legs bridged until someone hangs up. */
    record Connect(String callUuid) implements Instruction {}

    /**
     * Move the caller to a transfer destination (a directory entry, by call transfer): the buyer's leg ends and the
     * caller is bridged to {@code destination} until someone hangs up.
     */
    record Transfer(String callUuid, String destination, boolean sip, int ringTimeoutSeconds) implements Instruction {}

    /** End the call (no buyer is left, or it is already over). */
    record Hangup(String callUuid, String reason) implements Instruction {}

    /** Refuse a call Switchboard knows nothing about (an unknown number); nothing is recorded. */
    record Reject(String reason) implements Instruction {}
}
