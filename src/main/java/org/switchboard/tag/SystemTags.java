package org.switchboard.tag;

import java.util.HashSet;
import java.util.Set;

/** The tags that are Switchboard's to set on a call, which nothing outside it may change. */
public final class SystemTags {
    /** The tags the call flow sets itself: its identity and routing. Never carried over from an earlier call. */
    public static final Set<String> CALL_FLOW = Set.of(
            "campaign_id",
            "publisher_id",
            "source_id",
            "caller_number",
            "caller_id",
            "tracking_number",
            "system_buyer_id",
            "handler_id",
            "repeat_caller",
            "call_uuid",
            "rtb_reservation_uuid");

    /**
     * What a webhook response or an inbound postback may not change: the call flow's tags and the caller's country
     * and area code, derived from the number.
     */
    public static final Set<String> PROTECTED = union(CALL_FLOW, Set.of("caller_country", "caller_area_code"));

    private SystemTags() {}

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
