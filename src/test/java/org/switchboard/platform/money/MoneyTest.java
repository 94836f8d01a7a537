package org.switchboard.platform.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10                  | 10.000000
            10.5                | 10.500000
            10.00               | 10.000000
            $10.00              | 10.000000
            ' 12.50 '           | 12.500000
            1.173               | 1.173000
            .5                  | 0.500000
            7.                  | 7.000000
            0                   | 0.000000
            -3.25               | -3.250000
            -$3.25              | -3.250000
            0.0000005           | 0.000001
            0.0000004           | 0.000000
            2.0000015           | 2.000002
            -2.0000015          | -2.000002
            1000000000          | 1000000000.000000
            999999999.9999999   | 1000000000.000000
            007.10              | 7.100000
            """)
    void parseShouldReadAmountsAndRoundHalfUpToSixDecimals(String text, String expected) {
        // when
        Money money = Money.parse(text);

        // then
        assertThat(money.amount()).isEqualTo(new BigDecimal(expected));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(
            strings = {
                " ",
                "abc",
                "NaN",
                "Infinity",
                "1e3",
                "1E3",
                "12.5e-1",
                "1,000.00",
                "$",
                "-",
                ".",
                "$-5",
                "+5",
                "12.50 USD",
                "12 50",
                "0x10",
                "1000000000.000001",
                "1000000001",
                "-1000000001",
                "99999999999999999999999999999999999999999999"
            })
    void parseShouldRefuseAnythingThatIsNotAPlainAmount(String text) {
        assertThatThrownBy(() -> Money.parse(text)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Money.tryParse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0} micros <-> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0                  | 0
            1                  | 0.000001
            1173000            | 1.173
            12500000           | 12.5
            -500000            | -0.5
            1000000000000000   | 1000000000
            """)
    void microsShouldRoundTrip(long micros, String amount) {
        // given
        Money money = Money.of(amount);

        // when / then
        assertThat(money.toMicros()).isEqualTo(micros);
        assertThat(Money.ofMicros(micros)).isEqualTo(money);
    }

    @ParameterizedTest(name = "{0} -> JSON {1}, text {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1.173     | 1.173    | 1.17
            12.5      | 12.5     | 12.50
            125       | 125      | 125.00
            0         | 0        | 0.00
            10        | 10       | 10.00
            1000000   | 1000000  | 1000000.00
            0.005     | 0.005    | 0.01
            0.004999  | 0.004999 | 0.00
            -0.005    | -0.005   | -0.01
            0.000001  | 0.000001 | 0.00
            """)
    void outputShouldBePlainAndExact(String amount, String json, String twoDecimals) {
        // given
        Money money = Money.of(amount);

        // when / then: never "1E+1" or "1.2500000" on the wire
        assertThat(money.toBigDecimal().toString()).isEqualTo(json);
        assertThat(money.twoDecimals()).isEqualTo(twoDecimals);
    }

    @ParameterizedTest(name = "{0} {1} {2} = {3}")
    @CsvSource(delimiter = '|', textBlock = """
            10       | plus    | 2.5        | 12.5
            10       | minus   | 12.5       | -2.5
            10       | times   | 0.8        | 8
            1.6757   | times   | 0.7        | 1.17299
            10       | times   | 0.33333335 | 3.333334
            1.6757   | percent | 70         | 1.17299
            10       | percent | 33.3333335 | 3.333333
            0.01     | percent | 50         | 0.005
            0.000001 | percent | 50         | 0.000001
            200      | percent | 1000       | 2000
            """)
    void arithmeticShouldBeExactAndRoundHalfUp(String left, String operation, String right, String expected) {
        // given
        Money money = Money.of(left);

        // when
        Money result = switch (operation) {
            case "plus" -> money.plus(Money.of(right));
            case "minus" -> money.minus(Money.of(right));
            case "times" -> money.times(new BigDecimal(right));
            case "percent" -> money.percent(new BigDecimal(right));
            default -> throw new IllegalArgumentException(operation);
        };

        // then
        assertThat(result).isEqualTo(Money.of(expected));
    }

    @Test
    void amountsShouldCompareByValueWhateverScaleTheyWereWrittenWith() {
        assertThat(Money.of("10")).isEqualTo(Money.of("10.000")).hasSameHashCodeAs(Money.of("10.0"));
        assertThat(Money.of("10").compareTo(Money.of("9.999999"))).isPositive();
        assertThat(Money.ZERO.isZero()).isTrue();
        assertThat(Money.of("-0.000001").isNegative()).isTrue();
        assertThat(Money.of("0").isNegative()).isFalse();
    }

    @Test
    void amountsBeyondOneBillionShouldNotExist() {
        assertThatThrownBy(() -> Money.of("1000000000.000001")).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.of("600000000").plus(Money.of("600000000")))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.ofMicros(Long.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
    }
}
