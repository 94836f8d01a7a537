package org.switchboard.call;

import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * Tags written for a caller number before the call arrived (the data-writing cache: "call not found, tags stored").
 * The arriving call takes them. The postback-keys feature provides the real store; until then nothing is cached.
 */
@FunctionalInterface
public interface CallerTagSource {
    CallerTagSource NONE = (account, callerNumber, publisherId) -> TagSet.empty();

    /**
     * The cached tags of this caller on this account that may go on a call from {@code publisherId} (tags a publisher
     * wrote only go on that publisher's calls), removed from the cache as they are handed over.
     */
    TagSet takeFor(AccountId account, String callerNumber, Optional<Long> publisherId);
}
