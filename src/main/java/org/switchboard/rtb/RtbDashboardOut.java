package org.switchboard.rtb;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Counts of an account's recent pings ({@code GET /api/v2/rtb_dashboard?minutes=15}) by status word, over all keys,
 * per key and per publisher ({@code publisher_id} null: pings without a publisher). A ping counts under its final
 * status once its reservation was confirmed, claimed or expired, else under its answer.
 */
public record RtbDashboardOut(
        String since,
        String until,
        long total,
        Map<String, Long> statuses,
        List<KeyOut> keys,
        List<PublisherOut> publishers) {

    public record KeyOut(long keyId, @Nullable String keyName, long total, Map<String, Long> statuses) {}

    public record PublisherOut(@Nullable Long publisherId, long total, Map<String, Long> statuses) {}

    /** A key's counts while they are gathered. */
    record KeyCounts(long keyId, @Nullable String keyName, Map<String, Long> statuses) {}
}
