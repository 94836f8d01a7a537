package org.switchboard.platform.http;

/**
 * A small hand-written JSON writer for the few shapes a hot path writes on every request (the RTB ping's answer and
 * its log row), where building them through {@link Json}'s mapper costs more than the shape itself. It writes exactly
 * the text {@link Json#writeString} writes for the same values: strings escaped as Jackson escapes them ({@code "},
 * {@code \}, {@code \b \t \n \f \r}, other control characters as {@code \}{@code u00XX} with upper-case hex, nothing
 * else), no spaces. {@code JsonTextTest} holds it to Jackson's output character by character.
 *
 * <p>A string holding a UTF-16 surrogate is refused: Jackson's byte output treats those in ways of its own, so
 * callers fall back to the mapper for such values rather than risk different bytes. They may check every text first
 * ({@link #writable}), or write and then ask {@link #matchesMapper} once: the strings are then scanned once, not
 * twice (the RTB log row's texts were a tenth of its writer's time).
 */
public final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StringBuilder out;
    /** Whether the object or array being written needs a comma before its next member. */
    private boolean comma;
    /** Whether a string written held a surrogate (so the text may differ from the mapper's). */
    private boolean surrogate;

    public JsonText(int capacity) {
        this.out = new StringBuilder(capacity);
    }

    /** Whether every character of {@code value} is written here exactly as Jackson writes it (no surrogates). */
    public static boolean writable(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public JsonText startObject() {
        separate();
        out.append('{');
        comma = false;
        return this;
    }

    public JsonText endObject() {
        out.append('}');
        comma = true;
        return this;
    }

    public JsonText startArray() {
        separate();
        out.append('[');
        comma = false;
        return this;
    }

    public JsonText endArray() {
        out.append(']');
        comma = true;
        return this;
    }

    /** A member's name; its value follows. */
    public JsonText name(String name) {
        separate();
        quote(name);
        out.append(':');
        comma = false;
        return this;
    }

    /**
     * A member's name written as it is, unescaped and unscanned, for a name the caller knows holds nothing JSON
     * escapes and no surrogate: a constant, or a tag key ({@code [a-z0-9_.-]}). The RTB log writes a row's names this
     * way (its writer spent a third of its time scanning texts).
     */
    public JsonText plainName(String name) {
        separate();
        out.append('"').append(name).append("\":");
        comma = false;
        return this;
    }

    public JsonText value(String value) {
        separate();
        quote(value);
        comma = true;
        return this;
    }

    public JsonText value(long value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    public JsonText value(boolean value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    /** A number written as its {@link Object#toString} (a {@code BigDecimal} as Jackson's default writes it). */
    public JsonText number(Number value) {
        separate();
        out.append(value);
        comma = true;
        return this;
    }

    public JsonText nullValue() {
        separate();
        out.append("null");
        comma = true;
        return this;
    }

    /**
     * Whether the text is the mapper's for the same values: false once a string held a surrogate, and then the caller
     * writes the value with the mapper instead.
     */
    public boolean matchesMapper() {
        return !surrogate;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void separate() {
        if (comma) {
            out.append(',');
        }
    }

    private void quote(String value) {
        out.append('"');
        int start = 0;
        // every character OR-ed together: below the surrogates, none was one (most texts), so only then is each one
        // looked at again; one operation a character rather than a range check
        int seen = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            seen |= c;
            if (c > '\\' || (c >= 0x20 && c != '"' && c != '\\')) {
                continue;
            }
            out.append(value, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        out.append(value, start, value.length());
        out.append('"');
        if (seen >= Character.MIN_SURROGATE && !writable(value)) {
            surrogate = true;
        }
    }
}
