package org.switchboard.rtb;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.HttpErrors;

/**
 * The answer to a ping or a confirmation, in the reference platform's shape: {@code uuid}, {@code status},
 * {@code retreaver_payout} (a JSON number, exact), {@code retreaver_seconds}, {@code inbound_number},
 * {@code expires_at} (ISO-8601 UTC with milliseconds), {@code retreaver_target_dba} when the key returns it, and
 * {@code info} where a reason helps. Ours, only where they apply: {@code shielded} on a reservation the ping shield
 * returned again, and {@code error} (the project's error shape) on a refused request. Absent fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RtbOut(
        @Nullable String uuid,
        String status,
        @Nullable BigDecimal retreaverPayout,
        @Nullable Integer retreaverSeconds,
        @Nullable String inboundNumber,
        @Nullable String expiresAt,
        @Nullable String retreaverTargetDba,
        @Nullable String info,
        @Nullable Boolean shielded,
        @Nullable ErrorOut error) {

    /** The project's error shape, beside the documented words, on a refused request. */
    public record ErrorOut(
            String code, String message, @Nullable String field) {}

    /** A refused request: {@code rejected}, the reason as {@code info}, and the project's error object. */
    static RtbOut refused(@Nullable String uuid, org.switchboard.platform.problem.Problem e) {
        return new RtbOut(
                uuid,
                RtbStatus.REJECTED.word(),
                null,
                null,
                null,
                null,
                null,
                e.getMessage(),
                null,
                new ErrorOut(HttpErrors.code(e), e.getMessage(), e.field().orElse(null)));
    }

    static RtbOut status(@Nullable String uuid, RtbStatus status, @Nullable String info) {
        return new RtbOut(uuid, status.word(), null, null, null, null, null, info, null, null);
    }
}
