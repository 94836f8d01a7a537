package org.switchboard.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules the served document keeps beyond Redocly's lint: ids client generators name methods after. */
class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final JsonNode DOCUMENT = OpenApiRoutes.load();

    @Test
    void everyOperationShouldHaveAUniqueCamelCaseOperationId() {
        // given
        List<String> ids = new ArrayList<>();
        List<String> missing = new ArrayList<>();

        // when
        DOCUMENT.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (METHODS.contains(op.getKey())) {
                        JsonNode id = op.getValue().path("operationId");
                        if (id.isTextual()) {
                            ids.add(id.asText());
                        } else {
                            missing.add(op.getKey() + " " + path.getKey());
                        }
                    }
                }));

        // then
        assertThat(missing).isEmpty();
        assertThat(ids).hasSizeGreaterThan(150).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z][a-zA-Z0-9]*"));
    }

    @Test
    void everyAuthenticatedOperationShouldAnswerUnauthorized() {
        // given
        List<String> without401 = new ArrayList<>();

        // when
        DOCUMENT.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    JsonNode security = op.getValue().path("security");
                    boolean open = security.isArray() && security.isEmpty();
                    if (METHODS.contains(op.getKey())
                            && !open
                            && !op.getValue().path("responses").has("401")) {
                        without401.add(op.getKey() + " " + path.getKey());
                    }
                }));

        // then
        assertThat(without401).isEmpty();
    }

    @Test
    void servedDocumentShouldNameThisDeploymentAsItsServer() {
        // given
        OpenApiRoutes routes = new OpenApiRoutes(() -> "https://calls.example.com");

        // when
        JsonNode servers = routes.document().path("servers");

        // then
        assertThat(servers).hasSize(1);
        assertThat(servers.get(0).path("url").asText()).isEqualTo("https://calls.example.com");
        assertThat(DOCUMENT.path("servers").get(0).path("url").asText()).isEqualTo("http://127.0.0.1:8080");
    }
}
