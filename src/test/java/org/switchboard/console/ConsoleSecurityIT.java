package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** The console's guards over plain HTTP: sessions, roles, CSRF, account scoping, escaping, sign-in throttling. */
class ConsoleSecurityIT extends ServerIT {
    static final String HOSTILE = "<script>alert(\"x\")</script>'\"";

    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver().on("/hook", Receiver.respond(200, "text/html", HOSTILE));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private ConsoleScenario scenario() {
        return ConsoleScenario.create(server, newAccount(), HOSTILE, receiver.url("/hook"));
    }

    private ConsoleClient browser() {
        return new ConsoleClient(server.base());
    }

    @Test
    void everyPageShouldSendAPersonWithoutASessionToSignIn() {
        // given
        ConsoleScenario s = scenario();
        String uuid = s.playCall("+13125550101", 30);
        ConsoleClient anonymous = browser();
        // when / then
        for (String path : List.of(
                "/dashboard",
                "/calls",
                "/calls/" + uuid,
                "/calls/rows",
                "/postback_logs",
                "/rtb_pings",
                "/reports",
                "/users",
                "/api_keys")) {
            ConsoleClient.Page page = anonymous.get(path);
            assertThat(page.status()).as(path).isEqualTo(303);
            assertThat(page.location()).as(path).startsWith("/sign_in?next=");
        }
        ConsoleClient.Page post =
                anonymous.post("/users", Map.of("email", "x@console.test", "display_name", "X", "role", "admin"));
        assertThat(post.status()).isEqualTo(303);
        assertThat(post.location()).startsWith("/sign_in");
        ConsoleClient.Page keyPost = anonymous.post("/api_keys", Map.of("name", "anonymous"));
        assertThat(keyPost.status()).isEqualTo(303);
        assertThat(s.api().get("/api/v2/api_keys").json()).hasSize(1);
    }

    @Test
    void aViewerShouldReadButNotChangeAnything() {
        // given
        ConsoleScenario s = scenario();
        ConsoleClient viewer = browser();
        assertThat(viewer.signIn(s.person(Role.VIEWER)).status()).isEqualTo(303);
        // when
        ConsoleClient.Page calls = viewer.get("/calls");
        ConsoleClient.Page invite =
                viewer.submit("/users", Map.of("email", "new@console.test", "display_name", "New", "role", "admin"));
        // then
        assertThat(calls.status()).isEqualTo(200);
        assertThat(invite.status()).isEqualTo(403);
        assertThat(viewer.get("/users").status()).isEqualTo(403);
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenShouldBeRefused() {
        // given
        ConsoleScenario s = scenario();
        ConsoleClient admin = browser();
        admin.signIn(s.person(Role.ADMIN));
        admin.get("/users");
        Map<String, String> invite = Map.of("email", "forged@console.test", "display_name", "Forged", "role", "admin");
        // when
        ConsoleClient.Page without = admin.post("/users", invite);
        ConsoleClient.Page wrong = admin.post("/users", withToken(invite, "0".repeat(64)));
        // then
        assertThat(without.status()).isEqualTo(403);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(admin.get("/users").body()).doesNotContain("forged@console.test");
        // and the same form with the token works
        ConsoleClient.Page real = admin.submit("/users", invite);
        assertThat(real.status()).isEqualTo(200);
        assertThat(real.body()).contains("forged@console.test").contains("/set_password/");
    }

    @Test
    void anotherAccountsCallShouldAnswerLikeAMissingOne() {
        // given: a call of account A, a person of account B
        ConsoleScenario a = scenario();
        String uuid = a.playCall("+13125550102", 30);
        ConsoleScenario b = scenario();
        ConsoleClient person = browser();
        person.signIn(b.person(Role.ADMIN));
        // when
        ConsoleClient.Page other = person.get("/calls/" + uuid);
        ConsoleClient.Page missing = person.get("/calls/" + UUID.randomUUID());
        // then
        assertThat(other.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(main(other.body())).isEqualTo(main(missing.body()));
        assertThat(person.get("/calls").body()).doesNotContain(uuid);
    }

    @Test
    void anAdminShouldNotReachAnotherAccountsPeople() {
        // given: a viewer of account A, an admin of account B
        ConsoleScenario a = scenario();
        ConsoleScenario.Person viewerOfA = a.person(Role.VIEWER);
        ConsoleScenario b = scenario();
        ConsoleClient adminOfB = browser();
        adminOfB.signIn(b.person(Role.ADMIN));
        adminOfB.get("/users");
        long idOfA = server.wiring()
                .console()
                .addUser(
                        new org.switchboard.platform.id.AccountId(a.api().accountId()),
                        "second-" + UUID.randomUUID() + "@console.test",
                        "Second",
                        Role.VIEWER,
                        "a password of A's")
                .id();
        // when
        ConsoleClient.Page role = adminOfB.submit("/users/" + idOfA + "/role", Map.of("role", "admin"));
        ConsoleClient.Page remove = adminOfB.submit("/users/" + idOfA + "/delete", Map.of());
        // then: not found, nothing changed, and A's people are not listed to B
        assertThat(role.status()).isEqualTo(404);
        assertThat(remove.status()).isEqualTo(404);
        assertThat(adminOfB.get("/users").body()).doesNotContain(viewerOfA.email());
        ConsoleClient viewer = browser();
        assertThat(viewer.signIn(viewerOfA).status()).isEqualTo(303);
    }

    @Test
    void aHostileTagAndWebhookResponseShouldShowAsText() {
        // given: a tag value and a webhook response carrying markup
        ConsoleScenario s = scenario();
        String uuid = s.playCall("+13125550103", 30);
        s.awaitSettled(uuid, 1);
        ConsoleClient person = browser();
        person.signIn(s.person(Role.VIEWER));
        // when
        String log = person.get("/calls").body();
        String overview = person.get("/calls/" + uuid).body();
        long pixel = s.api()
                .get("/api/v2/calls/" + uuid + "/fired_pixels")
                .json()
                .get(0)
                .path("id")
                .asLong();
        String detail = person.get("/calls/" + uuid + "/pixels/" + pixel).body();
        // then: escaped everywhere, never markup
        for (String body : List.of(log, overview, detail)) {
            assertThat(body).doesNotContain("<script>alert");
        }
        // (in text, quotes need no escaping; in attributes JTE escapes them too)
        assertThat(log).contains("note:&lt;script&gt;alert(\"x\")&lt;/script&gt;'\"");
        assertThat(detail).contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;'\"");
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailShouldAnswerAlikeUntilTheThrottleSaysWait() {
        // given
        ConsoleScenario s = scenario();
        ConsoleScenario.Person person = s.person(Role.MANAGER);
        ConsoleClient browser = browser();
        // when
        ConsoleClient.Page wrong =
                browser.signIn(new ConsoleScenario.Person(person.email(), "wrong password!", Role.MANAGER));
        ConsoleClient.Page unknown = browser.signIn(
                new ConsoleScenario.Person("nobody-" + UUID.randomUUID() + "@console.test", "x", Role.VIEWER));
        // then
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(errorOf(wrong.body())).isEqualTo(errorOf(unknown.body())).contains("email or password is not right");
        // when: the email's failures reach the limit
        for (int i = 0; i < SignInThrottle.PER_EMAIL; i++) {
            browser.signIn(new ConsoleScenario.Person(person.email(), "wrong password!", Role.MANAGER));
        }
        ConsoleClient.Page right = browser.signIn(person);
        // then: even the right password waits, with a clear message
        assertThat(right.status()).isEqualTo(429);
        assertThat(right.body()).contains("Too many failed sign-ins").contains("Try again in");
    }

    @Test
    void signingOutShouldEndTheSessionInTheStore() {
        // given
        ConsoleScenario s = scenario();
        ConsoleClient browser = browser();
        ConsoleClient.Page signedIn = browser.signIn(s.person(Role.VIEWER));
        String cookie = signedIn.header("set-cookie");
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        String token = cookie.substring("sb_session=".length(), cookie.indexOf(';'));
        browser.get("/dashboard");
        // when
        ConsoleClient.Page out = browser.submit("/sign_out", Map.of());
        // then: the old cookie, replayed, opens nothing
        assertThat(out.status()).isEqualTo(303);
        Response replay = Api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base() + "/calls"))
                .header("Cookie", "sb_session=" + token)
                .build());
        assertThat(replay.status()).isEqualTo(303);
    }

    @Test
    void aSessionShouldEndAfterItsIdleTime() {
        // given: a signed-in person
        ConsoleScenario s = scenario();
        ConsoleClient browser = browser();
        browser.signIn(s.person(Role.VIEWER));
        assertThat(browser.get("/dashboard").status()).isEqualTo(200);
        try {
            // when: nothing happens for longer than the idle time
            server.clock().advance(ConsoleSessions.IDLE.plusMinutes(1));
            // then
            ConsoleClient.Page page = browser.get("/dashboard");
            assertThat(page.status()).isEqualTo(303);
            assertThat(page.location()).startsWith("/sign_in");
        } finally {
            server.clock().reset();
        }
    }

    @Test
    void pagesShouldCarryTheSecurityHeadersAndTheReservationUrlStayJsonForApiClients() {
        // given
        ConsoleScenario s = scenario();
        ConsoleClient browser = browser();
        browser.signIn(s.person(Role.VIEWER));
        // when
        ConsoleClient.Page page = browser.get("/dashboard");
        Response apiMissing = s.api().get("/call_reservations/" + UUID.randomUUID());
        ConsoleClient.Page htmlMissing = browser.get("/call_reservations/" + UUID.randomUUID());
        // then
        assertThat(page.header("content-security-policy"))
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.header("x-frame-options")).isEqualTo("DENY");
        assertThat(page.header("referrer-policy")).isEqualTo("same-origin");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");
        assertThat(apiMissing.status()).isEqualTo(404);
        assertThat(apiMissing.json().path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(htmlMissing.status()).isEqualTo(404);
        assertThat(htmlMissing.header("content-type")).startsWith("text/html");
    }

    private static Map<String, String> withToken(Map<String, String> form, String token) {
        Map<String, String> out = new java.util.LinkedHashMap<>(form);
        out.put("_csrf", token);
        return out;
    }

    private static String main(String body) {
        return body.substring(body.indexOf("<main"), body.indexOf("</main>"));
    }

    private static String errorOf(String body) {
        int start = body.indexOf("id=\"sign-in-error\">");
        return start < 0 ? "" : body.substring(start, body.indexOf("</p>", start));
    }
}
