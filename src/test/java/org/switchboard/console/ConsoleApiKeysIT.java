package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Admins manage the account's API keys in the console, under the API's rules; other roles cannot. */
class ConsoleApiKeysIT extends ServerIT {
    private static final Pattern NEW_KEY = Pattern.compile("id=\"new-api-key\">([^<]+)<");
    private static final Pattern KEY_ROW = Pattern.compile("data-key-id=\"(\\d+)\"");

    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver().on("/hook", Receiver.respond(200, "application/json", "{}"));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void anAdminShouldCreateAKeyShownOnceAndDeleteAllButTheLast() {
        // given: an account with its first key, and its admin signed in
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "keys", receiver.url("/hook"));
        ConsoleClient admin = new ConsoleClient(server.base());
        admin.signIn(s.person(Role.ADMIN));
        ConsoleClient.Page list = admin.get("/api_keys");
        long firstKey = onlyKeyId(list.body());
        assertThat(list.body())
                .contains("<code>…" + s.api().key().substring(s.api().key().length() - 4));

        // when: the admin creates a key
        ConsoleClient.Page created = admin.submit("/api_keys", Map.of("name", "Reporting <script>"));

        // then: its secret is on that page only, it works with the API, and its name is shown as text
        assertThat(created.status()).isEqualTo(200);
        Matcher secret = NEW_KEY.matcher(created.body());
        assertThat(secret.find()).as(created.body()).isTrue();
        assertThat(created.body()).contains("Reporting &lt;script&gt;").doesNotContain("Reporting <script>");
        assertThat(withKey(secret.group(1), "/api/v2/account").status()).isEqualTo(200);
        assertThat(admin.get("/api_keys").body()).doesNotContain(secret.group(1));

        // and deleting the first key stops it; the last one left cannot be deleted
        assertThat(admin.submit("/api_keys/" + firstKey + "/delete", Map.of()).status())
                .isEqualTo(303);
        assertThat(withKey(s.api().key(), "/api/v2/account").status()).isEqualTo(401);
        long lastKey = onlyKeyId(admin.get("/api_keys").body());
        ConsoleClient.Page refused = admin.submit("/api_keys/" + lastKey + "/delete", Map.of());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("id=\"delete-error\">this is the account's last API key");
        assertThat(withKey(secret.group(1), "/api/v2/account").status()).isEqualTo(200);
    }

    @Test
    void aBlankNameShouldBeNamedBesideItsField() {
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "keys-blank", receiver.url("/hook"));
        ConsoleClient admin = new ConsoleClient(server.base());
        admin.signIn(s.person(Role.ADMIN));
        admin.get("/api_keys");

        ConsoleClient.Page blank = admin.submit("/api_keys", Map.of("name", "   "));

        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.body()).contains("id=\"name-error\">is required").doesNotContain("new-api-key");
        assertThat(s.api().get("/api/v2/api_keys").json()).hasSize(1);
    }

    @Test
    void managersViewersForgedFormsAndOtherAccountsShouldBeRefused() {
        // given
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "keys-roles", receiver.url("/hook"));
        ConsoleScenario other = ConsoleScenario.create(server, newAccount(), "keys-other", receiver.url("/hook"));
        long othersKey =
                other.api().get("/api/v2/api_keys").json().get(0).path("id").asLong();
        s.api().post("/api/v2/api_keys", "{\"name\": \"second\"}");
        long ownKey = s.api().get("/api/v2/api_keys").json().get(0).path("id").asLong();
        ConsoleClient admin = new ConsoleClient(server.base());
        admin.signIn(s.person(Role.ADMIN));
        admin.get("/api_keys");

        // when / then: managers and viewers neither see nor change keys
        for (Role role : java.util.List.of(Role.MANAGER, Role.VIEWER)) {
            ConsoleClient person = new ConsoleClient(server.base());
            person.signIn(s.person(role));
            assertThat(person.get("/api_keys").status()).as(role.word()).isEqualTo(403);
            assertThat(person.get("/dashboard").body()).as(role.word()).doesNotContain("href=\"/api_keys\"");
            assertThat(person.submit("/api_keys", Map.of("name", "sneaky")).status())
                    .as(role.word())
                    .isEqualTo(403);
            assertThat(person.submit("/api_keys/" + ownKey + "/delete", Map.of())
                            .status())
                    .as(role.word())
                    .isEqualTo(403);
        }
        // a form without the session's CSRF token changes nothing
        assertThat(admin.post("/api_keys", Map.of("name", "forged")).status()).isEqualTo(403);
        assertThat(admin.post("/api_keys/" + ownKey + "/delete", Map.of()).status())
                .isEqualTo(403);
        // another account's key is not found
        assertThat(admin.submit("/api_keys/" + othersKey + "/delete", Map.of()).status())
                .isEqualTo(404);
        assertThat(s.api().get("/api/v2/api_keys").json()).hasSize(2);
        assertThat(other.api().get("/api/v2/api_keys").json()).hasSize(1);
        // without a session: to sign in
        assertThat(new ConsoleClient(server.base()).get("/api_keys").status()).isEqualTo(303);
    }

    private static long onlyKeyId(String body) {
        Matcher m = KEY_ROW.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        long id = Long.parseLong(m.group(1));
        assertThat(m.find()).as("only one key listed").isFalse();
        return id;
    }

    private static Response withKey(String key, String path) {
        return Api.send(HttpRequest.newBuilder(URI.create(server.base() + path))
                .header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build());
    }
}
