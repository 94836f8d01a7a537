package org.switchboard.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import com.plivo.api.util.Utils;
import com.twilio.security.RequestValidator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our signatures agree with the carriers' own SDKs on the same requests. */
class SignaturesTest {

    @ParameterizedTest
    @CsvSource({
        "https://switchboard.example.com/twilio/voice,",
        "https://switchboard.example.com/twilio/dial?call=3f1c&attempt=2,",
        "http://127.0.0.1:8080/twilio/status, "
    })
    void twilioSignatureShouldMatchTheTwilioSdk(String url, String ignored) {
        // given
        Map<String, String> params = new TreeMap<>(Map.of(
                "CallSid",
                "CA1234567890ABCDE",
                "From",
                "+12125550123",
                "To",
                "+18665550100",
                "CallStatus",
                "ringing",
                "Caller",
                "+12125550123"));

        // when
        String ours = Signatures.twilio("12345", url, single(params));

        // then
        assertThat(new RequestValidator("12345").validate(url, params, ours)).isTrue();
        assertThat(new RequestValidator("other").validate(url, params, ours)).isFalse();
        assertThat(Signatures.twilioValid("12345", url, single(params), ours)).isTrue();
        assertThat(Signatures.twilioValid("12345", url + "x", single(params), ours))
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "https://switchboard.example.com/plivo/answer",
        "https://switchboard.example.com/plivo/dial?call=3f1c&attempt=2",
        "http://127.0.0.1:8080/plivo/hangup"
    })
    void plivoV3SignatureShouldMatchThePlivoSdk(String url) throws Exception {
        // given
        Map<String, String> params = new TreeMap<>(Map.of(
                "CallUUID",
                "b4b3bb82-3d5a-11ef-9f30-0242ac120002",
                "From",
                "12125550123",
                "To",
                "18665550100",
                "Direction",
                "inbound"));
        String nonce = "05429567804466091622";

        // when
        String ours = Signatures.plivoV3("plivo-token", url, single(params), nonce);

        // then
        String sdk = Utils.computeSignatureV3(url, nonce, "plivo-token", "POST", params);
        if (!url.contains(":8080")) {
            assertThat(ours).isEqualTo(sdk);
        }
        assertThat(Signatures.plivoV3Valid("plivo-token", url, single(params), nonce, sdk))
                .as("the Java SDK's form (which drops an explicit port) is accepted")
                .isTrue();
        assertThat(Signatures.plivoV3Valid("plivo-token", url, single(params), nonce, "bogus," + ours))
                .isTrue();
        assertThat(Signatures.plivoV3Valid("plivo-token", url, single(params), "other-nonce", ours))
                .isFalse();
    }

    private static Map<String, List<String>> single(Map<String, String> params) {
        Map<String, List<String>> out = new TreeMap<>();
        params.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }
}
