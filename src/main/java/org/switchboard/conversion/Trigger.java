package org.switchboard.conversion;

import java.util.Optional;
import java.util.OptionalInt;

/** What makes a call convert under a {@link ConversionCriterion}. */
public sealed interface Trigger {
    int DEFAULT_POSTBACK_TIMEOUT_SECONDS = 600;
    int MAX_SECONDS = 86_400;

    /**
     * The call converts once its connected duration reaches the required seconds (the RTB document's "conversion
     * buffer"): {@code secondsTag}'s value when the call carries a usable one (a bidding buyer's
     * {@code retreaver_rtb_44407_timer}), otherwise the static {@code seconds}. At least one of the two is set.
     */
    record Duration(OptionalInt seconds, Optional<String> secondsTag) implements Trigger {
        public Duration {
            if (seconds.isEmpty() && secondsTag.isEmpty()) {
                throw new IllegalArgumentException("a duration trigger needs seconds or a seconds tag");
            }
            if (seconds.isPresent() && (seconds.getAsInt() < 0 || seconds.getAsInt() > MAX_SECONDS)) {
                throw new IllegalArgumentException("seconds must be between 0 and " + MAX_SECONDS);
            }
        }

        public static Duration ofSeconds(int seconds) {
            return new Duration(OptionalInt.of(seconds), Optional.empty());
        }
    }

    /**
     * The call converts when the buyer posts a conversion; with none within {@code timeoutSeconds} after the call
     * ends it is a non-conversion (default 600, the reference platform's ten minutes).
     */
    record Postback(int timeoutSeconds) implements Trigger {
        public Postback {
            if (timeoutSeconds < 1 || timeoutSeconds > MAX_SECONDS) {
                throw new IllegalArgumentException("timeout must be between 1 and " + MAX_SECONDS + " seconds");
            }
        }
    }

    /** The word used on the wire and in storage. */
    default String word() {
        return switch (this) {
            case Duration _ -> "duration";
            case Postback _ -> "postback";
        };
    }
}
