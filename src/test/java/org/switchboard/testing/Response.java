package org.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import org.switchboard.platform.http.Json;

/** An HTTP response as tests read it. */
public record Response(int status, HttpHeaders headers, String body) {
    public JsonNode json() {
        return Json.read(body);
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** The {@code error.field} of an error body. */
    public String errorField() {
        return json().path("error").path("field").asText(null);
    }

    public String errorCode() {
        return json().path("error").path("code").asText(null);
    }

    public long id() {
        return json().path("id").asLong();
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
