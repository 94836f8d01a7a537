package org.switchboard.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.problem.Problem;

/**
 * The one JSON mapper. Wire records are written with snake_case names, so {@code ringTimeoutSeconds} appears as
 * {@code ring_timeout_seconds}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static {
        MAPPER.getFactory().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(64)
                        // A request body is bounded by max_request_bytes before it is parsed, so its names and strings
                        // need no bound of their own here; and this mapper also reads back what was stored from any
                        // request, which must stay readable whatever it holds (a 60 KB parameter name once stored made
                        // every page of the log holding it fail on Jackson's default 50,000-character name limit).
                        .maxNameLength(Integer.MAX_VALUE)
                        .maxStringLength(Integer.MAX_VALUE)
                        .build());
    }

    private Json() {}

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialise " + value.getClass().getName(), e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialise " + value.getClass().getName(), e);
        }
    }

    public static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    /** Parses a request body that must be a JSON object. */
    public static ObjectNode readObject(byte[] body) {
        return readObject(MAPPER.reader(), body);
    }

    /** {@link #readObject(byte[])} with a reader of its own settings (such as exact decimals). */
    public static ObjectNode readObject(com.fasterxml.jackson.databind.ObjectReader reader, byte[] body) {
        if (body.length == 0) {
            throw new Problem.Invalid(null, "the request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = reader.readTree(body);
        } catch (java.io.IOException e) {
            throw new Problem.Invalid(null, "the request body is not valid JSON");
        }
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new Problem.Invalid(null, "the request body must be a JSON object");
    }

    public static JsonNode tree(@Nullable Object value) {
        return MAPPER.valueToTree(value);
    }
}
