package org.switchboard.platform.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.switchboard.platform.problem.Problem;

/**
 * Placeholders of a key URL that were pasted without being replaced: {@code caller_number=[caller_number]} as the key
 * URLs show it, the conversion URL's upper-case {@code CALLER_NUMBER}, {@code CALL_UUID}, {@code REVENUE}, or the
 * reference document's {@code <publisher_id>}. Such a request is a 400 naming the parameter and saying the placeholder
 * must be replaced, instead of "is not a phone number", "not a valid key" or, for raw brackets, which the HTTP layer
 * refuses before routing, a bare "Bad Request". Pure.
 */
public final class Placeholders {
    /** A replacement token: {@code [caller_number]}, {@code <publisher_id>}. */
    private static final Pattern TOKEN = Pattern.compile("\\[[A-Za-z0-9_.\\-]+]|<[A-Za-z0-9_.\\-]+>");

    /** The upper-case placeholders of the reference documents' and the key URLs' templates. */
    private static final Set<String> UPPER_CASE = Set.of(
            "CALLER_NUMBER",
            "CALL_UUID",
            "CALL_KEY",
            "CALL_ID",
            "CALL_DURATION",
            "CALL_START_EPOCH",
            "REVENUE",
            "PUBLISHER_ID",
            "SOURCE_ID",
            "POSTBACK_KEY",
            "POSTBACK_KEY_HERE");

    private Placeholders() {}

    /** Whether {@code value}, given as parameter {@code name}, is a placeholder rather than a value. */
    static boolean isPlaceholder(String name, String value) {
        String v = value.strip();
        return (bracketed(v) && TOKEN.matcher(v).matches())
                || UPPER_CASE.contains(v)
                || (v.contains("_") && v.equals(name.toUpperCase(Locale.ROOT)));
    }

    /**
     * Whether {@code v} could match {@link #TOKEN} at all (it opens and closes with brackets): every keyed request
     * checks each parameter it reads, and a matcher per value showed among the ping's allocations.
     */
    private static boolean bracketed(String v) {
        if (v.length() < 3) {
            return false;
        }
        char first = v.charAt(0);
        char last = v.charAt(v.length() - 1);
        return (first == '[' && last == ']') || (first == '<' && last == '>');
    }

    /** The 400 for parameter {@code name} when its value is a placeholder. */
    public static Optional<Problem.Invalid> refusal(String name, String value) {
        if (!isPlaceholder(name, value)) {
            return Optional.empty();
        }
        return Optional.of(new Problem.Invalid(
                name,
                "is still the placeholder '" + value.strip() + "' of the key's URL: replace it with the real " + name
                        + " before calling"));
    }

    /**
     * The refusal for a raw request target (path and query as sent) whose query holds a placeholder, for requests
     * the HTTP layer refused before routing (raw {@code [} and {@code <} are not allowed in a URL).
     */
    public static Optional<Problem.Invalid> inRequestTarget(String target) {
        int query = target.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        for (String pair : target.substring(query + 1).split("&")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            Optional<Problem.Invalid> refused =
                    refusal(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
    }

    /**
     * The refusal for a query the HTTP layer found invalid, read from its message
     * ({@code "Query contains invalid char: key=...&caller_number=[caller_number], index: 55, char: '['"}), when the
     * query holds a placeholder; empty for any other message.
     */
    public static Optional<Problem.Invalid> inInvalidQueryMessage(String message) {
        String prefix = "Query contains invalid char: ";
        if (message == null || !message.startsWith(prefix) || !message.contains(", index: ")) {
            return Optional.empty();
        }
        return inRequestTarget("?" + message.substring(prefix.length(), message.lastIndexOf(", index: ")));
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
