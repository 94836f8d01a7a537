package org.switchboard.buyer;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

/**
 * A buyer (call endpoint): where calls are sent. Routing tries buyers by ascending {@code priority} (1 first), then
 * by weighted random among equal priorities.
 *
 * @param destination an E.164 number or a {@code sip:}/{@code sips:} URI
 * @param hours empty when the buyer is always open
 * @param tags added to a call routed to this buyer
 * @param tagFilters which calls the buyer accepts
 * @param campaignIds the campaigns whose calls it takes
 */
public record Buyer(
        long id,
        AccountId accountId,
        Optional<String> cid,
        String name,
        Optional<String> dbaName,
        String destination,
        int ringTimeoutSeconds,
        int priority,
        int weight,
        ZoneId timeZone,
        Optional<HoursOfOperation> hours,
        Caps caps,
        Optional<Instant> hardCapResetAt,
        boolean paused,
        TagSet tags,
        TagFilter tagFilters,
        List<Long> campaignIds,
        Instant createdAt,
        Instant updatedAt) {
    public Buyer withCampaignIds(List<Long> ids) {
        return new Buyer(
                id,
                accountId,
                cid,
                name,
                dbaName,
                destination,
                ringTimeoutSeconds,
                priority,
                weight,
                timeZone,
                hours,
                caps,
                hardCapResetAt,
                paused,
                tags,
                tagFilters,
                List.copyOf(ids),
                createdAt,
                updatedAt);
    }
}
