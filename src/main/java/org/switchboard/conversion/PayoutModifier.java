package org.switchboard.conversion;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.problem.Problem;

/**
 * The reference platform's "posted-value payout modifier": a string such as {@code *0.8}, {@code *0+50} or
 * {@code /2-1} that turns a conversion's revenue into the publisher's payout.
 *
 * <p>Grammar (whitespace allowed between tokens):
 *
 * <pre>
 * modifier := step*                         blank: no modifier, payout = revenue
 * step     := operator operand
 * operator := '*' | '/' | '+' | '-'
 * operand  := number | '(' number ')'
 * number   := ['+' | '-'] digits ['.' digits] | ['+' | '-'] '.' digits
 * </pre>
 *
 * A modifier starts with an operator. Steps are applied to the revenue one by one from left to right, with no
 * operator precedence, as the reference document says ({@code +2*3} on 1 gives 9). Arithmetic is exact; a division
 * keeps 12 decimals (HALF_UP) before the next step; the result is rounded HALF_UP to {@link Money}'s 6 decimals.
 * Payouts are never negative, so a negative result is clamped to zero, and one above {@link Money#MAX} is clamped to
 * it (an operator typo must not stop the call flow). Pure and immutable.
 *
 * @param steps the parsed steps in order; empty for no modifier
 */
public record PayoutModifier(List<Step> steps) {
    public static final PayoutModifier NONE = new PayoutModifier(List.of());
    public static final int MAX_LENGTH = 100;
    public static final int MAX_STEPS = 20;
    /** Decimals an operand may have, and that a division keeps before the next step. */
    public static final int DIVISION_SCALE = 12;

    private static final int MAX_OPERAND_DIGITS = 10;

    public enum Operator {
        MULTIPLY('*'),
        DIVIDE('/'),
        ADD('+'),
        SUBTRACT('-');

        private final char symbol;

        Operator(char symbol) {
            this.symbol = symbol;
        }

        public char symbol() {
            return symbol;
        }

        static @Nullable Operator of(char c) {
            for (Operator operator : values()) {
                if (operator.symbol == c) {
                    return operator;
                }
            }
            return null;
        }
    }

    /** One operation: {@code operator} applied with {@code operand} to the value so far. */
    public record Step(Operator operator, BigDecimal operand) {
        BigDecimal apply(BigDecimal value) {
            return switch (operator) {
                case MULTIPLY -> value.multiply(operand);
                case DIVIDE -> value.divide(operand, DIVISION_SCALE, RoundingMode.HALF_UP);
                case ADD -> value.add(operand);
                case SUBTRACT -> value.subtract(operand);
            };
        }

        @Override
        public String toString() {
            return operator.symbol + plain(operand);
        }
    }

    public PayoutModifier {
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Parses {@code text}; null or blank is {@link #NONE}. Errors are a 400 on {@code field} whose message names the
     * 1-based character position in {@code text} as given ("expected a number at position 3").
     */
    public static PayoutModifier parse(String field, String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        if (text.length() > MAX_LENGTH) {
            throw new Problem.Invalid(field, "must be at most " + MAX_LENGTH + " characters");
        }
        return new Parser(field, text).modifier();
    }

    /** The payout for {@code revenue}: see the class comment for the order, rounding and clamping. */
    public Money apply(Money revenue) {
        BigDecimal value = revenue.amount();
        for (Step step : steps) {
            value = step.apply(value);
        }
        if (value.signum() < 0) {
            return Money.ZERO;
        }
        if (value.compareTo(Money.MAX) > 0) {
            return Money.of(Money.MAX);
        }
        return Money.of(value);
    }

    /** The canonical form: no whitespace or parentheses, operands without trailing zeros ({@code *0+50}). */
    @Override
    public String toString() {
        return steps.stream().map(Step::toString).collect(Collectors.joining());
    }

    private static String plain(BigDecimal number) {
        return Money.plain(number).toPlainString();
    }

    /** A hand-written scanner: the grammar is small, and errors must point at a character. */
    private static final class Parser {
        private final String field;
        private final String text;
        private int at;

        Parser(String field, String text) {
            this.field = field;
            this.text = text;
        }

        PayoutModifier modifier() {
            List<Step> steps = new ArrayList<>();
            skipSpaces();
            while (at < text.length()) {
                int operatorAt = at;
                Operator operator = Operator.of(text.charAt(at));
                if (operator == null) {
                    throw error(
                            steps.isEmpty()
                                    ? "must start with an operator (*, /, + or -); unexpected " + shown(at)
                                            + " at position " + (at + 1)
                                    : "unexpected " + shown(at) + " at position " + (at + 1)
                                            + "; expected *, /, + or -");
                }
                at++;
                BigDecimal operand = operand();
                if (operator == Operator.DIVIDE && operand.signum() == 0) {
                    throw error("division by zero at position " + (operatorAt + 1));
                }
                steps.add(new Step(operator, operand));
                if (steps.size() > MAX_STEPS) {
                    throw error("may hold at most " + MAX_STEPS + " operations");
                }
                skipSpaces();
            }
            return new PayoutModifier(steps);
        }

        private BigDecimal operand() {
            skipSpaces();
            if (at < text.length() && text.charAt(at) == '(') {
                at++;
                skipSpaces();
                BigDecimal number = number();
                skipSpaces();
                if (at >= text.length() || text.charAt(at) != ')') {
                    throw error("expected ')' at position " + (at + 1));
                }
                at++;
                return number;
            }
            return number();
        }

        private BigDecimal number() {
            int start = at;
            if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
                at++;
            }
            int integerDigits = digits();
            int fractionDigits = 0;
            if (at < text.length() && text.charAt(at) == '.') {
                at++;
                fractionDigits = digits();
            }
            if (integerDigits == 0 && fractionDigits == 0) {
                throw error("expected a number at position " + (start + 1));
            }
            if (integerDigits > MAX_OPERAND_DIGITS) {
                throw error("the number at position " + (start + 1) + " is too large");
            }
            if (fractionDigits > DIVISION_SCALE) {
                throw error("the number at position " + (start + 1) + " has more than " + DIVISION_SCALE + " decimals");
            }
            String literal = text.substring(start, at);
            return new BigDecimal(literal.endsWith(".") ? literal + "0" : literal);
        }

        private int digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            return at - start;
        }

        private void skipSpaces() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private String shown(int index) {
            char c = text.charAt(index);
            return Character.isISOControl(c) ? String.format("character U+%04X", (int) c) : "'" + c + "'";
        }

        private Problem.Invalid error(String message) {
            return new Problem.Invalid(field, message);
        }
    }
}
