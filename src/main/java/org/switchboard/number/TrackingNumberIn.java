package org.switchboard.number;

import java.util.Optional;
import org.switchboard.tag.TagSet;

/** The editable fields of a tracking number, checked. */
record TrackingNumberIn(
        String number, Optional<String> name, long campaignId, Optional<Long> publisherId, TagSet tags) {}
