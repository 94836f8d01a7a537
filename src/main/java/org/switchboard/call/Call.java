package org.switchboard.call;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.routing.Consideration;
import org.switchboard.tag.TagSet;

/**
 * One phone call through Switchboard. {@code order} is the routing plan's buyer order (ids); {@code considered} the
 * explained verdict on every buyer, updated as buyers are dialled. {@code transferredTo} is the destination a buyer
 * transferred the live call to, if one did.
 */
public record Call(
        long id,
        String uuid,
        AccountId accountId,
        long campaignId,
        long trackingNumberId,
        Optional<Long> publisherId,
        String carrier,
        String carrierCallId,
        String callerNumber,
        String dialedNumber,
        CallState state,
        Optional<CallOutcome> outcome,
        Optional<Long> buyerId,
        TagSet tags,
        List<Long> order,
        List<Consideration> considered,
        Instant startedAt,
        Optional<Instant> connectedAt,
        Optional<Instant> endedAt,
        Optional<Integer> durationSeconds,
        Optional<Integer> connectedSeconds,
        Optional<String> transferredTo) {

    /** The status word of the call log: the state while live, the outcome once ended. */
    public String status() {
        return outcome.map(CallOutcome::word).orElse(state == CallState.RINGING ? "ringing" : state.word());
    }
}
