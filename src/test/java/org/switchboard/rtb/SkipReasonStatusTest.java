package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.switchboard.routing.SkipReason;

/** Why routing left a buyer out, as a value, answers the status word of the RTB status table without reading words. */
class SkipReasonStatusTest {
    static Stream<Arguments> reasons() {
        return Stream.of(
                Arguments.of(new SkipReason.Paused(), "targets_paused"),
                Arguments.of(
                        new SkipReason.Closed("closed by hours of operation (Sunday 06:06 in America/New_York)"),
                        "targets_closed"),
                Arguments.of(new SkipReason.Capped("capped: daily 100/100", false), "target_disqualified_by_cap"),
                Arguments.of(new SkipReason.Capped("capped: concurrency 5/5", true), "target_simulcapped"),
                // a group named after a concurrency is still a daily cap (the words once decided it)
                Arguments.of(
                        new SkipReason.Capped("capped by buyer group concurrency team: daily 3/3", false),
                        "target_disqualified_by_cap"),
                Arguments.of(new SkipReason.Filtered("filtered by tag filter: geo:us"), "target_disqualified"),
                Arguments.of(new SkipReason.CallerListed("suppressed by caller list dnc"), "target_disqualified"),
                Arguments.of(
                        new SkipReason.RepeatCaller("repeat caller: the campaign sends repeat callers to a new buyer"),
                        "target_disqualified"));
    }

    @ParameterizedTest
    @MethodSource("reasons")
    void eachReasonShouldAnswerItsStatusWord(SkipReason reason, String word) {
        // when
        RtbStatus status = PingEvaluator.statusOf(reason);

        // then
        assertThat(status.word()).isEqualTo(word);
    }

    @org.junit.jupiter.api.Test
    void aPausedBuyerShouldReadAsTheCallLogAlwaysSaidIt() {
        assertThat(new SkipReason.Paused().text()).isEqualTo("paused");
    }
}
