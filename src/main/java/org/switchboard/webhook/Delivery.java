package org.switchboard.webhook;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;

/**
 * One post-call webhook due for one call, delivered at least once: its attempts are fired pixels under it.
 *
 * @param seq its place in the call's order: attempted only after every lower one of the call is finished
 * @param messageId the {@code webhook-id} every attempt carries
 * @param attempts attempts made so far; {@code roundStart} how many of them were made before the last replay (the
 *     retry schedule counts from there)
 * @param leaseToken the token of the claim attempting it, while one is
 * @param event for an account event (a {@code webhook_disabled} webhook; {@code callId} 0): its token values
 */
public record Delivery(
        long id,
        AccountId accountId,
        long callId,
        long webhookId,
        Trigger trigger,
        int seq,
        String messageId,
        State state,
        int attempts,
        int roundStart,
        Optional<Instant> nextAttemptAt,
        Optional<Integer> lastStatus,
        Optional<String> lastError,
        Instant createdAt,
        Instant updatedAt,
        Optional<String> leaseToken,
        Optional<Map<String, String>> event) {

    public enum State {
        /** Not attempted yet. */
        PENDING,
        /** Failed so far; tried again at {@code nextAttemptAt}. */
        RETRYING,
        /** A 2xx answer. */
        DELIVERED,
        /** Its retry schedule ran out, or the receiver answered 410 Gone. */
        FAILED,
        /** Not to be sent: its webhook was deleted or disabled, or its call is gone. */
        CANCELLED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean finished() {
            return this == DELIVERED || this == FAILED || this == CANCELLED;
        }

        public static Optional<State> fromWord(String word) {
            for (State state : values()) {
                if (state.word().equals(word)) {
                    return Optional.of(state);
                }
            }
            return Optional.empty();
        }
    }
}
