package org.switchboard.campaign;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * A campaign: the offer calls are sold into. Its tracking numbers bring calls in, its buyers take them.
 *
 * @param cid the customer-editable id (unique within the account), shown to partners instead of {@code id}
 * @param repeatCallerHandling carry tags and the previous buyer over to a caller who calls again within the window
 * @param repeatCallersToNewBuyer send a repeat caller to a buyer other than the one that took the earlier call
 * @param useCompanyDefaultWebhooks copy the company's default webhooks into this campaign
 * @param tags applied to every call of the campaign
 */
public record Campaign(
        long id,
        AccountId accountId,
        Optional<String> cid,
        String name,
        boolean paused,
        ZoneId timeZone,
        boolean repeatCallerHandling,
        long repeatCallerWindowSeconds,
        boolean repeatCallersToNewBuyer,
        boolean useCompanyDefaultWebhooks,
        TagSet tags,
        Instant createdAt,
        Instant updatedAt) {}
