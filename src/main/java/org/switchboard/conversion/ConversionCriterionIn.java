package org.switchboard.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

/**
 * The editable fields of a conversion criterion, checked. Trigger, revenue and payout are objects with a
 * {@code type}, so a PATCH that sends one replaces it whole and never leaves fields of the previous type behind.
 *
 * @param position where to put the criterion (1..n); empty keeps it where it is, or puts a new one last
 */
record ConversionCriterionIn(
        String name,
        Optional<Integer> position,
        TagFilter matches,
        Trigger trigger,
        RevenueRule revenue,
        PayoutRule payout,
        int duplicateWindowSeconds) {
    static final int MAX_DUPLICATE_WINDOW_SECONDS = 30 * 86_400;
    static final BigDecimal MAX_PERCENT = BigDecimal.valueOf(1000);

    /**
     * The tags that say who sent or took a call. A campaign's postback criterion must name a publisher or buyer with
     * one of them, as the reference document requires: the postback is then only accepted for that party's calls.
     */
    static final Set<String> PARTY_TAGS = Set.of("publisher_id", "source_id", "system_buyer_id", "handler_id");

    static ConversionCriterionIn parse(ObjectNode node, ConversionCriterion.Owner owner) {
        JsonFields fields =
                new JsonFields(node, "id", "owner_type", "owner_id", "created_at", "updated_at", "warnings");
        String name = fields.requiredText("name", 200);
        Optional<Integer> position = fields.optionalInteger("position", 1, 100_000);
        TagFilter matches = TagFilter.parse("matches", fields.take("matches").orElse(null));
        Trigger trigger =
                trigger(fields.take("trigger").orElseThrow(() -> new Problem.Invalid("trigger", "is required")));
        RevenueRule revenue =
                revenue(fields.take("revenue").orElseThrow(() -> new Problem.Invalid("revenue", "is required")));
        // no payout pays nothing: safer than the reference's blank modifier, which pays the whole revenue
        PayoutRule payout =
                fields.take("payout").map(ConversionCriterionIn::payout).orElse(new PayoutRule.Static(Money.ZERO));
        int duplicateWindow = fields.integer("duplicate_window_seconds", 0, 0, MAX_DUPLICATE_WINDOW_SECONDS);
        fields.finish();
        if (revenue instanceof RevenueRule.Posted && !(trigger instanceof Trigger.Postback)) {
            throw new Problem.Invalid("revenue.type", "posted revenue needs a postback trigger");
        }
        if (trigger instanceof Trigger.Postback
                && owner == ConversionCriterion.Owner.CAMPAIGN
                && !namesParty(matches)) {
            throw new Problem.Invalid(
                    "matches",
                    "a postback criterion must name at least one publisher or buyer by id or cid, e.g."
                            + " \"publisher_id:pub-100\" or \"system_buyer_id:42\" (keys: publisher_id, source_id,"
                            + " system_buyer_id, handler_id)");
        }
        return new ConversionCriterionIn(name, position, matches, trigger, revenue, payout, duplicateWindow);
    }

    /** A positive term with a concrete value on a party tag: {@code publisher_id:*} would accept anyone. */
    private static boolean namesParty(TagFilter matches) {
        return matches.terms().stream()
                .anyMatch(term -> !term.negated() && !term.value().equals("*") && PARTY_TAGS.contains(term.key()));
    }

    private static Trigger trigger(JsonNode node) {
        return nested("trigger", node, fields -> {
            String type = fields.requiredText("type", 16);
            return switch (type) {
                case "duration" -> {
                    refuse(fields, "timeout_seconds", "is only for postback triggers");
                    Optional<Integer> seconds = fields.optionalInteger("seconds", 0, Trigger.MAX_SECONDS);
                    Optional<String> tag = tagKey(fields, "seconds_tag");
                    if (seconds.isEmpty() && tag.isEmpty()) {
                        throw new Problem.Invalid(
                                "seconds", "a duration trigger needs seconds, a seconds_tag, or both");
                    }
                    yield new Trigger.Duration(seconds.map(OptionalInt::of).orElse(OptionalInt.empty()), tag);
                }
                case "postback" -> {
                    refuse(fields, "seconds", "is only for duration triggers");
                    refuse(fields, "seconds_tag", "is only for duration triggers");
                    yield new Trigger.Postback(fields.integer(
                            "timeout_seconds", Trigger.DEFAULT_POSTBACK_TIMEOUT_SECONDS, 1, Trigger.MAX_SECONDS));
                }
                default -> throw new Problem.Invalid("type", "must be duration or postback");
            };
        });
    }

    private static RevenueRule revenue(JsonNode node) {
        return nested("revenue", node, fields -> {
            String type = fields.requiredText("type", 16);
            return switch (type) {
                case "static" -> new RevenueRule.Static(amount(fields, "amount"));
                case "posted" -> new RevenueRule.Posted();
                case "tag" ->
                    new RevenueRule.FromTag(
                            tagKey(fields, "tag").orElseThrow(() -> new Problem.Invalid("tag", "is required")));
                default -> throw new Problem.Invalid("type", "must be static, posted or tag");
            };
        });
    }

    private static PayoutRule payout(JsonNode node) {
        return nested("payout", node, fields -> {
            String type = fields.requiredText("type", 16);
            return switch (type) {
                case "static" -> new PayoutRule.Static(amount(fields, "amount"));
                case "percent" -> new PayoutRule.PercentOfRevenue(percent(fields, "percent"));
                case "tag" ->
                    new PayoutRule.FromTag(
                            tagKey(fields, "tag").orElseThrow(() -> new Problem.Invalid("tag", "is required")));
                case "modifier" -> new PayoutRule.Modifier(modifier(fields, "modifier"));
                default -> throw new Problem.Invalid("type", "must be static, percent, tag or modifier");
            };
        });
    }

    /**
     * Reads a rule object with its own field checks; errors inside name the field with the rule's prefix
     * ({@code payout.modifier}).
     */
    private static <T> T nested(String name, JsonNode node, Function<JsonFields, T> reader) {
        if (!node.isObject()) {
            throw new Problem.Invalid(name, "must be an object with a \"type\"");
        }
        return Problem.Invalid.under(name, () -> {
            JsonFields fields = new JsonFields((ObjectNode) node);
            T value = reader.apply(fields);
            fields.finish();
            return value;
        });
    }

    private static void refuse(JsonFields fields, String name, String message) {
        if (fields.take(name).isPresent()) {
            throw new Problem.Invalid(name, message);
        }
    }

    private static Optional<String> tagKey(JsonFields fields, String name) {
        return fields.optionalText(name, 100).map(raw -> {
            String key = TagSet.normalizeKey(raw);
            if (!TagSet.isValidKey(key)) {
                throw new Problem.Invalid(
                        name,
                        "'" + raw + "' is not a tag key (1 to " + TagSet.MAX_KEY_LENGTH
                                + " characters of a-z, 0-9, '_', '.' or '-')");
            }
            return key;
        });
    }

    /** A required amount of dollars, as a JSON number or a numeric string ("12.50", "$12.50"); never negative. */
    private static Money amount(JsonFields fields, String name) {
        JsonNode node = fields.take(name).orElseThrow(() -> new Problem.Invalid(name, "is required"));
        Money amount;
        try {
            if (node.isNumber()) {
                BigDecimal value = node.decimalValue();
                if (value.abs().compareTo(Money.MAX) > 0) {
                    throw new Problem.Invalid(name, "must be at most " + Money.MAX.toPlainString());
                }
                amount = Money.of(value);
            } else if (node.isTextual()) {
                amount = Money.parse(node.asText());
            } else {
                throw new Problem.Invalid(name, "must be a number or a numeric string such as \"12.50\"");
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            // Money names what is wrong; a bare exception (no message) still gets words rather than a null message
            throw new Problem.Invalid(
                    name, Objects.requireNonNullElse(e.getMessage(), "is not an amount such as 12.50"));
        }
        if (amount.isNegative()) {
            throw new Problem.Invalid(name, "must not be negative");
        }
        return amount;
    }

    /** A percentage 0..1000, as a JSON number or numeric string, kept to 6 decimals (HALF_UP). */
    private static BigDecimal percent(JsonFields fields, String name) {
        JsonNode node = fields.take(name).orElseThrow(() -> new Problem.Invalid(name, "is required"));
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual() && node.asText().strip().matches("\\d{1,10}(\\.\\d{1,20})?")) {
            value = new BigDecimal(node.asText().strip());
        } else {
            throw new Problem.Invalid(name, "must be a number from 0 to 1000 (70 is 70%)");
        }
        if (value.signum() < 0 || value.compareTo(MAX_PERCENT) > 0) {
            throw new Problem.Invalid(name, "must be from 0 to 1000 (70 is 70%)");
        }
        return value.setScale(Money.SCALE, Money.ROUNDING);
    }

    private static PayoutModifier modifier(JsonFields fields, String name) {
        Optional<JsonNode> node = fields.take(name);
        if (node.isEmpty()) {
            return PayoutModifier.NONE;
        }
        if (!node.get().isTextual()) {
            throw new Problem.Invalid(name, "must be a string such as \"*0.8\"");
        }
        // the raw text, not stripped: error positions must count the characters as the client sent them
        return PayoutModifier.parse(name, node.get().asText());
    }
}
