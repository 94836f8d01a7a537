package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Inviting people through the console, and the call log's tag search and CSV export. */
class ConsoleUsersAndExportIT extends ServerIT {
    private static final Pattern LINK = Pattern.compile("id=\"set-password-link\">[^<]*(/set_password/[A-Za-z0-9]+)<");

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
    void anInvitedPersonShouldSetAPasswordThroughTheOneTimeLinkAndSignIn() {
        // given: an admin invites a manager
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "team", receiver.url("/hook"));
        ConsoleClient admin = new ConsoleClient(server.base());
        admin.signIn(s.person(Role.ADMIN));
        admin.get("/users");
        String email = "invited-" + engine.name().toLowerCase(java.util.Locale.ROOT) + "@console.test";
        ConsoleClient.Page invited =
                admin.submit("/users", Map.of("email", email, "display_name", "Invited Manager", "role", "manager"));
        Matcher link = LINK.matcher(invited.body());
        assertThat(link.find()).as(invited.body()).isTrue();
        // when: the invited person opens the link and sets a password
        ConsoleClient person = new ConsoleClient(server.base());
        assertThat(person.get(link.group(1)).status()).isEqualTo(200);
        ConsoleClient.Page tooShort = person.submit(link.group(1), Map.of("password", "short", "confirm", "short"));
        ConsoleClient.Page set = person.submit(
                link.group(1), Map.of("password", "a long enough secret", "confirm", "a long enough secret"));
        // then: signed in at once; the link is used up; the password signs in from another browser
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.body()).contains("at least 10 characters");
        assertThat(set.status()).isEqualTo(303);
        assertThat(person.get("/dashboard").status()).isEqualTo(200);
        assertThat(person.get(link.group(1)).status()).isEqualTo(404);
        ConsoleClient again = new ConsoleClient(server.base());
        assertThat(again.signIn(new ConsoleScenario.Person(email, "a long enough secret", Role.MANAGER))
                        .status())
                .isEqualTo(303);
        // and the admin changes the role, then removes the person, which ends their sessions
        long id = userId(admin.get("/users").body(), email);
        assertThat(admin.submit("/users/" + id + "/role", Map.of("role", "viewer"))
                        .status())
                .isEqualTo(303);
        assertThat(admin.get("/users").body()).contains("selected>viewer</option>");
        assertThat(admin.submit("/users/" + id + "/delete", Map.of()).status()).isEqualTo(303);
        assertThat(again.get("/dashboard").status()).isEqualTo(303);
    }

    @Test
    void theCsvLinkShouldExportExactlyTheRowsTheTagSearchFound() {
        // given: two calls on the account, one through a number tagged note:csv-wanted
        ConsoleScenario wanted = ConsoleScenario.create(server, newAccount(), "csv-wanted", receiver.url("/hook"));
        String uuid = wanted.playCall("+13125550130", 30);
        String otherUuid = wanted.playCall("+13125550131", 30, wanted.addNumber("csv-other"));
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(wanted.person(Role.VIEWER));
        // when: the person searches by tag and follows the page's CSV link (their session, no API key)
        ConsoleClient.Page found = person.get("/calls?tag=note%3Acsv-wanted");
        Matcher csvLink = Pattern.compile("href=\"(/api/v2/calls\\.csv\\?[^\"]*)\" id=\"csv-export\"")
                .matcher(found.body());
        assertThat(csvLink.find()).isTrue();
        ConsoleClient.Page csv = person.get(csvLink.group(1).replace("&amp;", "&"));
        // then
        assertThat(found.body()).contains(uuid).doesNotContain(otherUuid);
        assertThat(csv.status()).isEqualTo(200);
        List<String> lines = Arrays.asList(csv.body().split("\r\n"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith(uuid + ",");
        // and the API takes the same filter, refusing a malformed one by name
        Response api = wanted.api().get("/api/v2/calls?tag=note:csv-wanted");
        assertThat(api.json()).hasSize(1);
        assertThat(api.json().get(0).path("uuid").asText()).isEqualTo(uuid);
        Response bad = wanted.api().get("/api/v2/calls?tag=no-colon");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorField()).isEqualTo("tag");
        ConsoleClient.Page badPage = person.get("/calls?tag=no-colon");
        assertThat(badPage.status()).isEqualTo(400);
        assertThat(badPage.body())
                .as("the problem beside its field, the input kept")
                .contains("value=\"no-colon\" placeholder=\"key:value\"><span class=\"field-error\" role=\"alert\""
                        + " id=\"tag-error\">must be key:value");
    }

    @Test
    void theCallLogShouldSortByStartOrDurationInThePageAndTheApi() {
        // given: a short call, then a long one
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "sorted", receiver.url("/hook"));
        String shortCall = s.playCall("+13125550140", 20);
        String longCall = s.playCall("+13125550141", 200);
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(s.person(Role.VIEWER));
        // when
        List<String> newest = uuids(person.get("/calls").body());
        List<String> oldest = uuids(person.get("/calls?sort=oldest").body());
        List<String> longest = uuids(person.get("/calls?sort=longest").body());
        List<String> shortest = uuids(person.get("/calls?sort=shortest").body());
        // then
        assertThat(newest).containsExactly(longCall, shortCall);
        assertThat(oldest).containsExactly(shortCall, longCall);
        assertThat(longest).containsExactly(longCall, shortCall);
        assertThat(shortest).containsExactly(shortCall, longCall);
        assertThat(s.api()
                        .get("/api/v2/calls?sort=shortest")
                        .json()
                        .get(0)
                        .path("uuid")
                        .asText())
                .isEqualTo(shortCall);
        assertThat(s.api().get("/api/v2/calls?sort=sideways").errorField()).isEqualTo("sort");
        assertThat(person.get("/calls?sort=sideways").status()).isEqualTo(400);
    }

    @Test
    void theReportsPageShouldShowTheReportApisFiguresAndExportThemAsCsv() {
        // given: two calls, one converting for 12.50 (70% paid)
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "report", receiver.url("/hook"));
        s.awaitSettled(s.playCall("+13125550150", 90), 1);
        s.awaitSettled(s.playCall("+13125550151", 20), 1);
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(s.person(Role.MANAGER));
        java.time.LocalDate today = java.time.LocalDate.ofInstant(server.clock().instant(), java.time.ZoneOffset.UTC);
        String query = "from=" + today + "&to=" + today.plusDays(1) + "&group_by=campaign";
        // when
        ConsoleClient.Page page = person.get("/reports?" + query);
        ConsoleClient.Page csv = person.get("/api/v2/reports/calls.csv?" + query);
        var api = s.api().get("/api/v2/reports/calls?" + query).json();
        // then: the page's row and total are the API's; the CSV has the row and the total
        assertThat(page.status()).isEqualTo(200);
        assertThat(api.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(page.body())
                .contains("<th scope=\"row\">Console Campaign</th>")
                .contains("<td class=\"num\">2</td>")
                .contains("<td class=\"num\">12.50</td><td class=\"num\">8.75</td><td class=\"num\">3.75</td>");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body().split("\r\n"))
                .containsExactly(
                        "key,name,calls,connected,converted,revenue,payout,profit,buyer_revenue",
                        s.campaign() + ",Console Campaign,2,2,1,12.5,8.75,3.75,0",
                        "total,,2,2,1,12.5,8.75,3.75,0");
        assertThat(person.get("/reports?from=yesterday").status()).isEqualTo(400);
    }

    private static List<String> uuids(String page) {
        Matcher m = Pattern.compile("<tr data-uuid=\"([^\"]+)\"").matcher(page);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static long userId(String usersPage, String email) {
        Matcher m = Pattern.compile("action=\"/users/(\\d+)/role\"[\\s\\S]*?Role of " + Pattern.quote(email))
                .matcher(usersPage);
        assertThat(m.find()).as(usersPage).isTrue();
        return Long.parseLong(m.group(1));
    }
}
