package org.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.ServerIT;

/** The call overview's call flow says where each tag came from. */
class ConsoleCallFlowIT extends ServerIT {
    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver().on("/start", Receiver.respond(200, "application/json", "{\"lead_score\": \"high\"}"));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void theCallFlowShouldSayWhichSourceAppliedEachTag() {
        // given: a call on a number tagged note:provenance, whose start webhook answers lead_score:high
        ConsoleScenario s = ConsoleScenario.create(server, newAccount(), "provenance", receiver.url("/start"));
        String uuid = s.playCall("+13125550177", 30);
        ConsoleClient browser = new ConsoleClient(server.base());
        browser.signIn(s.person(Role.VIEWER));

        // when
        String flow = section(browser.get("/calls/" + uuid).body(), "timeline");

        // then: each source with what it added, in the order they were applied, then the conversion decision
        assertThat(flow)
                .contains("by publisher Console Publisher: publisher_id:pub-console, source_id:pub-console")
                .contains("by tracking number " + s.number() + ": note:provenance")
                .contains("by the call: campaign_id:" + s.campaign() + ", caller_number:+13125550177")
                .contains("by the call-start webhooks' responses: lead_score:high")
                .contains("by dialling Console Buyer: system_buyer_id:" + s.buyer())
                .contains("not converted</strong> connected 30 s of the 60 s criterion A minute requires");
        assertThat(flow.indexOf("call arrived")).isLessThan(flow.indexOf("by publisher Console Publisher"));
        assertThat(flow.indexOf("by tracking number")).isLessThan(flow.indexOf("call-start webhooks"));
        assertThat(flow.indexOf("call-start webhooks")).isLessThan(flow.indexOf("by dialling Console Buyer"));
    }

    private static String section(String page, String id) {
        int start = page.indexOf("<section id=\"" + id + "\">");
        assertThat(start).as("section " + id).isNotNegative();
        return page.substring(start, page.indexOf("</section>", start));
    }
}
