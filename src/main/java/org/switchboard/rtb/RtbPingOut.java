package org.switchboard.rtb;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A logged ping as the account owner sees it ({@code GET /api/v2/rtb_pings/{uuid}}, {@code /call_reservations/{uuid}}).
 * Absent values are {@code null}; instants are ISO-8601 UTC with milliseconds; {@code payout} is in dollars.
 * {@code status} is the answer the publisher got; {@code final_status} what became of the reservation
 * ({@code confirmed}, {@code claimed}, {@code expired}), null until something did.
 */
public record RtbPingOut(
        String uuid,
        String status,
        String finalStatus,
        boolean shielded,
        String info,
        long keyId,
        String keyName,
        long campaignId,
        Long publisherId,
        String callerNumber,
        String inboundNumber,
        String reservationUuid,
        Long buyerId,
        BigDecimal payout,
        Integer seconds,
        String expiresAt,
        String createdAt,
        String claimedAt,
        String callUuid,
        String confirmedAt,
        String confirmation,
        String expiredAt,
        JsonNode params,
        Map<String, List<String>> tags,
        JsonNode passthrough,
        JsonNode considered) {}
