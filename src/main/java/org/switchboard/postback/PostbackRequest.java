package org.switchboard.postback;

import io.helidon.webserver.http.ServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;

/**
 * The parameters of a keyed postback, however they came: the query string, a form body or a JSON object body
 * (integrations use all three), read by {@link Http#params}.
 */
record PostbackRequest(String method, Map<String, String> params) {

    static PostbackRequest of(ServerRequest req) {
        return new PostbackRequest(req.prologue().method().text(), Http.params(req));
    }

    /** The call a postback names: {@code caller_number} (normalised to E.164) and/or {@code call_uuid}. */
    record CallRef(Optional<String> callerNumber, Optional<String> callUuid) {}

    /** The call this request names; a 400 when it names none or the caller number is not a phone number. */
    CallRef callRef() {
        Optional<String> caller = param("caller_number")
                .map(raw -> PhoneNumbers.toE164(raw)
                        .orElseThrow(() -> new Problem.Invalid("caller_number", "is not a phone number")));
        Optional<String> uuid = param("call_uuid");
        if (caller.isEmpty() && uuid.isEmpty()) {
            throw new Problem.Invalid("caller_number", "caller_number or call_uuid is required");
        }
        return new CallRef(caller, uuid);
    }

    Optional<String> param(String name) {
        return Http.param(params, name);
    }

    /** The parameters as they may be logged: without the postback key or call key. */
    Map<String, String> loggable() {
        Map<String, String> copy = LinkedHashMap.newLinkedHashMap(params.size());
        params.forEach((name, value) -> {
            if (!name.equals("key") && !name.equals("call_key")) {
                copy.put(name, value);
            }
        });
        return copy;
    }
}
