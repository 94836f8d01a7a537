package org.switchboard.postback;

import java.util.function.Supplier;

/**
 * The full URL of a key for its type, on the public hosts the operator configured, in the reference platform's
 * shapes: RTB on the RTB host; data writing, data reading and conversions on the data host (the conversion key in
 * the path); caller lists, call rejection and transfer on the API host. An RTB URL names its publisher.
 */
public record KeyUrls(Supplier<String> api, Supplier<String> rtb, Supplier<String> data) {

    String of(PostbackKey key, String secret) {
        return switch (key.type()) {
            case REAL_TIME_BIDDING ->
                rtb.get() + "/rtbs.json?key=" + secret + "&publisher_id=" + rtbPublisher(key)
                        + "&caller_number=[caller_number]";
            case CALL_DATA_WRITING -> data.get() + "/data_writing?key=" + secret + "&caller_number=[caller_number]";
            case CALL_DATA_READING ->
                data.get() + "/data_reading?key=" + secret + "&caller_number=[caller_number]&map_keys=&accept_keys=";
            case CONVERSION ->
                data.get() + "/postbacks/" + secret + "?caller_number=CALLER_NUMBER&call_uuid=CALL_UUID&value=REVENUE";
            case CALLER_LIST_MANAGEMENT ->
                api.get()
                        + switch (key.owner()) {
                            case BUYER -> "/api/v2/targets/" + key.ownerId();
                            case CAMPAIGN -> "/api/v2/campaigns/" + key.ownerId();
                            default -> "/api/v2/campaigns/<campaign_id>";
                        }
                        + "/caller_lists/<list_name>/caller_list_numbers.json?key=" + secret;
            case CALL_REJECTION ->
                api.get() + "/handler_groups/" + key.ownerId() + "/call_control/reject?key=" + secret
                        + "&caller_number=[caller_number]";
            case CALL_TRANSFER ->
                api.get() + "/handler_groups/" + key.ownerId() + "/transfers/interface?key=" + secret
                        + "&caller_number=[caller_number]";
        };
    }

    /**
     * The {@code publisher_id} of an RTB key's URL, as the reference's URLs carry it: baked in (the publisher's id)
     * when the key is bound to a publisher, else the placeholder the publisher replaces.
     */
    private static String rtbPublisher(PostbackKey key) {
        if (key.owner() == KeyType.Owner.PUBLISHER) {
            return Long.toString(key.ownerId());
        }
        return key.options().has("publisher_id")
                ? key.options().path("publisher_id").asText()
                : "[publisher_id]";
    }
}
