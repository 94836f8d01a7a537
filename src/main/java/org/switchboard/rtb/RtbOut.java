package org.switchboard.rtb;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonText;
import org.switchboard.platform.problem.Problem;

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
    static RtbOut refused(@Nullable String uuid, Problem e) {
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

    /**
     * The answer as JSON: the very bytes {@link Json#write} gives for this record (names in snake_case, absent fields
     * left out), written by hand because every ping sends one and the mapper's generic path cost more than the few
     * fields; a refusal (the nested error object) or a text {@link JsonText} does not write as Jackson does goes
     * through the mapper. {@code RtbOutTest} compares both.
     */
    byte[] json() {
        if (error != null) {
            return Json.write(this);
        }
        JsonText json = new JsonText(160).startObject();
        if (uuid != null) {
            json.plainName("uuid").value(uuid);
        }
        json.plainName("status").value(status);
        if (retreaverPayout != null) {
            json.plainName("retreaver_payout").number(retreaverPayout);
        }
        if (retreaverSeconds != null) {
            json.plainName("retreaver_seconds").value(retreaverSeconds);
        }
        if (inboundNumber != null) {
            json.plainName("inbound_number").value(inboundNumber);
        }
        if (expiresAt != null) {
            json.plainName("expires_at").value(expiresAt);
        }
        if (retreaverTargetDba != null) {
            json.plainName("retreaver_target_dba").value(retreaverTargetDba);
        }
        if (info != null) {
            json.plainName("info").value(info);
        }
        if (shielded != null) {
            json.plainName("shielded").value(shielded.booleanValue());
        }
        // asked once at the end rather than checking every text before writing it: one scan of each, not two
        return json.endObject().matchesMapper() ? json.toString().getBytes(StandardCharsets.UTF_8) : Json.write(this);
    }
}
