package org.switchboard.call;

import java.util.Locale;
import java.util.Optional;

/** What happened when one buyer was dialled. */
public enum AttemptOutcome {
    ANSWERED,
    NO_ANSWER,
    BUSY,
    FAILED,
    /** The caller hung up while the buyer's phone was ringing. */
    CANCELED,
    /** The buyer answered, then handed the call back (call rejection); it does not count against the buyer's caps. */
    REJECTED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the carrier-neutral words {@code answered}, {@code no_answer}, {@code busy}, {@code failed}. */
    public static Optional<AttemptOutcome> fromWord(String word) {
        return switch (word == null ? "" : word.strip().toLowerCase(Locale.ROOT)) {
            case "answered" -> Optional.of(ANSWERED);
            case "no_answer", "no-answer" -> Optional.of(NO_ANSWER);
            case "busy" -> Optional.of(BUSY);
            case "failed" -> Optional.of(FAILED);
            default -> Optional.empty();
        };
    }
}
