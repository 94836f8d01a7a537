package org.switchboard.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import com.plivo.api.util.Utils;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.TestServer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Whole calls through the Plivo adapter: Plivo's parameter names, V3 signatures from Plivo's SDK, Plivo XML. */
class PlivoIT extends ServerIT {

    private static final java.util.concurrent.atomic.AtomicInteger NEXT =
            new java.util.concurrent.atomic.AtomicInteger();

    private record Setup(Api api, String number, long first, long second) {}

    private Setup setup(String secondDestination) {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Plivo\"}").id();
        String number = "+1866555" + (1000 + engine.ordinal() * 500 + NEXT.getAndIncrement());
        assertThat(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}")
                        .status())
                .isEqualTo(201);
        long first = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"First\", \"destination\": \"+12125550501\","
                                + " \"ring_timeout_seconds\": 25, \"campaign_ids\": [" + campaign + "]}")
                .id();
        long second = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Second\", \"destination\": \"" + secondDestination
                                + "\", \"priority\": 2, \"campaign_ids\": [" + campaign + "]}")
                .id();
        return new Setup(api, number, first, second);
    }

    private Response plivo(String url, Map<String, String> form) {
        String nonce = Long.toString(System.nanoTime());
        try {
            String signature = Utils.computeSignatureV3(url, nonce, TestServer.PLIVO_AUTH_TOKEN, "POST", form);
            return CarrierClient.post(
                    url, form, Map.of("X-Plivo-Signature-V3", signature, "X-Plivo-Signature-V3-Nonce", nonce));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Map<String, String> call(String uuid, String from, String to, String... more) {
        Map<String, String> form = CarrierClient.form(
                "CallUUID",
                uuid,
                "CallStatus",
                "ringing",
                "Direction",
                "inbound",
                "Event",
                "StartApp",
                "From",
                from.replace("+", ""),
                "To",
                to.replace("+", ""),
                "CallerName",
                "+" + from.replace("+", ""));
        form.putAll(CarrierClient.form(more));
        return form;
    }

    @Test
    void callShouldBeRoutedFailedOverAnsweredAndEndedThroughPlivoXml() {
        // given
        Setup s = setup("+12125550502");
        String callUuid = UUID.randomUUID().toString();

        // when: the call arrives on the answer URL
        Document first =
                CarrierClient.xml(plivo(server.base() + "/plivo/answer", call(callUuid, "+13125550157", s.number())));

        // then
        Element dial = (Element) first.getElementsByTagName("Dial").item(0);
        assertThat(dial.getElementsByTagName("Number").item(0).getTextContent()).isEqualTo("12125550501");
        assertThat(dial.getAttribute("timeout")).isEqualTo("25");
        String action = dial.getAttribute("action");
        assertThat(action).startsWith(server.base() + "/plivo/dial?call=");
        assertThat(dial.getAttribute("callbackUrl")).startsWith(server.base() + "/plivo/dial-events?call=");

        // when: no answer (Plivo reports a timeout on the Dial action)
        Document second = CarrierClient.xml(plivo(
                action,
                call(
                        callUuid,
                        "+13125550157",
                        s.number(),
                        "DialStatus",
                        "timeout",
                        "DialALegUUID",
                        callUuid,
                        "DialHangupCause",
                        "NO_ANSWER")));
        Element dial2 = (Element) second.getElementsByTagName("Dial").item(0);

        // then
        assertThat(dial2.getElementsByTagName("Number").item(0).getTextContent())
                .isEqualTo("12125550502");

        // when: the second buyer answers, the bridge ends, then the hangup URL
        Response answered = plivo(
                dial2.getAttribute("callbackUrl"),
                call(
                        callUuid,
                        "+13125550157",
                        s.number(),
                        "DialAction",
                        "answer",
                        "DialBLegStatus",
                        "answer",
                        "DialBLegUUID",
                        UUID.randomUUID().toString()));
        Document afterDial = CarrierClient.xml(plivo(
                dial2.getAttribute("action"),
                call(callUuid, "+13125550157", s.number(), "DialStatus", "completed", "DialBLegDuration", "95")));
        Response hangup = plivo(
                server.base() + "/plivo/hangup",
                call(
                        callUuid,
                        "+13125550157",
                        s.number(),
                        "CallStatus",
                        "completed",
                        "Duration",
                        "130",
                        "BillDuration",
                        "180",
                        "HangupCause",
                        "NORMAL_CLEARING"));

        // then
        assertThat(answered.status()).isEqualTo(200);
        assertThat(afterDial.getElementsByTagName("Hangup").getLength()).isEqualTo(1);
        assertThat(hangup.status()).isEqualTo(200);
        String uuid = action.substring(action.indexOf("call=") + 5, action.indexOf("&"));
        Calls calls = new Calls(s.api());
        assertThat(calls.detail(uuid).path("call").path("status").asText()).isEqualTo("completed");
        assertThat(calls.detail(uuid).path("call").path("caller_number").asText())
                .isEqualTo("+13125550157");
        assertThat(calls.detail(uuid).path("call").path("duration_seconds").asInt())
                .isEqualTo(130);
        assertThat(calls.detail(uuid).path("call").path("buyer_id").asLong()).isEqualTo(s.second());
        assertThat(calls.reasonFor(uuid, s.first())).isEqualTo("did not answer (ring timeout 25 s)");
    }

    @Test
    void sipBuyerShouldGetPlivoSipHeaders() {
        // given
        Setup s = setup("sip:agent@pbx.example.com");
        String callUuid = UUID.randomUUID().toString();
        Document first =
                CarrierClient.xml(plivo(server.base() + "/plivo/answer", call(callUuid, "+13125550158", s.number())));
        String action = ((Element) first.getElementsByTagName("Dial").item(0)).getAttribute("action");

        // when
        Document second =
                CarrierClient.xml(plivo(action, call(callUuid, "+13125550158", s.number(), "DialStatus", "busy")));

        // then: sipHeaders without the X-PH- prefix, which Plivo adds, and values Plivo accepts ([A-Za-z0-9%])
        Element user = (Element) second.getElementsByTagName("User").item(0);
        String uuid = action.substring(action.indexOf("call=") + 5, action.indexOf("&"));
        assertThat(user.getTextContent()).isEqualTo("sip:agent@pbx.example.com");
        assertThat(user.getAttribute("sipHeaders"))
                .matches("RetreaverKey=[1-9A-HJ-NP-Za-km-z]{32},RetreaverUUID=" + uuid.replace("-", "%2D"));
    }

    @Test
    void badSignatureShouldBeRefusedAndRecordNothing() {
        Setup s = setup("+12125550503");
        Map<String, String> form = call(UUID.randomUUID().toString(), "+13125550159", s.number());
        Response forged = CarrierClient.post(
                server.base() + "/plivo/answer",
                form,
                Map.of("X-Plivo-Signature-V3", "AAAA", "X-Plivo-Signature-V3-Nonce", "1"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(CarrierClient.post(server.base() + "/plivo/answer", form, Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(s.api().get("/api/v2/calls").json().size()).isZero();
    }

    @Test
    void unknownNumberShouldBeHungUpAsRejected() {
        Document reply = CarrierClient.xml(plivo(
                server.base() + "/plivo/answer", call(UUID.randomUUID().toString(), "+13125550160", "+18005550199")));
        assertThat(((Element) reply.getElementsByTagName("Hangup").item(0)).getAttribute("reason"))
                .isEqualTo("rejected");
    }

    @Test
    void transferredCallShouldMovePlivosALegToTheDirectoryEntry() {
        // given: the first buyer answers; its group has a call transfer key drawing from a directory
        Setup s = setup("+12125550504");
        s.api().patch("/api/v2/account", "{\"features\": {\"live_call_control\": true}}");
        long group = s.api()
                .post("/api/v2/buyer_groups", "{\"name\": \"G\", \"buyer_ids\": [" + s.first() + "]}")
                .id();
        long directory = s.api()
                .post(
                        "/api/v2/directories",
                        "{\"name\": \"Desk\", \"entries\": [{\"name\": \"Retention\", \"destination\":"
                                + " \"+12125550620\"}]}")
                .id();
        String key = s.api()
                .post(
                        "/api/v2/buyer_groups/" + group + "/postback_keys",
                        "{\"type\": \"call_transfer\", \"name\": \"T\", \"options\": {\"directory_id\": " + directory
                                + "}}")
                .json()
                .path("key")
                .asText();
        String callUuid = UUID.randomUUID().toString();
        Document first =
                CarrierClient.xml(plivo(server.base() + "/plivo/answer", call(callUuid, "+13125550163", s.number())));
        Element dial = (Element) first.getElementsByTagName("Dial").item(0);
        plivo(
                dial.getAttribute("callbackUrl"),
                call(callUuid, "+13125550163", s.number(), "DialAction", "answer", "DialBLegStatus", "answer"));
        String action = dial.getAttribute("action");
        String uuid = action.substring(action.indexOf("call=") + 5, action.indexOf("&"));

        // when
        Response transferred = server.anonymous()
                .get("/handler_groups/" + group + "/transfers/interface?key=" + key + "&call_uuid=" + uuid
                        + "&entry=Retention");

        // then: Plivo is asked to transfer the A leg to Switchboard's redirect URL
        assertThat(transferred.body()).isEqualTo("SUCCESS call " + uuid + " transferred to +12125550620");
        var update = server.carrierApi().received().stream()
                .filter(r -> r.uri().contains(callUuid))
                .findFirst()
                .orElseThrow();
        assertThat(update.uri()).isEqualTo("/v1/Account/" + TestServer.PLIVO_AUTH_ID + "/Call/" + callUuid + "/");
        var body = org.switchboard.platform.http.Json.read(update.body());
        assertThat(body.path("legs").asText()).isEqualTo("aleg");
        String redirectUrl = server.base() + "/plivo/redirect?call=" + uuid;
        assertThat(body.path("aleg_url").asText()).isEqualTo(redirectUrl);

        // when: Plivo fetches the new instructions
        Document redirected = CarrierClient.xml(plivo(redirectUrl, call(callUuid, "+13125550163", s.number())));

        // then: the caller is bridged to the entry; when that ends, so does the call
        Element transfer = (Element) redirected.getElementsByTagName("Dial").item(0);
        assertThat(transfer.getElementsByTagName("Number").item(0).getTextContent())
                .isEqualTo("12125550620");
        assertThat(transfer.getAttribute("action")).isEqualTo(server.base() + "/plivo/transferred?call=" + uuid);
        Document over =
                CarrierClient.xml(plivo(transfer.getAttribute("action"), call(callUuid, "+13125550163", s.number())));
        assertThat(over.getElementsByTagName("Hangup").getLength()).isEqualTo(1);
    }
}
