package org.switchboard.console;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a console user may do: admins everything, managers everything but users and keys, viewers only read. */
public enum Role {
    ADMIN,
    MANAGER,
    VIEWER;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWord(String word) {
        return Arrays.stream(values()).filter(r -> r.word().equals(word)).findFirst();
    }

    /** Whether the role may change anything at all (viewers read only). */
    public boolean canChange() {
        return this != VIEWER;
    }

    /** Whether the role manages the account's users and API keys. */
    public boolean managesUsers() {
        return this == ADMIN;
    }
}
