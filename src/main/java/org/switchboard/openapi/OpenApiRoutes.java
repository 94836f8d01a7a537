package org.switchboard.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;

/**
 * Serves the API's OpenAPI 3.1 document, written as YAML beside this class and sent as JSON at {@code /openapi.json},
 * and Swagger UI reading it at {@code /docs/api}.
 *
 * <p>The YAML shares repeated operations, path items and headers through {@code components/x-*} sections so that
 * one change covers campaigns and buyers alike. OpenAPI allows {@code $ref} only in some places, so those references
 * are inlined when the document is loaded and the {@code x-*} sections dropped: what is served is plain OpenAPI. Keys
 * written beside such a reference are merged over what it names, so each use of a shared operation carries its own
 * {@code operationId}.
 */
public final class OpenApiRoutes {
    private static final String SHARED = "#/components/x-";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    /** Swagger UI's files from its WebJar, and the page and script that start it (no inline script: strict CSP). */
    private static final String SWAGGER_UI = "/META-INF/resources/webjars/swagger-ui/5.35.0/";

    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self';"
            // Swagger UI sets style attributes and draws its icons from data: URLs
            + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self';"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private record Asset(byte[] bytes, String type) {}

    /** Read once per process: Swagger UI's bundle is 2 MB, and tests start many servers. */
    private static final class Assets {
        static final Map<String, Asset> NAME_TO_ASSET = Map.of(
                "swagger-ui.css", asset(SWAGGER_UI + "swagger-ui.css", "text/css"),
                "swagger-ui-bundle.js", asset(SWAGGER_UI + "swagger-ui-bundle.js", "text/javascript"),
                "start.js", asset("/org/switchboard/openapi/start.js", "text/javascript"));
        static final Asset PAGE = asset("/org/switchboard/openapi/api-docs.html", "text/html");
    }

    private final Supplier<String> publicApiUrl;
    /** Read on first use: parsing and inlining the YAML was a tenth of the start-up, for a document few ask for. */
    private volatile @Nullable JsonNode document;

    /** @param publicApiUrl the base URL clients reach the API at, listed as the document's server */
    public OpenApiRoutes(Supplier<String> publicApiUrl) {
        this.publicApiUrl = publicApiUrl;
    }

    /** The document this server answers at {@code /openapi.json}. */
    public JsonNode document() {
        JsonNode read = document;
        if (read == null) {
            ObjectNode loaded = (ObjectNode) load();
            ArrayNode servers = loaded.putArray("servers");
            servers.addObject().put("url", publicApiUrl.get()).put("description", "This deployment (public_api_url)");
            // two first requests at once may both read it: the same document, the later one kept
            document = loaded;
            read = loaded;
        }
        return read;
    }

    public void register(HttpRules rules) {
        rules.get("/openapi.json", (req, res) -> Http.ok(res, document()));
        rules.get("/docs/api", (req, res) -> send(res, Assets.PAGE));
        rules.get("/docs/api/{name}", (req, res) -> {
            Asset asset = Assets.NAME_TO_ASSET.get(req.path().pathParameters().get("name"));
            if (asset == null) {
                res.status(Status.NOT_FOUND_404);
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                res.send("no such file");
                return;
            }
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
            send(res, asset);
        });
    }

    private static void send(ServerResponse res, Asset asset) {
        res.header(HeaderNames.CONTENT_TYPE, asset.type() + "; charset=utf-8");
        res.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "same-origin");
        res.send(asset.bytes());
    }

    private static Asset asset(String resource, String type) {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + resource);
            }
            return new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Prints the document as served (with the YAML's local server) to standard output, for linting and for generating
     * clients without a running server: {@code java -cp target/switchboard.jar org.switchboard.openapi.OpenApiRoutes}.
     */
    public static void main(String[] args) throws IOException {
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(load()));
    }

    /** The document as served, with the servers the YAML lists (a local default). */
    public static JsonNode load() {
        JsonNode raw;
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the class path");
            }
            raw = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is unreadable", e);
        }
        JsonNode inlined = inline(raw, raw);
        ObjectNode components = (ObjectNode) inlined.path("components");
        List<String> shared = new ArrayList<>();
        components.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("x-")) {
                shared.add(name);
            }
        });
        components.remove(shared);
        answerUnauthorized(inlined);
        return inlined;
    }

    /**
     * Every operation that needs the API key answers 401 without a valid one; the YAML leaves that response out where
     * it says nothing more than the shared one, and it is added here.
     */
    private static void answerUnauthorized(JsonNode document) {
        document.path("paths")
                .forEach(path -> path.properties().forEach(entry -> {
                    JsonNode security = entry.getValue().path("security");
                    if (!METHODS.contains(entry.getKey()) || (security.isArray() && security.isEmpty())) {
                        return;
                    }
                    ObjectNode responses = (ObjectNode) entry.getValue().path("responses");
                    if (!responses.has("401")) {
                        responses.putObject("401").put("$ref", "#/components/responses/Unauthorized");
                    }
                }));
    }

    private static JsonNode inline(JsonNode node, JsonNode root) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.asText().startsWith(SHARED)) {
                JsonNode target = root.at(ref.asText().substring(1));
                if (target.isMissingNode()) {
                    throw new IllegalStateException("openapi.yaml: dangling reference " + ref.asText());
                }
                JsonNode inlined = inline(target.deepCopy(), root);
                ObjectNode siblings = object.deepCopy();
                siblings.remove("$ref");
                return merge(inlined, inline(siblings, root));
            }
            ObjectNode copy = object.objectNode();
            object.properties().forEach(entry -> copy.set(entry.getKey(), inline(entry.getValue(), root)));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(inline(element, root)));
            return copy;
        }
        return node;
    }

    /** {@code over}'s keys laid over {@code base}'s, objects merged key by key. */
    private static JsonNode merge(JsonNode base, JsonNode over) {
        if (!(base instanceof ObjectNode baseObject) || !(over instanceof ObjectNode overObject)) {
            return over;
        }
        ObjectNode merged = baseObject.deepCopy();
        overObject.properties().forEach(entry -> {
            JsonNode existing = merged.get(entry.getKey());
            merged.set(entry.getKey(), existing == null ? entry.getValue() : merge(existing, entry.getValue()));
        });
        return merged;
    }
}
