package org.switchboard.tag;

import org.jspecify.annotations.Nullable;
import org.switchboard.platform.problem.Problem;

/**
 * Reads the stored form of a tag set without the JSON mapper, for the one shape {@link TagSet#toStored} writes: an
 * object of names to non-empty arrays of strings, no spaces ({@code {"geo":["us","us-ny"],"age":["23"]}}), strings
 * with JSON's escapes. Every call read from the store parses its tags, so the mapper's tree (a node per value) was
 * most of the cost of mapping a call's row.
 *
 * <p>Anything else (spaces, a string or number value, an empty array, nesting, a surrogate, a bad escape, a name met
 * twice, a tag the set would refuse) answers null, and the caller reads the text with the mapper: so the answer is
 * always the mapper's, tags or error. {@code StoredTagTextTest} compares the two on many generated texts.
 */
final class StoredTagText {
    private final String text;
    private int at;

    private StoredTagText(String text) {
        this.text = text;
    }

    /** The tag set {@code text} holds, or null when the mapper must read it. */
    static @Nullable TagSet read(String text) {
        try {
            return new StoredTagText(text).object();
        } catch (Problem e) {
            return null; // a tag the set refuses: the mapper's path raises the error, or one it finds first
        }
    }

    private @Nullable TagSet object() {
        if (!next('{')) {
            return null;
        }
        if (next('}')) {
            return at == text.length() ? TagSet.empty() : null;
        }
        TagSet.Builder builder = TagSet.builder();
        int members = 0;
        do {
            String name = string();
            if (name == null || !next(':') || !next('[') || !values(builder, name)) {
                return null;
            }
            members++;
        } while (next(','));
        if (!next('}') || at != text.length()) {
            return null;
        }
        TagSet tags = builder.build();
        // every member added a value to its key, so fewer keys than members means a name came twice (after
        // normalising): the mapper refuses a repeated name and merges names that differ only in case
        return tags.keys().size() == members ? tags : null;
    }

    /** The strings of a non-empty array, added under {@code name}; false when it is not one. */
    private boolean values(TagSet.Builder builder, String name) {
        do {
            String value = string();
            if (value == null) {
                return false;
            }
            builder.addChecked(null, name, value);
        } while (next(','));
        return next(']');
    }

    private boolean next(char expected) {
        if (at < text.length() && text.charAt(at) == expected) {
            at++;
            return true;
        }
        return false;
    }

    /** A string literal, or null when there is none here or it holds anything this reader leaves to the mapper. */
    private @Nullable String string() {
        if (!next('"')) {
            return null;
        }
        int start = at;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                at = i + 1;
                return text.substring(start, i);
            }
            if (c == '\\') {
                at = i;
                return escaped(new StringBuilder(i - start + 16).append(text, start, i));
            }
            if (c < 0x20 || Character.isSurrogate(c)) {
                return null;
            }
        }
        return null;
    }

    /** The rest of a string literal that holds an escape, from {@link #at}, appended to {@code out}. */
    private @Nullable String escaped(StringBuilder out) {
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20 || Character.isSurrogate(c)) {
                return null;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                return null;
            }
            char kind = text.charAt(at++);
            char decoded;
            switch (kind) {
                case '"', '\\', '/' -> decoded = kind;
                case 'b' -> decoded = '\b';
                case 'f' -> decoded = '\f';
                case 'n' -> decoded = '\n';
                case 'r' -> decoded = '\r';
                case 't' -> decoded = '\t';
                case 'u' -> {
                    int code = hex4();
                    if (code < 0 || Character.isSurrogate((char) code)) {
                        return null;
                    }
                    decoded = (char) code;
                }
                default -> {
                    return null;
                }
            }
            out.append(decoded);
        }
        return null;
    }

    /** The four hex digits at {@link #at} as a number, or -1. */
    private int hex4() {
        if (at + 4 > text.length()) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            char c = text.charAt(at + i);
            int digit = c >= '0' && c <= '9'
                    ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) {
                return -1; // ASCII hex digits only, as the mapper reads them
            }
            code = code * 16 + digit;
        }
        at += 4;
        return code;
    }
}
