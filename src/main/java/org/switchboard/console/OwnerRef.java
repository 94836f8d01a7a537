package org.switchboard.console;

import java.util.Locale;
import java.util.Optional;
import org.switchboard.platform.problem.Problem;

/**
 * What a configuration section belongs to, as the section URLs name it: {@code owner=campaign:12}, {@code buyer:3},
 * {@code number:7}, {@code publisher:5}, {@code buyer_group:2}, or {@code company} (the account's defaults).
 */
public record OwnerRef(Kind kind, long id) {
    /** The kinds of owner a section may name. */
    public enum Kind {
        COMPANY,
        CAMPAIGN,
        NUMBER,
        BUYER,
        BUYER_GROUP,
        PUBLISHER;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** How a person calls it. */
        public String label() {
            return switch (this) {
                case COMPANY -> "company";
                case CAMPAIGN -> "campaign";
                case NUMBER -> "tracking number";
                case BUYER -> "buyer";
                case BUYER_GROUP -> "buyer group";
                case PUBLISHER -> "publisher";
            };
        }
    }

    public static final OwnerRef COMPANY = new OwnerRef(Kind.COMPANY, 0);

    /** Parses {@code kind:id} (or {@code company}); a 400 naming {@code owner} otherwise. */
    public static OwnerRef parse(Optional<String> text) {
        String raw = text.orElseThrow(() -> new Problem.Invalid("owner", "is required, e.g. campaign:12"))
                .strip();
        if (raw.equals("company") || raw.equals("company:0")) {
            return COMPANY;
        }
        int colon = raw.indexOf(':');
        Optional<Kind> kind = colon < 0
                ? Optional.empty()
                : java.util.Arrays.stream(Kind.values())
                        .filter(k -> k != Kind.COMPANY && k.word().equals(raw.substring(0, colon)))
                        .findFirst();
        if (kind.isEmpty() || !raw.substring(colon + 1).matches("[1-9][0-9]{0,17}")) {
            throw new Problem.Invalid(
                    "owner", "must be company or kind:id with kind campaign, number, buyer, buyer_group or publisher");
        }
        return new OwnerRef(kind.get(), Long.parseLong(raw.substring(colon + 1)));
    }

    /** The URL form, {@code campaign:12} or {@code company}. */
    public String word() {
        return kind == Kind.COMPANY ? "company" : kind.word() + ":" + id;
    }
}
