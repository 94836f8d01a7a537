package org.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seeded generator of malformed requests over the routes of the server's OpenAPI document: paths with real and
 * broken ids, random query parameters, random and truncated JSON, form and binary bodies with wrong types, huge and
 * unicode values and control characters, odd methods and headers. The same seed and fixtures give the same requests.
 */
public final class RandomRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    private static final String[] ODD_METHODS = {"TRACE", "CONNECT", "PROPFIND", "G\u0001T", "P\u007fST", "GE T", "get"
    };
    private static final String[] CONTENT_TYPES = {
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
        "",
        "\u0001/\u0002"
    };
    private static final String[] ODD_STRINGS = {
        "",
        " ",
        "null",
        "-1",
        "0",
        "9223372036854775808",
        "-9223372036854775809",
        "1e308",
        "NaN",
        "1.5",
        "true",
        "[caller_number]",
        "../../etc/passwd",
        "%",
        "%00",
        "%ff%fe",
        "\u0000",
        "\u0007bell",
        "\r\nX-Injected: 1",
        "é✓🙂\u202e",
        "\ud800",
        "2026-13-45T99:99:99Z",
        "+13125550147",
        "sip:buyer@example.com",
        "http://127.0.0.1:99999/",
        "http://user@127.0.0.1/",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "{}",
        "[]"
    };

    /**
     * One route of the OpenAPI document: a method, a path template such as {@code /api/v2/buyers/{id}} and the
     * schema of its JSON body (a missing node when it has none).
     */
    public record Route(String method, String path, JsonNode bodySchema) {}

    /**
     * What exists on the server, so some requests reach real objects: values for each path parameter name
     * ({@code id}, {@code owner_id}, {@code uuid}, {@code key}, ...), the postback keys and the account's API key.
     */
    public record Fixtures(Map<String, List<String>> paramValues, List<String> postbackKeys, String apiKey) {}

    private final Random random;
    private final JsonNode openApi;
    private final List<Route> routes;
    private final List<String> fieldNames;
    private final Fixtures fixtures;

    public RandomRequests(Random random, JsonNode openApi, Fixtures fixtures) {
        this.random = random;
        this.openApi = openApi;
        this.routes = routes(openApi);
        this.fieldNames = fieldNames(openApi);
        this.fixtures = fixtures;
    }

    /** Every route (method, path and body schema) of an OpenAPI document. */
    static List<Route> routes(JsonNode openApi) {
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : openApi.path("paths").properties()) {
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (List.of("get", "post", "put", "patch", "delete").contains(method)) {
                    JsonNode schema = path.getValue()
                            .path(method)
                            .path("requestBody")
                            .path("content")
                            .path("application/json")
                            .path("schema");
                    routes.add(new Route(method.toUpperCase(java.util.Locale.ROOT), path.getKey(), schema));
                }
            }
        }
        return routes;
    }

    /** Every property and parameter name an OpenAPI document mentions, to build bodies the routes half-understand. */
    static List<String> fieldNames(JsonNode openApi) {
        TreeSet<String> names = new TreeSet<>();
        collectNames(openApi, names);
        return List.copyOf(names);
    }

    private static void collectNames(JsonNode node, TreeSet<String> names) {
        if (node.isObject()) {
            node.path("properties").fieldNames().forEachRemaining(names::add);
            if (node.has("in") && node.path("name").isTextual()) {
                names.add(node.path("name").asText());
            }
            node.elements().forEachRemaining(child -> collectNames(child, names));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectNames(child, names));
        }
    }

    public RawHttp.Request next() {
        Route route = routes.get(random.nextInt(routes.size()));
        String method = chance(8) ? pick(ODD_METHODS) : chance(4) ? pick(METHODS) : route.method();
        String target = path(route.path()) + query();
        if (method.equals("DELETE") && target.startsWith("/api/v2/api_keys")) {
            method = "GET"; // revoking the key every request sends would leave nothing but 401s to explore
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (!chance(10)) {
            headers.put("Authorization", chance(10) ? "Bearer " + string() : "Bearer " + fixtures.apiKey());
        }
        byte[] body = new byte[0];
        if (!method.equals("GET") && !method.equals("HEAD") || chance(10)) {
            String contentType = chance(5) ? pick(CONTENT_TYPES) : "application/json";
            if (!contentType.isEmpty()) {
                headers.put("Content-Type", contentType);
            }
            body = body(contentType, route.bodySchema());
        }
        if (chance(20)) {
            headers.put(pick(fieldNames), string());
        }
        if (chance(30)) {
            headers.put("X-Twilio-Signature", string());
        }
        return new RawHttp.Request(method, target, headers, body);
    }

    private String path(String template) {
        Matcher matcher = PARAM.matcher(template);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(path, Matcher.quoteReplacement(pathValue(matcher.group(1))));
        }
        matcher.appendTail(path);
        if (chance(30)) {
            path.append(pick(new String[] {"/", "//", "/..", ".json", "/%2e%2e", "/x"}));
        }
        return path.toString();
    }

    private String pathValue(String param) {
        List<String> known = fixtures.paramValues().getOrDefault(param, List.of());
        if (!known.isEmpty() && !chance(3)) {
            return encode(known.get(random.nextInt(known.size())));
        }
        if (chance(4)) {
            return Long.toString(random.nextLong());
        }
        String value = string();
        return chance(6) ? value.replace(" ", "%20") : encode(value);
    }

    private String query() {
        if (chance(3)) {
            return "";
        }
        StringBuilder query = new StringBuilder("?");
        if (!fixtures.postbackKeys().isEmpty() && !chance(4)) {
            query.append("key=")
                    .append(fixtures.postbackKeys()
                            .get(random.nextInt(fixtures.postbackKeys().size())))
                    .append('&');
        }
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            String name = chance(4) ? string() : pick(fieldNames);
            query.append(encode(name)).append('=').append(encode(string())).append('&');
        }
        if (chance(10)) {
            query.append("%zz=%&=&&==");
        }
        return query.toString();
    }

    private byte[] body(String contentType, JsonNode schema) {
        if (chance(15)) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            return bytes;
        }
        if (contentType.contains("form")) {
            StringBuilder form = new StringBuilder();
            int count = random.nextInt(8);
            for (int i = 0; i < count; i++) {
                form.append(encode(chance(5) ? string() : pick(fieldNames)))
                        .append('=')
                        .append(encode(string()))
                        .append('&');
            }
            return form.toString().getBytes(StandardCharsets.UTF_8);
        }
        String json;
        try {
            Object document =
                    !schema.isMissingNode() && !chance(4) ? fromSchema(schema, 0) : chance(6) ? value(0) : object(0);
            json = JSON.writeValueAsString(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (chance(6) && json.length() > 1) {
            json = json.substring(0, random.nextInt(json.length())); // truncated
        } else if (chance(10) && !json.isEmpty()) {
            int at = random.nextInt(json.length());
            json = json.substring(0, at)
                    + pick(new String[] {"\u0000", "}", "\"", ",", "\\u12", "]]"})
                    + json.substring(at);
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A value that mostly fits {@code schema}: its properties, types, bounds and enums, with edges and wrong types. */
    private Object fromSchema(JsonNode schema, int depth) {
        JsonNode resolved = resolve(schema);
        if (depth > 6 || chance(12)) {
            return value(depth + 1);
        }
        if (resolved.has("enum") && !chance(4)) {
            JsonNode options = resolved.path("enum");
            return JSON.convertValue(options.get(random.nextInt(options.size())), Object.class);
        }
        for (String combiner : List.of("oneOf", "anyOf", "allOf")) {
            if (resolved.path(combiner).isArray() && !resolved.path(combiner).isEmpty()) {
                JsonNode options = resolved.path(combiner);
                return fromSchema(options.get(random.nextInt(options.size())), depth + 1);
            }
        }
        String type = type(resolved);
        return switch (type) {
            case "object" -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> property :
                        resolved.path("properties").properties()) {
                    if (!chance(5)) {
                        object.put(property.getKey(), fromSchema(property.getValue(), depth + 1));
                    }
                }
                if (resolved.path("additionalProperties").isObject() || chance(8)) {
                    object.put(string(), fromSchema(resolved.path("additionalProperties"), depth + 1));
                }
                yield object;
            }
            case "array" -> {
                List<Object> list = new ArrayList<>();
                int count = random.nextInt(chance(20) ? 300 : 4);
                for (int i = 0; i < count; i++) {
                    list.add(fromSchema(resolved.path("items"), depth + 1));
                }
                yield list;
            }
            case "integer", "number" -> {
                long min = resolved.path("minimum").asLong(0);
                long max = resolved.path("maximum").asLong(1_000);
                long[] edges = {min, max, min - 1, max + 1, 0, -1, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
                if (chance(2)) {
                    yield edges[random.nextInt(edges.length)];
                }
                yield type.equals("number") && chance(2)
                        ? (Object) new java.math.BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(8))
                        : (Object) (min + Math.floorMod(random.nextLong(), Math.max(1, max - min + 1)));
            }
            case "boolean" -> random.nextBoolean();
            case "null" -> null;
            default -> {
                if (resolved.path("format").asText().equals("date-time") && !chance(3)) {
                    yield java.time.Instant.ofEpochSecond(random.nextLong(4_102_444_800L))
                            .toString();
                }
                int maxLength = resolved.path("maxLength").asInt(-1);
                if (maxLength > 0 && chance(5)) {
                    yield "y".repeat(maxLength + random.nextInt(2));
                }
                yield string();
            }
        };
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode resolved = schema;
        for (int hops = 0; resolved.has("$ref") && hops < 10; hops++) {
            resolved = openApi.at(resolved.path("$ref").asText().substring(1));
        }
        return resolved;
    }

    private String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray() && !type.isEmpty()) {
            return type.get(random.nextInt(type.size())).asText();
        }
        if (type.isTextual()) {
            return type.asText();
        }
        return schema.has("properties") ? "object" : "string";
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> object = new LinkedHashMap<>();
        int count = random.nextInt(7);
        for (int i = 0; i < count; i++) {
            object.put(chance(6) ? string() : pick(fieldNames), value(depth + 1));
        }
        return object;
    }

    private Object value(int depth) {
        int kind = random.nextInt(depth > 3 ? 8 : 11);
        return switch (kind) {
            case 0, 1, 2 -> string();
            case 3 -> random.nextInt(1000) - 10;
            case 4 -> random.nextLong();
            case 5 -> random.nextBoolean();
            case 6 -> null;
            case 7 -> new java.math.BigDecimal("1e" + (random.nextInt(400) - 200));
            case 8 -> object(depth);
            default -> {
                List<Object> list = new ArrayList<>();
                int count = random.nextInt(4);
                for (int i = 0; i < count; i++) {
                    list.add(value(depth + 1));
                }
                yield list;
            }
        };
    }

    private String string() {
        int kind = random.nextInt(10);
        return switch (kind) {
            case 0, 1, 2, 3 -> pick(ODD_STRINGS);
            case 4 -> "x".repeat(chance(5) ? random.nextInt(10_000) : random.nextInt(300));
            case 5 -> pick(fieldNames);
            case 6 -> {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(20);
                for (int i = 0; i < length; i++) {
                    text.append((char) random.nextInt(0x3000));
                }
                yield text.toString();
            }
            default -> {
                List<String> known = fixtures.paramValues().getOrDefault("id", List.of());
                yield known.isEmpty() ? "1" : known.get(random.nextInt(known.size()));
            }
        };
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String pick(List<String> values) {
        return values.isEmpty() ? "x" : values.get(random.nextInt(values.size()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
