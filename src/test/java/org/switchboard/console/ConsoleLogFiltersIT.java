package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * The postback log's type and outcome filters and the RTB log's caller filter, in the API and on the pages; the time
 * filters of the three logs taking plain dates.
 */
class ConsoleLogFiltersIT extends ServerIT {
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
    void thePostbackLogShouldFilterByTypeAndOutcome() {
        // given: logged requests of every type, some refused
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "filters", receiver.url("/hook"));
        long now = Instant.now().toEpochMilli();
        logged(s, "data_writing", "stored", now);
        logged(s, "data_writing", "400 caller_number: is not a valid phone number", now);
        logged(s, "data_reading", "call found, 1 tag(s) read", now);
        logged(s, "conversion", "409 the call is already converted", now);
        logged(s, "call_rejection", "SUCCESS call x rejected", now);
        logged(s, "call_transfer", "502 the call changed but its carrier was not told: busy", now);
        logged(s, "caller_lists", "403 this key lacks the read permission", now);

        // when
        List<String> writing = endpoints(s.api().get("/api/v2/postback_logs?type=data_writing"));
        List<String> control = endpoints(s.api().get("/api/v2/postback_logs?type=call_control"));
        List<String> errors = endpoints(s.api().get("/api/v2/postback_logs?outcome=error"));
        List<String> writingOk = endpoints(s.api().get("/api/v2/postback_logs?type=data_writing&outcome=success"));
        Response badType = s.api().get("/api/v2/postback_logs?type=postback");
        Response badOutcome = s.api().get("/api/v2/postback_logs?outcome=failed");

        // then
        assertThat(writing).containsExactly("data_writing", "data_writing");
        assertThat(control).containsExactlyInAnyOrder("call_rejection", "call_transfer");
        assertThat(errors).containsExactlyInAnyOrder("data_writing", "conversion", "call_transfer", "caller_lists");
        assertThat(writingOk).containsExactly("data_writing");
        assertThat(badType.status()).as(badType.toString()).isEqualTo(400);
        assertThat(badType.errorField()).isEqualTo("type");
        assertThat(badOutcome.status()).as(badOutcome.toString()).isEqualTo(400);
        assertThat(badOutcome.errorField()).isEqualTo("outcome");

        // and the page: the same rows, a bad value named beside its field with the value kept
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(s.person(Role.VIEWER));
        ConsoleClient.Page page = person.get("/postback_logs?type=call_control&outcome=error");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("1 requests").contains("call_transfer").doesNotContain("call_rejection");
        assertThat(page.body()).contains("<option value=\"call_control\" selected>");
        ConsoleClient.Page bad = person.get("/postback_logs?type=postback");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("id=\"type-error\">must be one of conversion, data_writing");
        ConsoleClient.Page badOutcomePage = person.get("/postback_logs?outcome=failed");
        assertThat(badOutcomePage.body()).contains("id=\"outcome-error\">must be success or error");
    }

    @Test
    void theRtbLogShouldFilterByCaller() {
        // given: pings from two callers
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "rtb-caller", receiver.url("/hook"));
        String wanted = s.ping("+13125550161");
        String other = s.ping("+13125550162");

        // when
        Response found = s.api().get("/api/v2/rtb_pings?caller_number=%2B13125550161");
        Response national = s.api().get("/api/v2/rtb_pings?caller_number=(312)%20555-0161");
        Response bad = s.api().get("/api/v2/rtb_pings?caller_number=nobody");

        // then
        assertThat(uuids(found)).containsExactly(wanted);
        assertThat(uuids(national)).containsExactly(wanted);
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.errorField()).isEqualTo("caller_number");

        // and the page
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(s.person(Role.VIEWER));
        ConsoleClient.Page page = person.get("/rtb_pings?caller_number=%2B13125550161");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains(wanted).doesNotContain(other);
        ConsoleClient.Page badPage = person.get("/rtb_pings?caller_number=nobody");
        assertThat(badPage.status()).isEqualTo(400);
        assertThat(badPage.body())
                .contains("id=\"caller_number-error\">is not a valid phone number")
                .contains("value=\"nobody\"");
    }

    @Test
    void theLogsTimeFiltersShouldTakeWholeDays() {
        // given: a call, a ping and a logged postback today
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "days", receiver.url("/hook"));
        String call = s.playCall("+13125550163", 30);
        String ping = s.ping("+13125550164");
        logged(s, "data_writing", "stored", Instant.now().toEpochMilli());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String day = today.toString();
        String tomorrow = today.plusDays(1).toString();
        ConsoleClient person = new ConsoleClient(server.base());
        person.signIn(s.person(Role.VIEWER));

        // when: today to today (inclusive), and from tomorrow
        ConsoleClient.Page calls = person.get("/calls?from=" + day + "&to=" + day);
        ConsoleClient.Page noCalls = person.get("/calls?from=" + tomorrow);
        ConsoleClient.Page pings = person.get("/rtb_pings?from=" + day + "&to=" + day);
        ConsoleClient.Page noPings = person.get("/rtb_pings?from=" + tomorrow);
        ConsoleClient.Page postbacks = person.get("/postback_logs?from=" + day + "&to=" + day);
        ConsoleClient.Page noPostbacks = person.get("/postback_logs?to=" + today.minusDays(1));
        ConsoleClient.Page badDay = person.get("/calls?from=2026-13-01");

        // then: the whole day is in, the day after is empty; the form keeps a date picker
        assertThat(calls.status()).isEqualTo(200);
        assertThat(calls.body()).contains(call).contains("type=\"date\" value=\"" + day + "\"");
        assertThat(noCalls.body()).doesNotContain(call);
        assertThat(pings.body()).contains(ping);
        assertThat(noPings.body()).doesNotContain(ping);
        assertThat(postbacks.body()).contains("1 requests");
        assertThat(noPostbacks.body()).contains("0 requests");
        assertThat(badDay.status()).isEqualTo(400);
        assertThat(badDay.body())
                .contains("id=\"from-error\">must be an ISO-8601 instant")
                .contains("or a date");
        // an instant still works and keeps a text field (a date picker would drop it)
        ConsoleClient.Page instant = person.get("/calls?from=" + day + "T00:00:00Z");
        assertThat(instant.body()).contains(call).contains("type=\"text\" value=\"" + day + "T00:00:00Z\"");
    }

    private static void logged(ConsoleScenario s, String endpoint, String result, long at) {
        server.wiring()
                .database()
                .jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "INSERT INTO postback_logs (account_id, key_name, endpoint, method, params, tags, result,"
                                        + " created_at) VALUES (:account, 'Key', :endpoint, 'POST', '{}', '{}', :result,"
                                        + " :at)")
                        .bind("account", s.api().accountId())
                        .bind("endpoint", endpoint)
                        .bind("result", result)
                        .bind("at", at)
                        .execute());
    }

    private static List<String> endpoints(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode entry : response.json()) {
            out.add(entry.path("endpoint").asText());
        }
        return out;
    }

    private static List<String> uuids(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode ping : response.json()) {
            out.add(ping.path("uuid").asText());
        }
        return out;
    }
}
