package org.switchboard.rtb;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A logged ping as the account owner sees it ({@code GET /api/v2/rtb_pings/{uuid}}, {@code /call_reservations/{uuid}}).
 * Absent values are {@code null}; instants are ISO-8601 UTC with milliseconds; {@code payout} is in dollars.
 * {@code status} is the answer the publisher got; {@code final_status} what became of the reservation
 * ("confirmed", "claimed", "expired"), null until something did.
 */
public record RtbPingOut(
        String uuid,
        String status,
        @Nullable String finalStatus,
        boolean shielded,
        @Nullable String info,
        long keyId,
        String keyName,
        long campaignId,
        @Nullable Long publisherId,
        @Nullable String callerNumber,
        @Nullable String inboundNumber,
        @Nullable String reservationUuid,
        @Nullable Long buyerId,
        @Nullable BigDecimal payout,
        @Nullable Integer seconds,
        @Nullable String expiresAt,
        String createdAt,
        @Nullable String claimedAt,
        @Nullable String callUuid,
        @Nullable String confirmedAt,
        @Nullable String confirmation,
        @Nullable String expiredAt,
        JsonNode params,
        Map<String, List<String>> tags,
        JsonNode passthrough,
        JsonNode considered) {}
