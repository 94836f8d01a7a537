package org.switchboard.platform.problem;

import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Why a request cannot be done, as the domain knows it: a value breaks a rule, the caller is unknown or not allowed,
 * the object does not exist or clashes with stored state, the request is too large, or a partner did not take it.
 * The family is sealed and carries no transport words: {@code platform.http.HttpErrors} alone maps each kind to its
 * HTTP status and to the JSON error shape {@code {"error": {"code", "message", "field"}}}, and the edges that answer
 * in another shape (plain-text {@code FAILED <reason>}) ask it for the status.
 */
public abstract sealed class Problem extends RuntimeException {
    private final transient Optional<String> field;
    private final String message;

    private Problem(String message, Optional<String> field) {
        super(message, null, false, false);
        this.field = field;
        this.message = message;
    }

    /** Never null, unlike a plain exception's: every problem is made with the message shown to the caller. */
    @Override
    public String getMessage() {
        return message;
    }

    /** The request field the problem is about, where there is one. */
    public Optional<String> field() {
        return field;
    }

    /** The request is malformed or a field breaks a rule; {@code field} names it where there is one. */
    public static final class Invalid extends Problem {
        public Invalid(@Nullable String field, String message) {
            super(message, Optional.ofNullable(field));
        }

        /**
         * Runs a check of a nested object's fields; a field it refuses is named under {@code prefix}
         * ({@code trigger.seconds}, {@code entries[2].name}).
         */
        public static <T> T under(String prefix, Supplier<T> check) {
            try {
                return check.get();
            } catch (Invalid e) {
                throw new Invalid(prefix + e.field().map(field -> "." + field).orElse(""), e.getMessage());
            }
        }
    }

    /** No credentials, or credentials that match nothing. */
    public static final class Unauthorized extends Problem {
        public Unauthorized(String message) {
            super(message, Optional.empty());
        }
    }

    /** The request is authentic-looking but not allowed (a carrier request with a bad signature, a viewer's write). */
    public static final class Forbidden extends Problem {
        public Forbidden(String message) {
            super(message, Optional.empty());
        }
    }

    /** No such object in the caller's account (objects of other accounts are reported the same way). */
    public static final class NotFound extends Problem {
        public NotFound(String message) {
            super(message, Optional.empty());
        }
    }

    /** The request is well formed but clashes with stored state (a duplicate, or an object still in use). */
    public static final class Conflict extends Problem {
        public Conflict(@Nullable String field, String message) {
            super(message, Optional.ofNullable(field));
        }
    }

    /** The body is larger than the configured limit. */
    public static final class TooLarge extends Problem {
        public TooLarge(String message) {
            super(message, Optional.empty());
        }
    }

    /** A partner Switchboard had to tell (a carrier's API) did not take the request. */
    public static final class PartnerFailed extends Problem {
        public PartnerFailed(String message) {
            super(message, Optional.empty());
        }
    }
}
