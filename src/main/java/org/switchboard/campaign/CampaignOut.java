package org.switchboard.campaign;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A campaign on the wire. */
record CampaignOut(
        long id,
        @Nullable String cid,
        String name,
        boolean paused,
        String timeZone,
        boolean repeatCallerHandling,
        long repeatCallerWindowSeconds,
        boolean repeatCallersToNewBuyer,
        boolean useCompanyDefaultWebhooks,
        Map<String, List<String>> tags,
        String createdAt,
        String updatedAt) {
    static CampaignOut of(Campaign c) {
        return new CampaignOut(
                c.id(),
                c.cid().orElse(null),
                c.name(),
                c.paused(),
                c.timeZone().getId(),
                c.repeatCallerHandling(),
                c.repeatCallerWindowSeconds(),
                c.repeatCallersToNewBuyer(),
                c.useCompanyDefaultWebhooks(),
                c.tags().asMap(),
                c.createdAt().toString(),
                c.updatedAt().toString());
    }
}
