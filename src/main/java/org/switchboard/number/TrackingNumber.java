package org.switchboard.number;

import java.time.Instant;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * A phone number calls arrive on, in E.164 form. It belongs to one campaign and optionally to the publisher who
 * promotes it; its tags are applied to every call it receives. A number belongs to one account only.
 */
public record TrackingNumber(
        long id,
        AccountId accountId,
        String number,
        Optional<String> name,
        long campaignId,
        Optional<Long> publisherId,
        TagSet tags,
        boolean webhooksUnlocked,
        Instant createdAt,
        Instant updatedAt) {}
