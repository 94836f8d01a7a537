package org.switchboard.publisher;

import java.time.Instant;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * A publisher (lead generator) sending calls. Its {@code cid} is the id partners know it by; calls from it carry
 * {@code publisher_id} / {@code source_id} tags.
 */
public record Publisher(
        long id,
        AccountId accountId,
        Optional<String> cid,
        String name,
        TagSet tags,
        Instant createdAt,
        Instant updatedAt) {}
