package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

class ConversionPolicyTest {
    private static final RevenueRule TEN = new RevenueRule.Static(Money.of("10"));
    private static final PayoutRule NOTHING = new PayoutRule.Static(Money.ZERO);
    private static final Trigger NINETY_SECONDS = Trigger.Duration.ofSeconds(90);

    /** A campaign's criteria as an operator would set them up, deliberately not in position order. */
    private static final List<ConversionCriterion> CRITERIA = List.of(
            criterion(3, 3, "", NINETY_SECONDS),
            criterion(1, 1, "publisher_id:17, geo:us-ca", NINETY_SECONDS),
            criterion(2, 2, "publisher_id:17", NINETY_SECONDS),
            criterion(5, 2, "publisher_id:18", NINETY_SECONDS),
            criterion(4, 2, "publisher_id:18", NINETY_SECONDS));

    @ParameterizedTest(name = "{0} -> criterion {1}")
    @CsvSource(delimiter = '|', textBlock = """
            publisher_id=17;geo=us-ca | 1
            publisher_id=17;geo=us-ny | 2
            publisher_id=17           | 2
            publisher_id=18           | 4
            publisher_id=99           | 3
            ''                        | 3
            """)
    void firstMatchingCriterionInPositionOrderShouldJudgeTheCall(String tags, long expected) {
        // when
        Optional<ConversionCriterion> selected = ConversionPolicy.select(CRITERIA, tags(tags));

        // then: by position, then id; the list's own order does not matter
        assertThat(selected).map(ConversionCriterion::id).contains(expected);
    }

    @Test
    void noCriterionShouldJudgeACallThatMatchesNone() {
        // given
        List<ConversionCriterion> publishersOnly =
                CRITERIA.stream().filter(c -> !c.matches().terms().isEmpty()).toList();

        // when / then
        assertThat(ConversionPolicy.select(publishersOnly, tags("publisher_id=99")))
                .isEmpty();
        assertThat(ConversionPolicy.select(List.of(), tags("publisher_id=17"))).isEmpty();
    }

    @ParameterizedTest(name = "revenue {0}, payout {1}, tags {2}, posted {3} -> {4} / {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # static amounts need nothing from the call
            static:12.5 | static:5        | ''                                   | ''     | 12.5       | 5
            static:20   | percent:0       | ''                                   | ''     | 20         | 0
            static:0.01 | percent:33.3333 | ''                                   | ''     | 0.01       | 0.003333
            # the RTB document's example: 70% of the bidding buyer's bid tag
            tag:bid     | percent:70      | bid=1.6757                           | ''     | 1.6757     | 1.17299
            tag:bid     | percent:70      | bid=$12.50                           | ''     | 12.5       | 8.75
            tag:bid     | percent:70      | bid=1.00;bid=2.00                    | ''     | 2          | 1.4
            tag:bid     | percent:1000    | bid=1000000000                       | ''     | 1000000000 | 1000000000
            # a missing, unreadable or negative tag is unknown, and so is what derives from it
            tag:bid     | percent:70      | ''                                   | ''     | ''         | ''
            tag:bid     | percent:70      | bid=abc                              | ''     | ''         | ''
            tag:bid     | percent:70      | bid=-5                               | ''     | ''         | ''
            tag:bid     | static:3        | ''                                   | ''     | ''         | 3
            static:20   | tag:pay         | pay=7.5                              | ''     | 20         | 7.5
            static:20   | tag:pay         | ''                                   | ''     | 20         | ''
            # the postback document's examples on a posted value
            posted      | modifier:*0.8   | ''                                   | 10.00  | 10         | 8
            posted      | modifier:*0     | ''                                   | 10.00  | 10         | 0
            posted      | modifier:*0+50  | ''                                   | 10.00  | 10         | 50
            posted      | modifier:       | ''                                   | 12.34  | 12.34      | 12.34
            posted      | modifier:*0.8   | ''                                   | ''     | ''         | ''
            posted      | modifier:*0.8   | ''                                   | -10    | ''         | ''
            posted      | static:3        | ''                                   | ''     | ''         | 3
            # a static revenue ignores what is posted
            static:20   | modifier:*0.5   | ''                                   | 99     | 20         | 10
            """)
    void amountsShouldFollowTheRules(
            String revenue, String payout, String tags, String posted, String expectedRevenue, String expectedPayout) {
        // given
        ConversionCriterion criterion =
                criterion(1, 1, "", new Trigger.Postback(600), revenueRule(revenue), payoutRule(payout));

        // when
        ConversionPolicy.Amounts amounts = ConversionPolicy.amounts(criterion, tags(tags), money(posted));

        // then
        assertThat(amounts.revenue()).isEqualTo(money(expectedRevenue));
        assertThat(amounts.payout()).isEqualTo(money(expectedPayout));
    }

    @ParameterizedTest(name = "seconds {0}, tag {1}, call {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            90  | ''    | ''                             | 90
            0   | ''    | ''                             | 0
            # the bidding buyer's timer tag wins when usable
            90  | timer | retreaver_rtb_44407_timer=95    | 95
            ''  | timer | retreaver_rtb_44407_timer=95    | 95
            90  | timer | retreaver_rtb_44407_timer=95.2  | 96
            90  | timer | retreaver_rtb_44407_timer=30;retreaver_rtb_44407_timer=45 | 45
            # otherwise the static seconds, or nothing
            90  | timer | ''                             | 90
            90  | timer | retreaver_rtb_44407_timer=soon  | 90
            90  | timer | retreaver_rtb_44407_timer=-5    | 90
            90  | timer | retreaver_rtb_44407_timer=86401 | 90
            ''  | timer | ''                             | ''
            ''  | timer | retreaver_rtb_44407_timer=1e2   | ''
            """)
    void requiredSecondsShouldPreferTheTimerTag(String seconds, String tag, String tags, String expected) {
        // given
        Trigger trigger = new Trigger.Duration(
                seconds.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(seconds)),
                tag.isEmpty() ? Optional.empty() : Optional.of("retreaver_rtb_44407_timer"));
        ConversionCriterion criterion = criterion(1, 1, "", trigger);

        // when
        OptionalInt required = ConversionPolicy.requiredSeconds(criterion, tags(tags));

        // then
        assertThat(required)
                .isEqualTo(expected.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(expected)));
    }

    @ParameterizedTest(name = "{0} connected seconds -> {1}")
    @CsvSource({"0, false", "89, false", "90, true", "3600, true"})
    void durationShouldBeReachedAtTheRequiredSeconds(int connectedSeconds, boolean reached) {
        assertThat(ConversionPolicy.durationReached(
                        criterion(1, 1, "", NINETY_SECONDS), TagSet.empty(), connectedSeconds))
                .isEqualTo(reached);
    }

    @Test
    void aTriggerWithoutUsableSecondsOrAPostbackTriggerShouldNeverBeReachedByDuration() {
        // given
        ConversionCriterion tagOnly = criterion(
                1, 1, "", new Trigger.Duration(OptionalInt.empty(), Optional.of("retreaver_rtb_44407_timer")));
        ConversionCriterion postback = criterion(2, 1, "", new Trigger.Postback(600));

        // when / then
        assertThat(ConversionPolicy.durationReached(tagOnly, TagSet.empty(), 86_400))
                .isFalse();
        assertThat(ConversionPolicy.durationReached(postback, TagSet.empty(), 86_400))
                .isFalse();
        assertThat(ConversionPolicy.requiredSeconds(postback, TagSet.empty())).isEmpty();
    }

    private static ConversionCriterion criterion(long id, int position, String matches, Trigger trigger) {
        return criterion(id, position, matches, trigger, TEN, NOTHING);
    }

    private static ConversionCriterion criterion(
            long id, int position, String matches, Trigger trigger, RevenueRule revenue, PayoutRule payout) {
        String[] terms = matches.isBlank()
                ? new String[0]
                : Arrays.stream(matches.split(",")).map(String::strip).toArray(String[]::new);
        return new ConversionCriterion(
                id,
                new AccountId(1),
                ConversionCriterion.Owner.CAMPAIGN,
                7,
                position,
                "criterion " + id,
                TagFilter.parse("matches", Json.read(Json.writeString(terms))),
                trigger,
                revenue,
                payout,
                0,
                Instant.EPOCH,
                Instant.EPOCH);
    }

    private static RevenueRule revenueRule(String rule) {
        String[] parts = rule.split(":", 2);
        return switch (parts[0]) {
            case "static" -> new RevenueRule.Static(Money.of(parts[1]));
            case "posted" -> new RevenueRule.Posted();
            case "tag" -> new RevenueRule.FromTag(parts[1]);
            default -> throw new IllegalArgumentException(rule);
        };
    }

    private static PayoutRule payoutRule(String rule) {
        String[] parts = rule.split(":", 2);
        return switch (parts[0]) {
            case "static" -> new PayoutRule.Static(Money.of(parts[1]));
            case "percent" -> new PayoutRule.PercentOfRevenue(new BigDecimal(parts[1]));
            case "tag" -> new PayoutRule.FromTag(parts[1]);
            case "modifier" -> new PayoutRule.Modifier(PayoutModifier.parse("m", parts[1]));
            default -> throw new IllegalArgumentException(rule);
        };
    }

    /** "key=value;key=value" in the order added. */
    private static TagSet tags(String pairs) {
        TagSet.Builder tags = TagSet.builder();
        for (String pair : pairs.split(";")) {
            if (!pair.isBlank()) {
                String[] parts = pair.split("=", 2);
                tags.add(parts[0], parts[1]);
            }
        }
        return tags.build();
    }

    private static Optional<Money> money(String amount) {
        return amount.isEmpty() ? Optional.empty() : Optional.of(Money.of(amount));
    }
}
