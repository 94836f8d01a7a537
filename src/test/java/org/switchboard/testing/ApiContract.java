package org.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchboard.openapi.OpenApiRoutes;
import org.switchboard.platform.http.Json;

/**
 * The OpenAPI document as a contract on the server's answers: every JSON answer a test receives through {@link Api}
 * is checked against the operation its method and path match, by a JSON Schema 2020-12 validator, with unknown
 * fields refused (every object schema that lists its properties is closed here, not in the served document, so
 * clients stay free to ignore fields added later).
 *
 * <p>A JSON answer fails the contract when its path and method match no documented operation (a 4xx in the error
 * shape excepted: the answer to an unknown URL), when its status is not documented (an undocumented 4xx or 5xx must
 * still be the error shape), when the documented answer has no JSON body, or when the body does not validate. The
 * document is parsed and the schemas compiled once per JVM.
 *
 * <p>{@code SWITCHBOARD_TEST_OPENAPI=record} appends violations to {@code target/openapi-violations.txt} instead of
 * failing the test, to survey a whole run at once.
 */
public final class ApiContract {
    private static final String BASE = "https://switchboard.invalid/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_VALUES =
            Set.of("items", "additionalProperties", "not", "contains", "propertyNames", "unevaluatedItems");
    private static final boolean RECORD_ONLY = "record".equals(System.getenv("SWITCHBOARD_TEST_OPENAPI"));
    private static final Path RECORD_FILE = Path.of("target", "openapi-violations.txt");
    private static final Path COST_FILE = Path.of("target", "openapi-contract-cost.txt");

    private record Operation(String method, String template, Pattern pattern, String pointer, JsonNode node) {}

    /** Answers checked and the time spent checking them, written to {@link #COST_FILE} when the JVM exits. */
    private static final LongAdder CHECKED = new LongAdder();

    private static final LongAdder NANOS = new LongAdder();

    private static final class Holder {
        static final ApiContract INSTANCE = load();

        private static ApiContract load() {
            long start = System.nanoTime();
            ApiContract contract = new ApiContract(OpenApiRoutes.load());
            long parseMillis = (System.nanoTime() - start) / 1_000_000;
            // a file: what a test JVM prints while it exits does not reliably reach the report
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> append(
                            COST_FILE,
                            String.format(
                                    "%s document parsed in %d ms; %d answers checked in %d ms%n",
                                    java.time.Instant.now(), parseMillis, CHECKED.sum(), NANOS.sum() / 1_000_000))));
            return contract;
        }
    }

    private final JsonNode document;
    private final List<Operation> operations = new ArrayList<>();
    private final SchemaRegistry registry;
    private final Map<String, Schema> pointerToSchema = new ConcurrentHashMap<>();

    ApiContract(JsonNode served) {
        JsonNode strict = served.deepCopy();
        closeSchemas(strict);
        this.document = strict;
        String text = Json.writeString(strict);
        this.registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12, builder -> builder.schemas(Map.of(BASE, text)));
        strict.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (METHODS.contains(op.getKey())) {
                        operations.add(new Operation(
                                op.getKey(),
                                path.getKey(),
                                templatePattern(path.getKey()),
                                "/paths/" + escape(path.getKey()) + "/" + op.getKey(),
                                op.getValue()));
                    }
                }));
        // a literal path before a templated one (/api/v2/calls.csv before /api/v2/calls/{uuid})
        operations.sort(Comparator.comparingInt((Operation op) -> countParameters(op.template()))
                .thenComparing(op -> -op.template().length()));
    }

    /** Checks one answer of the server; fails (or records) on a violation. Answers of other servers are skipped. */
    public static void check(String method, URI uri, Response response) {
        if (response.header("X-Request-Id") == null || method.equals("HEAD")) {
            return; // not our server (a receiver, a carrier stand-in), or no body to check
        }
        ApiContract contract = Holder.INSTANCE;
        long start = System.nanoTime();
        Optional<String> violation = contract.violation(method.toLowerCase(Locale.ROOT), uri, response);
        NANOS.add(System.nanoTime() - start);
        CHECKED.increment();
        violation.ifPresent(v -> report(method + " " + uri.getRawPath() + " -> " + response.status() + ": " + v));
    }

    Optional<String> violation(String method, URI uri, Response response) {
        String contentType =
                Optional.ofNullable(response.header("Content-Type")).orElse("");
        boolean json =
                contentType.startsWith("application/json") && !response.body().isEmpty();
        Optional<Operation> operation = match(method, uri.getRawPath());
        if (operation.isEmpty()) {
            // pages and files (the console, Swagger UI) are not the API's; a JSON answer must be documented
            if (!json
                    || (response.status() >= 400
                            && errors(errorPointer(), response.body()).isEmpty())) {
                return Optional.empty();
            }
            return Optional.of("no documented operation for " + method.toUpperCase(Locale.ROOT) + " " + uri.getRawPath()
                    + " (" + abbreviate(response.body()) + ")");
        }
        Operation op = operation.get();
        JsonNode responses = op.node().path("responses");
        String status = Integer.toString(response.status());
        String responsePointer = op.pointer() + "/responses/" + status;
        JsonNode documented = responses.path(status);
        if (documented.isMissingNode()) {
            String range = status.charAt(0) + "XX";
            documented = responses.path(range);
            responsePointer = op.pointer() + "/responses/" + range;
        }
        if (documented.isMissingNode()) {
            if (response.status() >= 400
                    && json
                    && errors(errorPointer(), response.body()).isEmpty()) {
                return Optional.empty(); // an undocumented refusal in the error shape
            }
            return Optional.of("status " + status + " is not documented for " + op.method() + " " + op.template() + " ("
                    + abbreviate(response.body()) + ")");
        }
        if (documented.has("$ref")) {
            responsePointer = documented.get("$ref").asText().substring(1);
            documented = document.at(responsePointer);
        }
        if (!json) {
            return Optional.empty(); // text, CSV, XML and HTML answers are described, not schema-checked
        }
        JsonNode content = documented.path("content").path("application/json");
        if (content.isMissingNode()) {
            return Optional.of("a JSON body, but " + op.method() + " " + op.template() + " documents none for " + status
                    + " (" + abbreviate(response.body()) + ")");
        }
        if (!content.has("schema")) {
            return Optional.empty();
        }
        List<String> errors = errors(responsePointer + "/content/application~1json/schema", response.body());
        return errors.isEmpty()
                ? Optional.empty()
                : Optional.of("does not match " + op.method() + " " + op.template() + " " + status + ": " + errors
                        + " in " + abbreviate(response.body()));
    }

    private Optional<Operation> match(String method, String rawPath) {
        return operations.stream()
                .filter(op -> op.method().equals(method)
                        && op.pattern().matcher(rawPath).matches())
                .findFirst();
    }

    private String errorPointer() {
        return "/components/schemas/Error";
    }

    /**
     * The validator's Jackson 3 reader, without the default limits on names and strings: stored requests (the RTB log's
     * parameters) may hold names longer than 50,000 characters, which the server's own mapper reads as well.
     */
    private static final tools.jackson.databind.ObjectMapper READER = tools.jackson.databind.json.JsonMapper.builder(
                    tools.jackson.core.json.JsonFactory.builder()
                            .streamReadConstraints(tools.jackson.core.StreamReadConstraints.builder()
                                    .maxNameLength(Integer.MAX_VALUE)
                                    .maxStringLength(Integer.MAX_VALUE)
                                    .build())
                            .build())
            .build();

    private List<String> errors(String pointer, String body) {
        Schema schema =
                pointerToSchema.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p)));
        List<Error> errors;
        try {
            errors = schema.validate(READER.readTree(body));
        } catch (RuntimeException e) {
            return List.of("unreadable JSON: " + e.getMessage());
        }
        return errors.stream().map(Error::toString).limit(5).toList();
    }

    private static void report(String violation) {
        if (!RECORD_ONLY) {
            throw new AssertionError("the answer breaks the OpenAPI document: " + violation);
        }
        append(RECORD_FILE, violation + "\n");
    }

    private static void append(Path file, String line) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Closes every object schema that lists its properties ({@code unevaluatedProperties: false}), walking from the
     * schemas of components, parameters, headers and bodies through the schema keywords.
     */
    private static void closeSchemas(JsonNode document) {
        document.path("components").path("schemas").forEach(ApiContract::closeSchema);
        walkForSchemas(document.path("paths"));
        walkForSchemas(document.path("components").path("responses"));
    }

    private static void walkForSchemas(JsonNode node) {
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                if (entry.getKey().equals("schema")) {
                    closeSchema(entry.getValue());
                } else {
                    walkForSchemas(entry.getValue());
                }
            });
        } else if (node.isArray()) {
            node.forEach(ApiContract::walkForSchemas);
        }
    }

    private static void closeSchema(JsonNode schema) {
        if (!(schema instanceof ObjectNode object)) {
            return;
        }
        JsonNode allOf = object.path("allOf");
        if (!allOf.isMissingNode() && (allOf.size() != 1 || !allOf.get(0).has("$ref"))) {
            // a member's closure would refuse the other members' fields: allOf may only name one schema (to add
            // required fields to it), so each object's properties stay in one schema
            throw new IllegalStateException("allOf in the OpenAPI document must hold one $ref: " + object);
        }
        if (object.has("properties") && !object.has("additionalProperties") && !object.has("unevaluatedProperties")) {
            object.put("unevaluatedProperties", false);
        }
        object.path("properties").forEach(ApiContract::closeSchema);
        for (String keyword : SCHEMA_LISTS) {
            object.path(keyword).forEach(ApiContract::closeSchema);
        }
        for (String keyword : SCHEMA_VALUES) {
            closeSchema(object.path(keyword));
        }
    }

    private static Pattern templatePattern(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher parameter = Pattern.compile("\\{[^}]+}").matcher(template);
        int last = 0;
        while (parameter.find()) {
            regex.append(Pattern.quote(template.substring(last, parameter.start())));
            regex.append("[^/]+");
            last = parameter.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }

    private static int countParameters(String template) {
        return (int) template.chars().filter(c -> c == '{').count();
    }

    private static String escape(String pathKey) {
        return pathKey.replace("~", "~0").replace("/", "~1");
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
