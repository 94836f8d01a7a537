package org.switchboard.conversion;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.switchboard.platform.money.Money;
import org.switchboard.tag.TagSet;

/**
 * The pure decisions of conversions: which criterion judges a call, when its duration trigger is reached, and the
 * revenue and payout it gives. No I/O; the call flow supplies the criteria, the call's tags and what was posted.
 *
 * <p>Tag values: when a tag holds several values the last one added counts (a later bid response adds a value
 * rather than replacing the earlier one). An amount tag reads like {@link Money#parse} ({@code 12.50},
 * {@code $12.50}); a seconds tag is a whole or decimal number of seconds, rounded up. A missing or unreadable tag,
 * or a negative amount, is unknown: a duration trigger then falls back to its static seconds, an amount is empty.
 */
public final class ConversionPolicy {
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}(?:\\.\\d{1,9})?");
    private static final Comparator<ConversionCriterion> IN_ORDER =
            Comparator.comparingInt(ConversionCriterion::position).thenComparingLong(ConversionCriterion::id);

    private ConversionPolicy() {}

    /**
     * A conversion's revenue and payout; empty where not known (yet): posted revenue before anything was posted, a
     * tag the call does not carry, a payout derived from an unknown revenue.
     */
    public record Amounts(Optional<Money> revenue, Optional<Money> payout) {}

    /**
     * The criterion that judges a call with {@code tags}: the first, in position order (then id), whose
     * {@code matches} the tags satisfy, as the reference platform does; empty when none matches. The list is sorted
     * here, so the caller's order does not matter.
     */
    public static Optional<ConversionCriterion> select(List<ConversionCriterion> ordered, TagSet tags) {
        List<ConversionCriterion> inOrder =
                inOrder(ordered) ? ordered : ordered.stream().sorted(IN_ORDER).toList();
        for (ConversionCriterion criterion : inOrder) {
            if (criterion.matches().matches(tags)) {
                return Optional.of(criterion);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the criteria are in position order already (as the cache keeps them): then they are not sorted again,
     * once per buyer of every RTB ping.
     */
    private static boolean inOrder(List<ConversionCriterion> criteria) {
        for (int i = 1; i < criteria.size(); i++) {
            if (IN_ORDER.compare(criteria.get(i - 1), criteria.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** The revenue and payout of a conversion under {@code criterion}; {@code posted} is the buyer's posted value. */
    public static Amounts amounts(ConversionCriterion criterion, TagSet tags, Optional<Money> posted) {
        Optional<Money> revenue = switch (criterion.revenue()) {
            case RevenueRule.Static rule -> Optional.of(rule.amount());
            case RevenueRule.Posted _ -> posted.filter(amount -> !amount.isNegative());
            case RevenueRule.FromTag rule -> amountTag(tags, rule.key());
        };
        Optional<Money> payout = switch (criterion.payout()) {
            case PayoutRule.Static rule -> Optional.of(rule.amount());
            case PayoutRule.PercentOfRevenue rule -> revenue.map(amount -> percentOf(amount, rule.percent()));
            case PayoutRule.FromTag rule -> amountTag(tags, rule.key());
            case PayoutRule.Modifier rule -> revenue.map(rule.modifier()::apply);
        };
        return new Amounts(revenue, payout);
    }

    /**
     * The connected seconds a duration trigger requires for a call with {@code tags}: the seconds tag's value when
     * usable, else the static seconds; empty for a postback trigger, or when neither gives a value.
     */
    public static OptionalInt requiredSeconds(ConversionCriterion criterion, TagSet tags) {
        if (!(criterion.trigger() instanceof Trigger.Duration duration)) {
            return OptionalInt.empty();
        }
        OptionalInt fromTag = duration.secondsTag()
                .flatMap(tags::last)
                .map(ConversionPolicy::seconds)
                .orElse(OptionalInt.empty());
        return fromTag.isPresent() ? fromTag : duration.seconds();
    }

    /** Whether a call connected for {@code connectedSeconds} has converted under a duration trigger. */
    public static boolean durationReached(ConversionCriterion criterion, TagSet tags, int connectedSeconds) {
        OptionalInt required = requiredSeconds(criterion, tags);
        return required.isPresent() && connectedSeconds >= required.getAsInt();
    }

    private static Optional<Money> amountTag(TagSet tags, String key) {
        return tags.last(key).flatMap(Money::tryParse).filter(amount -> !amount.isNegative());
    }

    private static OptionalInt seconds(String value) {
        String text = value.strip();
        if (!SECONDS.matcher(text).matches()) {
            return OptionalInt.empty();
        }
        BigDecimal seconds = new BigDecimal(text).setScale(0, RoundingMode.CEILING);
        if (seconds.compareTo(BigDecimal.valueOf(Trigger.MAX_SECONDS)) > 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(seconds.intValueExact());
    }

    /** Up to 1000% of a revenue of up to one billion can pass {@link Money#MAX}; such a payout is capped at it. */
    private static Money percentOf(Money revenue, BigDecimal percent) {
        BigDecimal value =
                revenue.amount().multiply(percent).divide(BigDecimal.valueOf(100), Money.SCALE, Money.ROUNDING);
        return Money.of(value.min(Money.MAX));
    }
}
