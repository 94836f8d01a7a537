package org.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.openapi.OpenApiRoutes;

/** The contract refuses what the document does not describe, so a passing IT means a described answer. */
class ApiContractTest {
    private static final ApiContract CONTRACT = new ApiContract(OpenApiRoutes.load());

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '~',
            value = {
                "GET|/health|200|{\"status\":\"ok\"}|",
                "GET|/health|200|{\"status\":\"ok\",\"extra\":1}|'extra' is not evaluated",
                "GET|/api/v2/campaigns/7|404|{\"error\":{\"code\":\"not_found\",\"message\":\"no campaign 7\",\"field\":null}}|",
                "GET|/api/v2/campaigns/7|200|{\"id\":7}|required property 'name'",
                "GET|/api/v2/campaigns/7|418|{\"teapot\":true}|status 418 is not documented",
                "GET|/api/v2/nothing|404|{\"error\":{\"code\":\"not_found\",\"message\":\"no such endpoint\",\"field\":null}}|",
                "GET|/api/v2/nothing|200|{\"ok\":true}|no documented operation",
                "DELETE|/api/v2/calls/x|200|{}|no documented operation",
                "GET|/api/v2/calls.csv|200|[]|a JSON body, but get /api/v2/calls.csv documents none",
                "POST|/rtbs.json|200|{\"uuid\":\"u\",\"status\":\"reserved\",\"bid\":1}|'bid' is not evaluated",
            })
    void answersShouldMatchTheirOperation(String method, String path, int status, String body, String problem) {
        // given
        Response response = new Response(
                status,
                HttpHeaders.of(
                        Map.of("Content-Type", List.of("application/json"), "X-Request-Id", List.of("r")),
                        (name, value) -> true),
                body);

        // when
        Optional<String> violation = CONTRACT.violation(method.toLowerCase(), URI.create(path), response);

        // then
        if (problem == null) {
            assertThat(violation).isEmpty();
        } else {
            assertThat(violation).hasValueSatisfying(v -> assertThat(v).contains(problem));
        }
    }
}
