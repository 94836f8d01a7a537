package org.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** Plays calls through the carrier-neutral call-control API of one account. */
public final class Calls {
    private final Api api;

    public Calls(Api api) {
        this.api = api;
    }

    /** A call from {@code from} to {@code to}; the response holds call_uuid and the first instruction. */
    public Response arrive(String from, String to) {
        return api.post(
                "/api/v2/call_control/calls",
                "{\"carrier_call_id\": \"" + UUID.randomUUID() + "\", \"from\": \"" + from + "\", \"to\": \"" + to
                        + "\"}");
    }

    public Response attempt(String uuid, int attempt, String outcome) {
        return api.post(
                "/api/v2/call_control/calls/" + uuid + "/attempts/" + attempt, "{\"outcome\": \"" + outcome + "\"}");
    }

    public Response hangup(String uuid, int duration, int connected) {
        return api.post(
                "/api/v2/call_control/calls/" + uuid + "/hangup",
                "{\"duration_seconds\": " + duration + ", \"connected_seconds\": " + connected + "}");
    }

    public JsonNode detail(String uuid) {
        return api.get("/api/v2/calls/" + uuid).json();
    }

    /** The reason recorded for a buyer in the call's explained log. */
    public String reasonFor(String uuid, long buyerId) {
        for (JsonNode considered : detail(uuid).path("buyers_considered")) {
            if (considered.path("buyer_id").asLong() == buyerId) {
                return considered.path("reason").asText();
            }
        }
        return "(not considered)";
    }
}
