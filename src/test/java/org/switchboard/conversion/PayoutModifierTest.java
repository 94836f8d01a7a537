package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.problem.Problem;

class PayoutModifierTest {

    @ParameterizedTest(name = "''{1}'' on {0} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # the reference document's examples
            10.00     | *0.8                 | 8
            10.00     | *0                   | 0
            10.00     | *0+50                | 50
            10.00     | *0+(50)              | 50
            # left to right, no precedence
            1         | +2*3                 | 9
            1         | *3+2                 | 5
            10        | -4/2                 | 3
            # division keeps 12 decimals, the result 6 (HALF_UP)
            10        | /3                   | 3.333333
            20        | /3                   | 6.666667
            10        | /3*3                 | 10
            10        | /2-1                 | 4
            1         | /8                   | 0.125
            0.000001  | /2                   | 0.000001
            0.000001  | /3                   | 0
            # signs, parentheses, whitespace
            10        | *-1+15               | 5
            10        | +(-2)                | 8
            10        | -(-2)                | 12
            10        | --2                  | 12
            10        | *+2                  | 20
            10        | " * 0.5 + ( 1.25 ) " | 6.25
            10        | *.5                  | 5
            10        | *5.                  | 50
            1.6757    | *0.7                 | 1.17299
            1.173     | *1                   | 1.173
            # payouts are never negative; only the result is clamped, not the steps on the way
            10        | -20                  | 0
            10        | *-1                  | 0
            10        | -20+15               | 5
            10        | -20*-1               | 10
            # capped at the largest amount
            1000000   | *1000000             | 1000000000
            """)
    void modifierShouldApplyStepsLeftToRight(String revenue, String modifier, String payout) {
        // given
        PayoutModifier parsed = PayoutModifier.parse("payout.modifier", modifier);

        // when
        Money result = parsed.apply(Money.of(revenue));

        // then
        assertThat(result).isEqualTo(Money.of(payout));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t  "})
    void blankModifierShouldPayTheRevenue(String modifier) {
        // when
        PayoutModifier parsed = PayoutModifier.parse("payout.modifier", modifier);

        // then
        assertThat(parsed.isEmpty()).isTrue();
        assertThat(parsed.apply(Money.of("12.34"))).isEqualTo(Money.of("12.34"));
        assertThat(parsed.toString()).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            0.8          | must start with an operator (*, /, + or -); unexpected '0' at position 1
            "  x"        | must start with an operator (*, /, + or -); unexpected 'x' at position 3
            *            | expected a number at position 2
            *0+          | expected a number at position 4
            *x           | expected a number at position 2
            "* "         | expected a number at position 3
            *-           | expected a number at position 2
            *-x          | expected a number at position 2
            *.           | expected a number at position 2
            *0.8x        | unexpected 'x' at position 5; expected *, /, + or -
            *0.8 0.2     | unexpected '0' at position 6; expected *, /, + or -
            *0.8)        | unexpected ')' at position 5; expected *, /, + or -
            *0+$50       | expected a number at position 4
            *0+(50       | expected ')' at position 7
            *0+(50 x     | expected ')' at position 8
            *0+()        | expected a number at position 5
            *(-)         | expected a number at position 3
            /0           | division by zero at position 1
            *2/0.000     | division by zero at position 3
            *2 / (-0)    | division by zero at position 4
            *1.2.3       | unexpected '.' at position 5; expected *, /, + or -
            *1e3         | unexpected 'e' at position 3; expected *, /, + or -
            **2          | expected a number at position 2
            *2%          | unexpected '%' at position 3; expected *, /, + or -
            *12345678901 | the number at position 2 is too large
            *0.1234567890123 | the number at position 2 has more than 12 decimals
            """)
    void malformedModifierShouldNameThePosition(String modifier, String message) {
        assertThatThrownBy(() -> PayoutModifier.parse("payout.modifier", modifier))
                .isInstanceOfSatisfying(Problem.Invalid.class, e -> {
                    assertThat(e.field()).contains("payout.modifier");
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void modifierShouldBeLimitedInLengthAndOperations() {
        // given
        String twentyOne = "+1".repeat(21);
        String tooLong = "+1" + " ".repeat(99);

        // when / then
        assertThat(PayoutModifier.parse("m", "+1".repeat(20)).apply(Money.ZERO)).isEqualTo(Money.of("20"));
        assertThatThrownBy(() -> PayoutModifier.parse("m", twentyOne)).hasMessage("may hold at most 20 operations");
        assertThatThrownBy(() -> PayoutModifier.parse("m", tooLong)).hasMessage("must be at most 100 characters");
    }

    @Test
    void controlCharactersShouldBeNamedByCodePoint() {
        assertThatThrownBy(() -> PayoutModifier.parse("m", "*2\u0007"))
                .hasMessage("unexpected character U+0007 at position 3; expected *, /, + or -");
    }

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            *0.8               | *0.8
            " * 0.80 "         | *0.8
            *0+(50)            | *0+50
            +(-2.50)           | +-2.5
            --2                | --2
            *+2                | *2
            *.5                | *0.5
            /100               | /100
            *1.000000000001    | *1.000000000001
            """)
    void canonicalFormShouldDropSpacesParenthesesAndTrailingZeros(String modifier, String canonical) {
        // when
        PayoutModifier parsed = PayoutModifier.parse("m", modifier);

        // then: and it reads back as the same steps
        assertThat(parsed.toString()).isEqualTo(canonical);
        assertThat(PayoutModifier.parse("m", canonical).apply(Money.of("7.77")))
                .isEqualTo(parsed.apply(Money.of("7.77")));
    }

    @Test
    void parsedFormShouldListTheSteps() {
        // when
        PayoutModifier parsed = PayoutModifier.parse("m", "*0+(50)");

        // then
        assertThat(parsed.steps())
                .containsExactly(
                        new PayoutModifier.Step(PayoutModifier.Operator.MULTIPLY, new BigDecimal("0")),
                        new PayoutModifier.Step(PayoutModifier.Operator.ADD, new BigDecimal("50")));
        assertThat(PayoutModifier.NONE.steps()).isEqualTo(List.of());
    }
}
