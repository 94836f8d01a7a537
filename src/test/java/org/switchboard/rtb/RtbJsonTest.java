package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

/** The ping's answer and log row, written by hand, are the very text the mapper wrote for them. */
class RtbJsonTest {

    static Stream<RtbOut> answers() {
        String uuid = "018f3a4e-9c1d-7abc-8def-0123456789ab";
        return Stream.of(
                new RtbOut(
                        uuid,
                        "reserved",
                        new BigDecimal("12.5"),
                        90,
                        "+18005550100",
                        "2026-12-06T17:00:15.123Z",
                        null,
                        null,
                        null,
                        null),
                new RtbOut(
                        uuid,
                        "reserved",
                        new BigDecimal("0"),
                        0,
                        "+18005550100",
                        null,
                        "Acme \"Best\" Leads",
                        null,
                        null,
                        null),
                new RtbOut(uuid, "reserved", new BigDecimal("1E+2"), 0, "+1", "x", "dba", null, true, null),
                new RtbOut(
                        uuid,
                        "ping_shield_postback_key_caller_number_already_reserved",
                        new BigDecimal("3.000"),
                        120,
                        "+18005550100",
                        "2026-12-06T17:00:15.000Z",
                        null,
                        null,
                        false,
                        null),
                RtbOut.status(uuid, RtbStatus.NO_TARGET, null),
                RtbOut.status(uuid, RtbStatus.REJECTED, RtbService.UNKNOWN_PAYOUT),
                RtbOut.status(null, RtbStatus.REJECTED, "tab\there, line\nthere, quote \" back \\ bell \u0007 é ✓"),
                RtbOut.status(uuid, RtbStatus.NO_TARGET, "an emoji \uD83D\uDE00 goes through the mapper"),
                RtbOut.refused(uuid, new Problem.Invalid("caller_number", "caller_number is required")),
                RtbOut.refused(null, new Problem.Unauthorized("key is required")));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void answerShouldBeTheBytesTheMapperWrites(RtbOut answer) {
        // when
        byte[] written = answer.json();

        // then
        assertThat(written).isEqualTo(Json.write(answer));
    }

    @Test
    void logRowParamsShouldBeTheTextTheMapperWritesWithoutSecrets() {
        // given: parameters in request order, one a secret, some with characters to escape
        Map<String, String> params = new LinkedHashMap<>();
        params.put("caller_number", "+13125550147");
        params.put("key", "secret");
        params.put("api_key", "secret too");
        params.put("zeta", "last \"quoted\"");
        params.put("Alpha", "line\nbreak é");
        params.put("call_key", "secret three");

        // when
        String written = RtbLogRows.paramsJson(params);

        // then
        assertThat(written).isEqualTo(Json.writeString(RtbLogRows.withoutSecrets(params)));
        assertThat(written).doesNotContain("secret");
        assertThat(RtbLogRows.paramsJson(Map.of())).isEqualTo(Json.writeString(Map.of()));
        Map<String, String> emoji = Map.of("note", "\uD83D\uDE00");
        assertThat(RtbLogRows.paramsJson(emoji)).isEqualTo(Json.writeString(emoji));
    }

    @Test
    void logRowConsideredBuyersShouldBeTheTextTheMapperWrites() {
        // given
        List<RtbPing.ConsideredBuyer> considered = List.of(
                new RtbPing.ConsideredBuyer(7, "Buyer \"A\"", false, Optional.of(RtbStatus.TARGETS_CLOSED), "closed"),
                new RtbPing.ConsideredBuyer(9, "Bench buyer", true, Optional.empty(), "chosen"),
                new RtbPing.ConsideredBuyer(11, "Émile\t", false, Optional.empty(), "filtered: geo:us-ny"));

        // when / then
        assertThat(RtbLogRows.consideredJson(considered))
                .isEqualTo(Json.writeString(RtbLogRows.consideredTree(considered)));
        assertThat(RtbLogRows.consideredJson(List.of())).isEqualTo("[]");
        List<RtbPing.ConsideredBuyer> emoji =
                List.of(new RtbPing.ConsideredBuyer(1, "\uD83D\uDE00", true, Optional.empty(), "chosen"));
        assertThat(RtbLogRows.consideredJson(emoji)).isEqualTo(Json.writeString(RtbLogRows.consideredTree(emoji)));
    }
}
