package org.switchboard.webhook;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.switchboard.platform.problem.Problem;

/**
 * A text with {@code [token]} placeholders, as webhook URLs, headers and body strings are written. A token names a
 * system value ({@code [call_uuid]}, {@code [payout]}, ...) or any call tag key; names are case-insensitive and use
 * the characters of tag keys ({@code a-z 0-9 _ . -}). Parsing happens when a webhook is saved: an unclosed bracket or
 * a malformed name is refused with its position. Rendering escapes each value for where it goes. Pure.
 *
 * <p>A {@code [} directly after {@code ://} starts an IPv6 host, not a token.
 */
public record Template(String source, List<Part> parts) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_][a-z0-9_.\\-]{0,63}");

    /** A piece of a template: fixed text or a token. */
    public sealed interface Part {}

    public record Literal(String text) implements Part {}

    public record Token(String name, int position) implements Part {}

    /** How a value is written into its place. */
    public enum Escaping {
        /** Inside a URL: percent-encoded. */
        URL,
        /** A header value: as is, with line breaks removed (no header injection). */
        HEADER,
        /** Inside a JSON string: JSON-escaped (without the quotes). */
        JSON,
        /** Plain text. */
        NONE
    }

    public Template {
        parts = List.copyOf(parts);
    }

    /** Parses {@code text}, naming {@code field} and the 1-based position of any error. */
    public static Template parse(String field, String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            boolean ipv6Host = i >= 3 && text.startsWith("://", i - 3);
            if (c == '[' && !ipv6Host) {
                int close = text.indexOf(']', i + 1);
                if (close < 0) {
                    throw new Problem.Invalid(field, "unclosed token '[' at position " + (i + 1));
                }
                String name = text.substring(i + 1, close).strip().toLowerCase(Locale.ROOT);
                if (!NAME.matcher(name).matches()) {
                    throw new Problem.Invalid(
                            field,
                            "'" + text.substring(i, close + 1) + "' at position " + (i + 1)
                                    + " is not a token: write a tag key or a system value such as [caller_number]");
                }
                if (!literal.isEmpty()) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Token(name, i + 1));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new Template(text, parts);
    }

    /** The token names used, in order of first use. */
    public Set<String> tokens() {
        var names = new java.util.LinkedHashSet<String>();
        parts.forEach(part -> {
            if (part instanceof Token token) {
                names.add(token.name());
            }
        });
        return names;
    }

    /**
     * Renders with {@code values}; a token without a value renders empty and its name is added to {@code missing}.
     */
    public String render(Function<String, Optional<String>> values, Escaping escaping, Set<String> missing) {
        StringBuilder out = new StringBuilder(source.length() + 32);
        for (Part part : parts) {
            switch (part) {
                case Literal literal -> out.append(literal.text());
                case Token token -> {
                    Optional<String> value = values.apply(token.name());
                    if (value.isEmpty()) {
                        missing.add(token.name());
                    } else {
                        out.append(escape(value.get(), escaping));
                    }
                }
            }
        }
        return out.toString();
    }

    static String escape(String value, Escaping escaping) {
        return switch (escaping) {
            case URL -> URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
            case HEADER -> headerValue(value);
            case JSON -> jsonEscape(value);
            case NONE -> value;
        };
    }

    /** Header values are printable ASCII: line breaks and other characters become spaces or '?', as sent. */
    private static String headerValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c < 0x20 || c > 0x7e ? '?' : c);
        }
        return out.toString();
    }

    private static String jsonEscape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
