package org.switchboard.telephony;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.switchboard.call.Instruction;

/** An instruction in the carrier-neutral JSON form: {@code action} is dial, transfer, connect, hangup or reject. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record InstructionOut(
        String action,
        @Nullable Integer attempt,
        @Nullable Long buyerId,
        @Nullable String destination,
        @Nullable Integer ringTimeoutSeconds,
        @Nullable Map<String, String> sipHeaders,
        @Nullable String reason) {

    static InstructionOut of(Instruction instruction) {
        return switch (instruction) {
            case Instruction.Dial d ->
                new InstructionOut(
                        "dial",
                        d.attempt(),
                        d.buyerId(),
                        d.destination(),
                        d.ringTimeoutSeconds(),
                        d.sipHeaders().isEmpty() ? null : d.sipHeaders(),
                        null);
            case Instruction.Transfer t ->
                new InstructionOut("transfer", null, null, t.destination(), t.ringTimeoutSeconds(), null, null);
            case Instruction.Connect c -> new InstructionOut("connect", null, null, null, null, null, null);
            case Instruction.Hangup h -> new InstructionOut("hangup", null, null, null, null, null, h.reason());
            case Instruction.Reject r -> new InstructionOut("reject", null, null, null, null, null, r.reason());
        };
    }
}
