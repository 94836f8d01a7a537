package org.switchboard.webhook;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * When a webhook fires, with the reference platform's names. Call start: {@code data_appending} first (its response
 * tags are applied before anything else), then {@code start} and {@code passthrough} together, all before routing.
 * During the call: {@code selected} (each buyer selected), {@code answered}, {@code timer}. After the call, in this
 * order: {@code connect} (if it connected), {@code conversion} / {@code non_conversion} and {@code postback} (fired by
 * the conversions feature), and {@code always}, last. Not a call's: {@code webhook_disabled}, a company webhook fired
 * when another webhook of the account is disabled by a 410 or sustained failure.
 */
public enum Trigger {
    DATA_APPENDING,
    START,
    PASSTHROUGH,
    SELECTED,
    ANSWERED,
    TIMER,
    CONNECT,
    CONVERSION,
    NON_CONVERSION,
    POSTBACK,
    ALWAYS,
    WEBHOOK_DISABLED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Trigger> fromWord(String word) {
        return Arrays.stream(values())
                .filter(t -> t.word().equals(word.strip().toLowerCase(Locale.ROOT)))
                .findFirst();
    }
}
