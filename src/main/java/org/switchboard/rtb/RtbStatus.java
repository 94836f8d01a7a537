package org.switchboard.rtb;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The status words of RTB pings, exactly as the reference's "RTB Status Terminology" table writes them (publishers'
 * integrations match on these strings), plus two of ours: {@link #CONFIRMED}, the answer to a confirmation, and
 * {@link #PING_SHIELD_POSTBACK_KEY_OUTBOUND_LIMITED}, for a key's outbound ping limit, which the reference lists as a
 * setting without naming its status.
 */
public enum RtbStatus {
    CLAIMED("claimed", true, "A call from the caller to the inbound number took the reservation."),
    EXPIRED("expired", true, "The reservation's TTL passed before the call arrived."),
    NO_TARGET("no-target", true, "No buyer matched the ping (tag requirements or hours of operation)."),
    REJECTED("rejected", true, "The buyer could not be reached, or no payout could be determined."),
    RESERVED("reserved", true, "A buyer was chosen and held; the call is up to the publisher."),
    CONSIDERING_TARGETS_SINGLE(
            "considering_targets.single", true, "Still deciding whether a specific buyer can take the call."),
    TARGET_DISQUALIFIED("target_disqualified", true, "A buyer was ruled out by tag requirements or hours."),
    TARGET_DISQUALIFIED_BY_CAP("target_disqualified_by_cap", true, "A buyer was ruled out by its caps."),
    TARGET_SIMULCAPPED("target_simulcapped", true, "A buyer was ruled out by its concurrency cap."),
    TARGETS_CLOSED("targets_closed", true, "Buyers were outside their hours of operation."),
    TARGETS_DUPLICATE_DEPRIORITIZED(
            "targets_duplicate_deprioritized",
            true,
            "The caller would be a duplicate for a buyer, so fresh buyers came first."),
    TARGETS_PAUSED("targets_paused", true, "Buyers were paused."),
    UNDIALABLE_EXPRESSION(
            "undialable_expression", true, "The buyer's transfer number was missing or could not be dialled."),
    PING_SHIELD_POSTBACK_KEY_CLAIM_BASED_LIMITED(
            "ping_shield_postback_key_claim_based_limited",
            true,
            "Throttled: the key's claim-to-ping ratio is below its threshold."),
    PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_RESERVED(
            "ping_shield_postback_key_caller_number_already_reserved",
            true,
            "The caller already holds a reservation on this key; it is returned again."),
    PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_PROCESSING(
            "ping_shield_postback_key_caller_number_already_processing",
            true,
            "A ping for this caller on this key is still being processed."),
    /** Ours: the answer to a confirmation that found room in the buyer's caps. */
    CONFIRMED("confirmed", false, "The publisher confirmed the reservation and the buyer's caps hold it."),
    /** Ours: the key's {@code ping_shield_outbound_count_limit} per {@code ping_shield_outbound_ms_limit} is used up. */
    PING_SHIELD_POSTBACK_KEY_OUTBOUND_LIMITED(
            "ping_shield_postback_key_outbound_limited",
            false,
            "Throttled: the key's outbound ping limit for the current window is used up.");

    private static final Map<String, RtbStatus> WORD_TO_STATUS =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(RtbStatus::word, Function.identity()));

    private final String word;
    private final boolean documented;
    private final String description;

    RtbStatus(String word, boolean documented, String description) {
        this.word = word;
        this.documented = documented;
        this.description = description;
    }

    /** The word on the wire and in the RTB log. */
    public String word() {
        return word;
    }

    /** Whether the reference's status table lists it (the others are Switchboard's). */
    public boolean documented() {
        return documented;
    }

    /** One sentence for the campaign owner, shown beside the word in the RTB log. */
    public String description() {
        return description;
    }

    /** Whether the ping shield answered it, without pinging buyers. */
    public boolean shield() {
        return word.startsWith("ping_shield_");
    }

    /** The status with exactly this word (case matters, as integrations compare exactly), or empty. */
    public static Optional<RtbStatus> fromWord(String word) {
        return Optional.ofNullable(word == null ? null : WORD_TO_STATUS.get(word));
    }

    @Override
    public String toString() {
        return word;
    }
}
