package org.switchboard.platform.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An exact amount of dollars: a {@link BigDecimal} always held at {@link #SCALE} 6 (micro-dollars, because RTB bids
 * carry sub-cent values such as 1.173). Whatever must be rounded is rounded {@link RoundingMode#HALF_UP}; nothing goes
 * through {@code double}. Amounts may be negative (a difference), but never larger in magnitude than {@link #MAX}
 * (one billion dollars): beyond that a constructor or an operation throws {@link ArithmeticException}, so a stored
 * amount always fits the SQL {@code BIGINT} of micros ({@link #toMicros()}).
 *
 * <p>JSON: write {@link #toBigDecimal()} (trailing zeros stripped: {@code 12.5}, {@code 1.173}, {@code 0}); the
 * plain-text postback answer uses {@link #twoDecimals()} ({@code 125.00}).
 */
public record Money(BigDecimal amount) implements Comparable<Money> {
    public static final int SCALE = 6;
    public static final RoundingMode ROUNDING = RoundingMode.HALF_UP;
    public static final BigDecimal MAX = new BigDecimal(1_000_000_000);
    public static final Money ZERO = new Money(BigDecimal.ZERO);

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final int MAX_TEXT_LENGTH = 40;
    // an optional minus, an optional dollar sign, digits with an optional fraction: no exponents, no grouping commas
    private static final Pattern TEXT = Pattern.compile("-?\\$?(?:\\d+(?:\\.\\d*)?|\\.\\d+)");

    /** Rounds {@code amount} to 6 decimals; amounts beyond {@link #MAX} in magnitude throw ArithmeticException. */
    public Money {
        Objects.requireNonNull(amount, "amount");
        amount = amount.setScale(SCALE, ROUNDING);
        if (amount.abs().compareTo(MAX) > 0) {
            throw new ArithmeticException("amount " + amount.toPlainString() + " exceeds " + MAX.toPlainString());
        }
    }

    public static Money of(BigDecimal amount) {
        return new Money(amount);
    }

    /** From a decimal literal such as {@code "12.50"} (programmer input; see {@link #parse} for user input). */
    public static Money of(String decimal) {
        return new Money(new BigDecimal(decimal));
    }

    public static Money ofMicros(long micros) {
        return new Money(BigDecimal.valueOf(micros, SCALE));
    }

    /**
     * Reads an amount someone typed or posted: {@code "10"}, {@code "10.5"}, {@code "$10.00"}, {@code " 12.50 "},
     * {@code "-3"}. Surrounding whitespace is ignored; more than 6 decimals are rounded HALF_UP. Refused (with
     * IllegalArgumentException saying why): anything else, including exponents ({@code 1e3}), {@code NaN},
     * grouping commas, and magnitudes above one billion.
     */
    public static Money parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("is empty; expected an amount such as 12.50");
        }
        if (trimmed.length() > MAX_TEXT_LENGTH || !TEXT.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("is not an amount such as 12.50 or $12.50");
        }
        BigDecimal value = new BigDecimal(trimmed.replace("$", ""));
        if (value.abs().setScale(SCALE, ROUNDING).compareTo(MAX) > 0) {
            throw new IllegalArgumentException("must be at most " + MAX.toPlainString() + " in magnitude");
        }
        return new Money(value);
    }

    /** {@link #parse} for values that may be anything (a tag, a posted parameter): empty when not an amount. */
    public static Optional<Money> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The amount in micro-dollars, as stored in SQL. */
    public long toMicros() {
        return amount.movePointRight(SCALE).longValueExact();
    }

    public Money plus(Money other) {
        return new Money(amount.add(other.amount));
    }

    public Money minus(Money other) {
        return new Money(amount.subtract(other.amount));
    }

    /** This amount times {@code factor}, rounded HALF_UP to 6 decimals. */
    public Money times(BigDecimal factor) {
        return new Money(amount.multiply(factor));
    }

    /** {@code percent} per cent of this amount ({@code 70} is 70%), rounded HALF_UP to 6 decimals. */
    public Money percent(BigDecimal percent) {
        return new Money(amount.multiply(percent).divide(HUNDRED, SCALE, ROUNDING));
    }

    public boolean isNegative() {
        return amount.signum() < 0;
    }

    public boolean isZero() {
        return amount.signum() == 0;
    }

    /** Rounded HALF_UP to cents and written plainly: {@code "125.00"}, {@code "1.17"}, {@code "-0.50"}. */
    public String twoDecimals() {
        return amount.setScale(2, ROUNDING).toPlainString();
    }

    /**
     * The amount without trailing zeros ({@code 12.5}, {@code 1.173}, {@code 0}, {@code 10}), never in exponent
     * form, for JSON output.
     */
    public BigDecimal toBigDecimal() {
        return plain(amount);
    }

    /** {@code number} without trailing zeros and never in exponent form: {@code 12.5}, {@code 0}, {@code 1000}. */
    public static BigDecimal plain(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    @Override
    public int compareTo(Money other) {
        return amount.compareTo(other.amount);
    }

    /** The plain decimal without trailing zeros, for messages and logs. */
    @Override
    public String toString() {
        return toBigDecimal().toPlainString();
    }
}
