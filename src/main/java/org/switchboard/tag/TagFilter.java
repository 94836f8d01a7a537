package org.switchboard.tag;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

/**
 * The "matches" of a buyer, webhook or conversion criterion: decides whether it applies to a call's tags.
 *
 * <p>Written as a list of terms: {@code key:value}, {@code key:*} (the key with any value), {@code !key:value} (not
 * that value) and {@code !key:*} (the key absent). A call matches when
 *
 * <ul>
 *   <li>for every key named by a positive term, the call holds at least one of that key's listed values (values of
 *       one key are alternatives, different keys must all match), and
 *   <li>it holds none of the negated values.
 * </ul>
 *
 * Values compare without regard to case. An empty filter matches every call. Pure.
 */
public record TagFilter(List<Term> terms) {
    public static final TagFilter ANY = new TagFilter(List.of());
    public static final int MAX_TERMS = 100;

    /** One term; {@code value} is {@code "*"} for any value. */
    public record Term(boolean negated, String key, String value) {
        boolean anyValue() {
            return value.equals("*");
        }

        boolean heldBy(TagSet tags) {
            return anyValue() ? tags.has(key) : tags.has(key, value);
        }

        @Override
        public String toString() {
            return (negated ? "!" : "") + key + ":" + value;
        }
    }

    public TagFilter {
        terms = List.copyOf(terms);
    }

    /**
     * Whether {@code tags} hold none of the negated terms and, for every key of the positive terms, one of its terms.
     * Allocates nothing (it runs for every buyer and criterion of every ping): a filter has a few terms, so each key's
     * alternatives are found by walking the list again rather than by grouping them in a map.
     */
    public boolean matches(TagSet tags) {
        int count = terms.size();
        for (int i = 0; i < count; i++) {
            Term term = terms.get(i);
            if (term.negated() && term.heldBy(tags)) {
                return false;
            }
        }
        for (int i = 0; i < count; i++) {
            Term term = terms.get(i);
            if (!term.negated() && firstOfKey(i) && !alternativeHeld(i, tags)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the positive term at {@code index} is the first positive term of its key. */
    private boolean firstOfKey(int index) {
        String key = terms.get(index).key();
        for (int i = 0; i < index; i++) {
            Term earlier = terms.get(i);
            if (!earlier.negated() && earlier.key().equals(key)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code tags} hold the positive term at {@code first} or a later positive term of the same key. */
    private boolean alternativeHeld(int first, TagSet tags) {
        String key = terms.get(first).key();
        for (int i = first; i < terms.size(); i++) {
            Term term = terms.get(i);
            if (!term.negated() && term.key().equals(key) && term.heldBy(tags)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why a call does not match, in words for a campaign owner ({@code "call lacks geo:us-ny or geo:us-nj"}, {@code
     * "call has traffic:social"}); empty when it matches.
     */
    public Optional<String> explainMismatch(TagSet tags) {
        if (terms.isEmpty() || matches(tags)) {
            return Optional.empty();
        }
        for (Term term : terms) {
            if (term.negated() && term.heldBy(tags)) {
                return Optional.of(
                        term.anyValue() ? "call has " + term.key() : "call has " + term.key() + ":" + term.value());
            }
        }
        Map<String, List<Term>> keyToTerms = new LinkedHashMap<>();
        for (Term term : terms) {
            if (!term.negated()) {
                keyToTerms.computeIfAbsent(term.key(), k -> new ArrayList<>()).add(term);
            }
        }
        for (List<Term> alternatives : keyToTerms.values()) {
            if (alternatives.stream().noneMatch(term -> term.heldBy(tags))) {
                return Optional.of("call lacks "
                        + String.join(
                                " or ",
                                alternatives.stream().map(Term::toString).toList()));
            }
        }
        return Optional.empty();
    }

    /** The terms as written, for JSON output and storage. */
    public List<String> asStrings() {
        return terms.stream().map(Term::toString).toList();
    }

    public String toStored() {
        return Json.writeString(asStrings());
    }

    public static TagFilter fromStored(@Nullable String json) {
        return json == null || json.isBlank() ? ANY : parse(null, Json.read(json));
    }

    /** Parses one {@code [!]key:value} term. */
    public static Term parseTerm(@Nullable String field, String raw) {
        String text = raw.strip();
        boolean negated = text.startsWith("!");
        if (negated) {
            text = text.substring(1).strip();
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new Problem.Invalid(field, "'" + raw + "' is not a key:value term");
        }
        String key = TagSet.normalizeKey(text.substring(0, colon));
        String value = text.substring(colon + 1).strip();
        if (!TagSet.isValidKey(key)) {
            throw new Problem.Invalid(field, "'" + raw + "' has an invalid tag key");
        }
        if (value.isEmpty() || value.length() > TagSet.MAX_VALUE_LENGTH) {
            throw new Problem.Invalid(field, "'" + raw + "' needs a value of 1 to 255 characters");
        }
        return new Term(negated, key, value);
    }

    /** Reads a filter from an array of term strings, naming {@code field} in errors. */
    public static TagFilter parse(@Nullable String field, @Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return ANY;
        }
        if (!node.isArray()) {
            throw new Problem.Invalid(field, "must be an array of \"key:value\" terms");
        }
        if (node.size() > MAX_TERMS) {
            throw new Problem.Invalid(field, "may hold at most " + MAX_TERMS + " terms");
        }
        List<Term> terms = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new Problem.Invalid(field, "terms must be strings such as \"geo:us-ny\"");
            }
            Term term = parseTerm(field, element.asText());
            if (!terms.contains(term)) {
                terms.add(term);
            }
        }
        return new TagFilter(terms);
    }
}
