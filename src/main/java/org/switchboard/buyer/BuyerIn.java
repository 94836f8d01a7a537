package org.switchboard.buyer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

/** The editable fields of a buyer, checked (references to campaigns are checked by the service). */
record BuyerIn(
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
        boolean paused,
        TagSet tags,
        TagFilter tagFilters,
        List<Long> campaignIds) {
    static final int DEFAULT_RING_TIMEOUT = 30;

    static BuyerIn parse(ObjectNode body) {
        JsonFields fields = new JsonFields(body, "id", "created_at", "updated_at", "hard_cap_reset_at", "warnings");
        var in = new BuyerIn(
                fields.optionalText("cid", 64),
                fields.requiredText("name", 200),
                fields.optionalText("dba_name", 200),
                PhoneNumbers.requireDialable("destination", fields.requiredText("destination", 512)),
                fields.integer("ring_timeout_seconds", DEFAULT_RING_TIMEOUT, 5, 300),
                fields.integer("priority", 1, 1, 100),
                fields.integer("weight", 1, 1, 1000),
                fields.timeZone("time_zone", ZoneId.of("UTC")),
                fields.take("hours").map(node -> HoursOfOperation.parse("hours", node)),
                Caps.parse(fields),
                fields.bool("paused", false),
                TagSet.parse("tags", fields.take("tags").orElse(null)),
                TagFilter.parse("tag_filters", fields.take("tag_filters").orElse(null)),
                fields.idList("campaign_ids"));
        fields.finish();
        return in;
    }
}
