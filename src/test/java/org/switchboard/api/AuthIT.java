package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Engine;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.TestServer;

/** API keys: both ways of presenting one, their management, and account creation by the operator. */
class AuthIT extends ServerIT {

    @Test
    void requestsWithoutAValidKeyShouldBeRefused() {
        Response none = server.anonymous().get("/api/v2/campaigns");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorCode()).isEqualTo("unauthorized");
        assertThat(server.withKey("sb_not_a_real_key").get("/api/v2/campaigns").status())
                .isEqualTo(401);
        assertThat(server.anonymous().get("/api/v2/campaigns?api_key=").status())
                .isEqualTo(401);
    }

    @Test
    void keyShouldWorkAsQueryParameterOrBearerHeader() {
        // given
        Api api = newAccount();

        // when
        Response byQuery =
                Api.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/v2/account?api_key=" + api.key()))
                        .build());
        Response byHeader = api.get("/api/v2/account");

        // then
        assertThat(byQuery.status()).isEqualTo(200);
        assertThat(byHeader.status()).isEqualTo(200);
        assertThat(byQuery.json().path("id").asLong()).isEqualTo(api.accountId());
        assertThat(byHeader.json()).isEqualTo(byQuery.json());
    }

    @Test
    void apiKeysShouldBeIssuedListedWithoutSecretsAndRevoked() {
        // given
        Api api = newAccount();

        // when
        Response issued = api.post("/api/v2/api_keys", "{\"name\": \"reporting script\"}");

        // then
        assertThat(issued.status()).isEqualTo(201);
        String secret = issued.json().path("key").asText();
        assertThat(secret).startsWith("sb_").hasSize(43);
        assertThat(issued.json().path("hint").asText()).isEqualTo("…" + secret.substring(secret.length() - 4));
        Response listed = api.get("/api/v2/api_keys");
        assertThat(listed.json().size()).isEqualTo(2);
        assertThat(listed.body()).doesNotContain(secret).doesNotContain(api.key());
        Api script = server.withKey(secret);
        assertThat(script.get("/api/v2/account").json().path("id").asLong()).isEqualTo(api.accountId());

        assertThat(api.delete("/api/v2/api_keys/" + issued.id()).status()).isEqualTo(204);
        assertThat(script.get("/api/v2/account").status())
                .as("a deleted key stops working at once")
                .isEqualTo(401);
        long last = api.get("/api/v2/api_keys").json().get(0).path("id").asLong();
        assertThat(api.delete("/api/v2/api_keys/" + last).status()).isEqualTo(409);
        assertThat(api.delete("/api/v2/api_keys/999999").status()).isEqualTo(404);
    }

    @Test
    void keysShouldNotBeStoredInPlainText() {
        // given
        Api api = newAccount();

        // when
        var stored = server.wiring()
                .database()
                .jdbi()
                .withHandle(handle -> handle.createQuery("SELECT key_digest, key_hint FROM api_keys")
                        .mapToMap()
                        .list());

        // then
        assertThat(stored.toString()).doesNotContain(api.key());
        assertThat(stored)
                .allSatisfy(row -> assertThat(row.get("key_digest").toString()).hasSize(64));
    }

    @Test
    void accountShouldBeRenamed() {
        Api api = newAccount();
        assertThat(api.patch("/api/v2/account", "{\"name\": \"Renamed Co\"}")
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo("Renamed Co");
        AdminApiIT.assertError(api.patch("/api/v2/account", "{\"name\": \"\"}"), 400, "name");
    }

    @Test
    void accountCreationShouldNeedTheOperatorToken() {
        Response noToken = server.anonymous().post("/api/v2/accounts", "{\"name\": \"X\"}");
        assertThat(noToken.status()).isEqualTo(401);
        Response wrong =
                server.withKey("operator-token-that-is-wrong-0000000").post("/api/v2/accounts", "{\"name\": \"X\"}");
        assertThat(wrong.status()).isEqualTo(401);
        Api api = newAccount();
        assertThat(api.post("/api/v2/accounts", "{\"name\": \"X\"}").status())
                .as("an account's API key is not the operator token")
                .isEqualTo(401);
    }

    @Test
    void accountCreationShouldBeOffWithoutAnOperatorToken() {
        try (TestServer plain = TestServer.start(Engine.SQLITE, Map.of("SWITCHBOARD_OPERATOR_TOKEN", ""))) {
            Response refused = plain.anonymous().post("/api/v2/accounts", "{\"name\": \"X\"}");
            assertThat(refused.status()).isEqualTo(404);
            assertThat(refused.json().path("error").path("message").asText()).contains("SWITCHBOARD_OPERATOR_TOKEN");
        }
    }
}
