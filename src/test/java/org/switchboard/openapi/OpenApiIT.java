package org.switchboard.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** The served OpenAPI document is plain OpenAPI and every operation it lists exists on the server. */
class OpenApiIT extends ServerIT {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void documentShouldBeServedWithoutSharedSectionsOrDanglingReferences() {
        // when
        Response response = server.anonymous().get("/openapi.json");

        // then
        assertThat(response.status()).isEqualTo(200);
        JsonNode doc = response.json();
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        doc.path("components")
                .fieldNames()
                .forEachRemaining(name -> assertThat(name).doesNotStartWith("x-"));
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs)
                .isNotEmpty()
                .allSatisfy(ref -> assertThat(doc.at(ref.substring(1)).isMissingNode())
                        .as(ref)
                        .isFalse());
    }

    @Test
    void everyDocumentedOperationShouldBeRouted() {
        // given
        Api api = newAccount();
        JsonNode paths = server.anonymous().get("/openapi.json").json().path("paths");
        int operations = 0;

        for (var path : paths.properties()) {
            String concrete = path.getKey()
                    .replace("{owner_id}", "999999")
                    .replace("{id}", "999999")
                    .replace("{list_name}", "suppressed_x")
                    .replace("{number}", "%2B12125550123")
                    .replace("{uuid}", "00000000-0000-0000-0000-000000000000")
                    .replace("{attempt}", "1")
                    .replace("{key}", "not-a-key");
            for (var operation : path.getValue().properties()) {
                if (!METHODS.contains(operation.getKey())) {
                    continue;
                }
                operations++;
                // when
                Response response = api.send(operation.getKey().toUpperCase(), concrete, "{}");

                // then: the route exists (it may well refuse the empty body or the unknown id)
                assertThat(response.status())
                        .as(operation.getKey() + " " + path.getKey())
                        .isLessThan(500);
                assertThat(response.body())
                        .as(operation.getKey() + " " + path.getKey())
                        .doesNotContain("no such endpoint");
            }
        }
        assertThat(operations).isGreaterThanOrEqualTo(60);
    }

    @Test
    void documentShouldNameTheServerItIsServedBy() {
        // when
        JsonNode servers = server.anonymous().get("/openapi.json").json().path("servers");

        // then: the test server's public_api_url
        assertThat(servers).hasSize(1);
        assertThat(servers.get(0).path("url").asText()).isEqualTo(server.base());
    }

    @Test
    void swaggerUiShouldBeServedFromItsWebJarUnderAStrictPolicy() {
        // when
        Response page = server.anonymous().get("/docs/api");
        Response bundle = server.anonymous().get("/docs/api/swagger-ui-bundle.js");
        Response start = server.anonymous().get("/docs/api/start.js");
        Response css = server.anonymous().get("/docs/api/swagger-ui.css");
        Response unknown = server.anonymous().get("/docs/api/..%2Fopenapi.yaml");

        // then: the page loads only its own files, no inline script, and starts on this server's document
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy"))
                .contains("script-src 'self';")
                .doesNotContain("unsafe-eval");
        assertThat(page.body())
                .contains("<script src=\"/docs/api/swagger-ui-bundle.js\"></script>")
                .contains("<script src=\"/docs/api/start.js\"></script>")
                .doesNotContainPattern("<script>[^<]");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.header("Content-Type")).startsWith("text/javascript");
        assertThat(bundle.body()).contains("SwaggerUIBundle");
        assertThat(start.body()).contains("url: \"/openapi.json\"");
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(unknown.status()).isEqualTo(404);
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                if (entry.getKey().equals("$ref")) {
                    refs.add(entry.getValue().asText());
                } else {
                    collectRefs(entry.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectRefs(element, refs));
        }
    }
}
