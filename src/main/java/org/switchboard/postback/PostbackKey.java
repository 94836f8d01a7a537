package org.switchboard.postback;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.switchboard.platform.id.AccountId;

/**
 * A postback key as stored: on one entity, locked to one behaviour, with its type's options. The key itself is only
 * known sealed ({@code sealedKey}, to show its URL again) and as the digest it is looked up by.
 */
public record PostbackKey(
        long id,
        AccountId accountId,
        KeyType.Owner owner,
        long ownerId,
        KeyType type,
        String name,
        boolean paused,
        ObjectNode options,
        String sealedKey,
        Instant createdAt,
        Instant updatedAt) {

    /** A text option, or {@code fallback}. */
    public String option(String name, String fallback) {
        return options.path(name).isTextual() ? options.path(name).asText() : fallback;
    }

    public long longOption(String name, long fallback) {
        return options.path(name).canConvertToLong() ? options.path(name).asLong() : fallback;
    }
}
