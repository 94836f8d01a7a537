package org.switchboard.platform.config;

import java.util.Locale;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;

/**
 * One change to configuration, named by what changed: the kind of object, its account and its id. The write that
 * made it says so after it committed ({@link ConfigChanges#changed}); caches drop what it touches. A change to what
 * hangs off an object (a campaign's webhook, a buyer's caller list, a group's members) is announced as a change to
 * that object too, so a cache holding the object with what hangs off it needs no other rule.
 *
 * <p>Between nodes a change travels as its {@link #text()}: {@code kind:account:id}, e.g. {@code buyer:12:345}.
 */
public record ConfigChange(Kind kind, AccountId account, long id) {

    /** What kind of object changed. */
    public enum Kind {
        /** The account itself (its features); the id is the account's. */
        ACCOUNT,
        CAMPAIGN,
        PUBLISHER,
        TRACKING_NUMBER,
        BUYER,
        BUYER_GROUP,
        /** A caller list's numbers; its creation, renaming and deletion are also changes to its owner. */
        CALLER_LIST,
        POSTBACK_KEY,
        WEBHOOK,
        CRITERION,
        /** An account's API key, created or deleted; the id is the key's. */
        API_KEY;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> fromWord(String word) {
            for (Kind kind : values()) {
                if (kind.word().equals(word)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    /** The account's own change (its features). */
    public static ConfigChange account(AccountId account) {
        return new ConfigChange(Kind.ACCOUNT, account, account.value());
    }

    /** The form in which it travels to other nodes: {@code kind:account:id}. */
    public String text() {
        return kind.word() + ":" + account.value() + ":" + id;
    }

    /** A change in its {@link #text()} form; empty when the text is not one (an unknown kind, another version). */
    public static Optional<ConfigChange> parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Kind.fromWord(parts[0])
                    .map(kind ->
                            new ConfigChange(kind, new AccountId(Long.parseLong(parts[1])), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
