package org.switchboard.platform.http;

import java.util.Optional;

/**
 * The request errors an endpoint may answer with. {@link HttpErrors} maps each to its status and the JSON shape
 * {@code {"error": {"code", "message", "field"}}}; anything else thrown is a 500 with a generic body.
 */
public abstract sealed class ApiException extends RuntimeException {
    private final transient Optional<String> field;

    private ApiException(String message, Optional<String> field) {
        super(message, null, false, false);
        this.field = field;
    }

    public abstract int status();

    public abstract String code();

    public Optional<String> field() {
        return field;
    }

    /** 400: the request is malformed or a field breaks a rule; {@code field} names it where there is one. */
    public static final class BadRequest extends ApiException {
        public BadRequest(String field, String message) {
            super(message, Optional.ofNullable(field));
        }

        /**
         * Runs a check of a nested object's fields; a field it refuses is named under {@code prefix}
         * ({@code trigger.seconds}, {@code entries[2].name}).
         */
        public static <T> T under(String prefix, java.util.function.Supplier<T> check) {
            try {
                return check.get();
            } catch (BadRequest e) {
                throw new BadRequest(
                        prefix + e.field().map(field -> "." + field).orElse(""), e.getMessage());
            }
        }

        @Override
        public int status() {
            return 400;
        }

        @Override
        public String code() {
            return "invalid";
        }
    }

    /** 401: no credentials, or credentials that match nothing. */
    public static final class Unauthorized extends ApiException {
        public Unauthorized(String message) {
            super(message, Optional.empty());
        }

        @Override
        public int status() {
            return 401;
        }

        @Override
        public String code() {
            return "unauthorized";
        }
    }

    /** 403: the request is authentic-looking but not allowed (a carrier request with a bad signature). */
    public static final class Forbidden extends ApiException {
        public Forbidden(String message) {
            super(message, Optional.empty());
        }

        @Override
        public int status() {
            return 403;
        }

        @Override
        public String code() {
            return "forbidden";
        }
    }

    /** 404: no such object in the caller's account (objects of other accounts are reported the same way). */
    public static final class NotFound extends ApiException {
        public NotFound(String message) {
            super(message, Optional.empty());
        }

        @Override
        public int status() {
            return 404;
        }

        @Override
        public String code() {
            return "not_found";
        }
    }

    /** 409: the request is well formed but clashes with stored state (a duplicate, or an object still in use). */
    public static final class Conflict extends ApiException {
        public Conflict(String field, String message) {
            super(message, Optional.ofNullable(field));
        }

        @Override
        public int status() {
            return 409;
        }

        @Override
        public String code() {
            return "conflict";
        }
    }

    /** 413: the body is larger than the configured limit. */
    public static final class TooLarge extends ApiException {
        public TooLarge(String message) {
            super(message, Optional.empty());
        }

        @Override
        public int status() {
            return 413;
        }

        @Override
        public String code() {
            return "too_large";
        }
    }

    /** 502: a partner Switchboard had to tell (a carrier's API) did not take the request. */
    public static final class BadGateway extends ApiException {
        public BadGateway(String message) {
            super(message, Optional.empty());
        }

        @Override
        public int status() {
            return 502;
        }

        @Override
        public String code() {
            return "bad_gateway";
        }
    }
}
