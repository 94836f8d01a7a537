package org.switchboard.account;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Opt-in features of an account, with the reference platform's names. Keys of the types a feature gates cannot be
 * issued without it, and their URLs stop working when it is turned off.
 */
public enum Feature {
    /** Real Time Bidding keys and the {@code /rtbs.json} ping. */
    REAL_TIME_BIDDING,
    /** Call Transfer keys: moving a live call to a directory number. */
    LIVE_CALL_CONTROL;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Feature> fromWord(String word) {
        return Arrays.stream(values()).filter(f -> f.word().equals(word)).findFirst();
    }
}
