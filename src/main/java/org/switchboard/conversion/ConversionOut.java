package org.switchboard.conversion;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.money.Money;

/** A call's conversion and money as the call log shows them; amounts are exact decimals. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ConversionOut(
        String state,
        boolean converted,
        String reason,
        @Nullable Long criterionId,
        BigDecimal revenue,
        BigDecimal payout,
        BigDecimal profit,
        @Nullable String convertedAt,
        @Nullable String waitingUntil,
        @Nullable BigDecimal postedValue,
        @Nullable Long buyerCriterionId,
        boolean buyerConverted,
        BigDecimal buyerRevenue) {

    public static ConversionOut of(Conversion c) {
        return new ConversionOut(
                c.state().word(),
                c.converted(),
                c.reason(),
                c.criterionId().orElse(null),
                c.revenue().toBigDecimal(),
                c.payout().toBigDecimal(),
                c.profit().toBigDecimal(),
                c.convertedAt().map(Instant::toString).orElse(null),
                c.state() == Conversion.State.PENDING
                        ? c.deadlineAt().map(Instant::toString).orElse(null)
                        : null,
                c.posted().map(Money::toBigDecimal).orElse(null),
                c.buyerCriterionId().orElse(null),
                c.buyerConverted(),
                c.buyerRevenue().toBigDecimal());
    }

    /** The wire form of calls' decisions ({@link ConversionRepository#forCalls}), by call id. */
    public static Map<Long, ConversionOut> forCalls(Map<Long, Conversion> callIdToConversion) {
        Map<Long, ConversionOut> out = new HashMap<>();
        callIdToConversion.forEach((id, c) -> out.put(id, of(c)));
        return out;
    }
}
