package org.switchboard.campaign;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneId;
import java.util.Optional;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.tag.TagSet;

/** The editable fields of a campaign, checked. */
record CampaignIn(
        Optional<String> cid,
        String name,
        boolean paused,
        ZoneId timeZone,
        boolean repeatCallerHandling,
        long repeatCallerWindowSeconds,
        boolean repeatCallersToNewBuyer,
        boolean useCompanyDefaultWebhooks,
        TagSet tags) {
    static final int DEFAULT_REPEAT_WINDOW_SECONDS = 86_400;

    static CampaignIn parse(ObjectNode body) {
        JsonFields fields = new JsonFields(body, "id", "created_at", "updated_at", "tracking_number_count");
        var in = new CampaignIn(
                fields.optionalText("cid", 64),
                fields.requiredText("name", 200),
                fields.bool("paused", false),
                fields.timeZone("time_zone", ZoneId.of("UTC")),
                fields.bool("repeat_caller_handling", false),
                fields.integer("repeat_caller_window_seconds", DEFAULT_REPEAT_WINDOW_SECONDS, 60, 31_536_000),
                fields.bool("repeat_callers_to_new_buyer", false),
                fields.bool("use_company_default_webhooks", true),
                TagSet.parse("tags", fields.take("tags").orElse(null)));
        fields.finish();
        return in;
    }
}
