package org.switchboard.postback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.http.ApiException;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;

/**
 * The parameters of a keyed postback, however they came: the query string, a form body or a JSON object body
 * (integrations use all three). A parameter given twice keeps its last value; body values win over the query.
 */
record PostbackRequest(String method, Map<String, String> params) {

    static PostbackRequest of(ServerRequest req) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            List<String> values = req.query().all(name);
            if (!values.isEmpty()) {
                params.put(name, values.getLast());
            }
        }
        byte[] body = Http.body(req);
        if (body.length > 0) {
            String type =
                    req.headers().value(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
            if (type.contains("json")) {
                ObjectNode json = Json.readObject(body);
                for (var field : json.properties()) {
                    JsonNode value = field.getValue();
                    if (!value.isValueNode() || value.isNull()) {
                        throw new ApiException.BadRequest(field.getKey(), "must be a string or a number");
                    }
                    params.put(field.getKey(), value.asText());
                }
            } else {
                Form.parse(body).keyToValues().forEach((name, values) -> params.put(name, values.getLast()));
            }
        }
        return new PostbackRequest(req.prologue().method().text(), params);
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** The parameters as they may be logged: without the postback key or call key. */
    Map<String, String> loggable() {
        Map<String, String> copy = new LinkedHashMap<>(params);
        copy.remove("key");
        copy.remove("call_key");
        return copy;
    }
}
