package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RtbStatusTest {

    /** The words of the reference's status table, in its order (the golden copy beside this test). */
    private static List<String> documentedWords() throws IOException {
        try (InputStream in = RtbStatusTest.class.getResourceAsStream("rtb-status-table.md")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> line.startsWith("| ") && !line.startsWith("| Status |"))
                    .map(line -> line.substring(2, line.indexOf(" |", 2)))
                    .toList();
        }
    }

    @Test
    void documentedStatusesShouldBeExactlyTheReferenceTableInItsOrder() throws IOException {
        // given
        List<String> table = documentedWords();

        // when
        List<String> ours = Arrays.stream(RtbStatus.values())
                .filter(RtbStatus::documented)
                .map(RtbStatus::word)
                .toList();

        // then
        assertThat(table).hasSize(16);
        assertThat(ours).containsExactlyElementsOf(table);
    }

    @Test
    void switchboardShouldAddOnlyTheConfirmationAnswerAndTheOutboundLimit() {
        assertThat(Arrays.stream(RtbStatus.values())
                        .filter(status -> !status.documented())
                        .map(RtbStatus::word))
                .containsExactly("confirmed", "ping_shield_postback_key_outbound_limited");
    }

    @ParameterizedTest
    @EnumSource(RtbStatus.class)
    void everyWordShouldReadBackAsItsStatus(RtbStatus status) {
        assertThat(RtbStatus.fromWord(status.word())).contains(status);
        assertThat(status.toString()).isEqualTo(status.word());
        assertThat(status.description()).isNotBlank().doesNotContain("Retreaver");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Reserved", "no_target", "NO-TARGET", " reserved", "considering_targets"})
    void wordsShouldMatchExactly(String word) {
        assertThat(RtbStatus.fromWord(word)).isEmpty();
    }

    @Test
    void shieldStatusesShouldBeThePingShieldWords() {
        assertThat(Arrays.stream(RtbStatus.values()).filter(RtbStatus::shield))
                .containsExactly(
                        RtbStatus.PING_SHIELD_POSTBACK_KEY_CLAIM_BASED_LIMITED,
                        RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_RESERVED,
                        RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_PROCESSING,
                        RtbStatus.PING_SHIELD_POSTBACK_KEY_OUTBOUND_LIMITED);
        assertThat(RtbStatus.fromWord(null)).isEmpty();
    }
}
