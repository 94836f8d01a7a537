package org.switchboard.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;
import org.switchboard.testing.TestServer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Whole calls through the Twilio adapter: Twilio's parameter names, signed requests, TwiML replies. */
class TwilioIT extends ServerIT {

    private static final java.util.concurrent.atomic.AtomicInteger NEXT =
            new java.util.concurrent.atomic.AtomicInteger();

    private record Setup(Api api, String number, long first, long second) {}

    private Setup setup(String secondDestination) {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Twilio\"}").id();
        String number = "+1866555" + (7000 + engine.ordinal() * 500 + NEXT.getAndIncrement());
        assertThat(api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}")
                        .status())
                .isEqualTo(201);
        long first = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"First\", \"destination\": \"+12125550401\","
                                + " \"ring_timeout_seconds\": 15, \"campaign_ids\": [" + campaign + "]}")
                .id();
        long second = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Second\", \"destination\": \"" + secondDestination
                                + "\", \"priority\": 2, \"campaign_ids\": [" + campaign + "]}")
                .id();
        return new Setup(api, number, first, second);
    }

    private Response twilio(String url, Map<String, String> form) {
        Map<String, List<String>> params = new TreeMap<>();
        form.forEach((k, v) -> params.put(k, List.of(v)));
        String signature = Signatures.twilio(TestServer.TWILIO_AUTH_TOKEN, url, params);
        return CarrierClient.post(url, form, Map.of("X-Twilio-Signature", signature));
    }

    private Map<String, String> call(String callSid, String from, String to, String... more) {
        Map<String, String> form = CarrierClient.form(
                "AccountSid",
                "AC0123456789abcdef0123456789abcdef",
                "ApiVersion",
                "2010-04-01",
                "CallSid",
                callSid,
                "CallStatus",
                "ringing",
                "Direction",
                "inbound",
                "From",
                from,
                "Caller",
                from,
                "To",
                to,
                "Called",
                to);
        form.putAll(CarrierClient.form(more));
        return form;
    }

    @Test
    void callShouldBeRoutedFailedOverAnsweredAndEndedThroughTwiml() {
        // given
        Setup s = setup("+12125550402");
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");

        // when: the call arrives
        Document first =
                CarrierClient.xml(twilio(server.base() + "/twilio/voice", call(sid, "+13125550147", s.number())));

        // then: Twilio is told to dial the first buyer, with answer and action callbacks
        Element dial = (Element) first.getElementsByTagName("Dial").item(0);
        Element number = (Element) dial.getElementsByTagName("Number").item(0);
        assertThat(number.getTextContent()).isEqualTo("+12125550401");
        assertThat(dial.getAttribute("timeout")).isEqualTo("15");
        assertThat(dial.getAttribute("answerOnBridge")).isEqualTo("true");
        String action = dial.getAttribute("action");
        assertThat(action).startsWith(server.base() + "/twilio/dial?call=").endsWith("&attempt=1");

        // when: no answer, Twilio calls the action URL
        Document second = CarrierClient.xml(twilio(
                action,
                call(
                        sid,
                        "+13125550147",
                        s.number(),
                        "DialCallStatus",
                        "no-answer",
                        "DialCallSid",
                        "CA-leg-1",
                        "DialCallDuration",
                        "0")));

        // then: the next buyer is dialled
        Element dial2 = (Element) second.getElementsByTagName("Dial").item(0);
        Element number2 = (Element) dial2.getElementsByTagName("Number").item(0);
        assertThat(number2.getTextContent()).isEqualTo("+12125550402");

        // when: the second buyer answers (Number url), the bridged call ends, then the call's status callback
        Response answered =
                twilio(number2.getAttribute("url"), call(sid, "+13125550147", s.number(), "CallStatus", "in-progress"));
        Document afterDial = CarrierClient.xml(twilio(
                dial2.getAttribute("action"),
                call(sid, "+13125550147", s.number(), "DialCallStatus", "completed", "DialCallDuration", "95")));
        Response status = twilio(
                server.base() + "/twilio/status",
                call(sid, "+13125550147", s.number(), "CallStatus", "completed", "CallDuration", "130"));

        // then
        assertThat(answered.status()).isEqualTo(200);
        assertThat(CarrierClient.xml(answered).getDocumentElement().getTagName())
                .isEqualTo("Response");
        assertThat(afterDial.getElementsByTagName("Hangup").getLength()).isEqualTo(1);
        assertThat(status.status()).isEqualTo(200);
        String uuid = action.substring(action.indexOf("call=") + 5, action.indexOf("&"));
        Calls calls = new Calls(s.api());
        assertThat(calls.detail(uuid).path("call").path("status").asText()).isEqualTo("completed");
        assertThat(calls.detail(uuid).path("call").path("carrier").asText()).isEqualTo("twilio");
        assertThat(calls.detail(uuid).path("call").path("duration_seconds").asInt())
                .isEqualTo(130);
        assertThat(calls.detail(uuid).path("call").path("buyer_id").asLong()).isEqualTo(s.second());
        assertThat(calls.reasonFor(uuid, s.first())).isEqualTo("did not answer (ring timeout 15 s)");

        // and a retried status callback changes nothing
        assertThat(twilio(
                                server.base() + "/twilio/status",
                                call(sid, "+13125550147", s.number(), "CallStatus", "completed", "CallDuration", "999"))
                        .status())
                .isEqualTo(200);
        assertThat(calls.detail(uuid).path("call").path("duration_seconds").asInt())
                .isEqualTo(130);
    }

    @Test
    void sipBuyerShouldGetTheCallUuidAndKeyAsSipHeaders() {
        // given: the first buyer is busy, the second is a SIP endpoint
        Setup s = setup("sip:agent@pbx.example.com");
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        Document first =
                CarrierClient.xml(twilio(server.base() + "/twilio/voice", call(sid, "+13125550148", s.number())));
        String action = ((Element) first.getElementsByTagName("Dial").item(0)).getAttribute("action");

        // when
        Document second =
                CarrierClient.xml(twilio(action, call(sid, "+13125550148", s.number(), "DialCallStatus", "busy")));

        // then
        Element sip = (Element) second.getElementsByTagName("Sip").item(0);
        String uuid = action.substring(action.indexOf("call=") + 5, action.indexOf("&"));
        assertThat(sip.getTextContent())
                .startsWith("sip:agent@pbx.example.com?X-PH-RetreaverKey=")
                .endsWith("&X-PH-RetreaverUUID=" + uuid);
        assertThat(new Calls(s.api()).reasonFor(uuid, s.first())).isEqualTo("was busy");
    }

    @Test
    void callerHangingUpWhileTheBuyerRingsShouldEndTheCallNotDialTheNextBuyer() {
        // given
        Setup s = setup("+12125550404");
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        Document first =
                CarrierClient.xml(twilio(server.base() + "/twilio/voice", call(sid, "+13125550151", s.number())));
        String action = ((Element) first.getElementsByTagName("Dial").item(0)).getAttribute("action");

        // when: Twilio reports the dial with the parent call already completed
        Document reply = CarrierClient.xml(twilio(
                action,
                call(
                        sid,
                        "+13125550151",
                        s.number(),
                        "CallStatus",
                        "completed",
                        "DialCallStatus",
                        "no-answer",
                        "CallDuration",
                        "7")));

        // then
        String uuid = action.substring(action.indexOf("call=") + 5, action.indexOf("&"));
        assertThat(reply.getElementsByTagName("Hangup").getLength()).isEqualTo(1);
        assertThat(new Calls(s.api()).detail(uuid).path("call").path("status").asText())
                .isEqualTo("abandoned");
        assertThat(new Calls(s.api()).detail(uuid).path("attempts").size()).isEqualTo(1);
    }

    @Test
    void badSignatureShouldBeRefusedAndRecordNothing() {
        // given
        Setup s = setup("+12125550403");
        Map<String, String> form = call("CAbad", "+13125550149", s.number());

        // when
        Response unsigned = CarrierClient.post(server.base() + "/twilio/voice", form, Map.of());
        Response forged =
                CarrierClient.post(server.base() + "/twilio/voice", form, Map.of("X-Twilio-Signature", "AAAA"));

        // then
        assertThat(unsigned.status()).isEqualTo(403);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(s.api().get("/api/v2/calls").json().size()).isZero();
    }

    @Test
    void unknownNumberShouldBeRejected() {
        Document reply = CarrierClient.xml(
                twilio(server.base() + "/twilio/voice", call("CAunknown", "+13125550150", "+18005550199")));
        assertThat(reply.getElementsByTagName("Reject").getLength()).isEqualTo(1);
    }

    @Test
    void rejectedCallShouldBeRedirectedThroughTwiliosCallUpdate() {
        // given: the first buyer answers a call; both buyers are in a group with a call rejection key
        Setup s = setup("+12125550405");
        long group = s.api()
                .post(
                        "/api/v2/buyer_groups",
                        "{\"name\": \"G\", \"buyer_ids\": [" + s.first() + ", " + s.second() + "]}")
                .id();
        String key = s.api()
                .post(
                        "/api/v2/buyer_groups/" + group + "/postback_keys",
                        "{\"type\": \"call_rejection\", \"name\": \"R\"}")
                .json()
                .path("key")
                .asText();
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        Document first =
                CarrierClient.xml(twilio(server.base() + "/twilio/voice", call(sid, "+13125550162", s.number())));
        Element dial = (Element) first.getElementsByTagName("Dial").item(0);
        Element number = (Element) dial.getElementsByTagName("Number").item(0);
        twilio(number.getAttribute("url"), call(sid, "+13125550162", s.number(), "CallStatus", "in-progress"));
        String action = dial.getAttribute("action");
        String uuid = action.substring(action.indexOf("call=") + 5, action.indexOf("&"));

        // when
        Response rejected = server.anonymous()
                .get("/handler_groups/" + group + "/call_control/reject?key=" + key + "&caller_number=%2B13125550162");

        // then: Twilio's call is updated to fetch its new instructions from Switchboard
        assertThat(rejected.body()).isEqualTo("SUCCESS call " + uuid + " rejected");
        var update = server.carrierApi().received().stream()
                .filter(r -> r.uri().contains(sid))
                .findFirst()
                .orElseThrow();
        assertThat(update.method()).isEqualTo("POST");
        assertThat(update.uri())
                .isEqualTo("/2010-04-01/Accounts/" + TestServer.TWILIO_ACCOUNT_SID + "/Calls/" + sid + ".json");
        String basic = java.util.Base64.getEncoder()
                .encodeToString((TestServer.TWILIO_ACCOUNT_SID + ":" + TestServer.TWILIO_AUTH_TOKEN)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(update.headers().get("Authorization")).containsExactly("Basic " + basic);
        String redirectUrl = server.base() + "/twilio/redirect?call=" + uuid;
        assertThat(update.body())
                .isEqualTo("Url=" + java.net.URLEncoder.encode(redirectUrl, java.nio.charset.StandardCharsets.UTF_8)
                        + "&Method=POST");

        // when: Twilio fetches the redirect, then reports the end of the first dial (whose TwiML it ignores)
        Document redirected = CarrierClient.xml(
                twilio(redirectUrl, call(sid, "+13125550162", s.number(), "CallStatus", "in-progress")));
        twilio(action, call(sid, "+13125550162", s.number(), "DialCallStatus", "completed", "DialCallDuration", "20"));

        // then: the second buyer is dialled as attempt 2, and the call is still dialling it
        Element dial2 = (Element) redirected.getElementsByTagName("Dial").item(0);
        assertThat(((Element) dial2.getElementsByTagName("Number").item(0)).getTextContent())
                .isEqualTo("+12125550405");
        assertThat(dial2.getAttribute("action")).endsWith("&attempt=2");
        assertThat(new Calls(s.api()).detail(uuid).path("call").path("status").asText())
                .isEqualTo("dialing");
    }
}
