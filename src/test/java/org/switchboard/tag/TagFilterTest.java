package org.switchboard.tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

class TagFilterTest {
    private static final TagSet CALL = TagSet.of(
            "geo", "us", "geo", "us-ny", "publisher_id", "17", "caller_state", "NY", "product_interest", "Mortgage");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                   | true
            geo:us-ny                            | true
            geo:US-NY                            | true
            geo:us-ca                            | false
            geo:us-ca, geo:us-ny                 | true
            geo:us-ny, publisher_id:17           | true
            geo:us-ny, publisher_id:18           | false
            geo:us-ca, geo:us-ny, publisher_id:17 | true
            product_interest:mortgage            | true
            publisher_id:*                       | true
            buyer_tier:*                         | false
            !geo:us-ca                           | true
            !geo:us-ny                           | false
            !buyer_tier:*                        | true
            !publisher_id:*                      | false
            geo:us, !publisher_id:17             | false
            geo:us, !publisher_id:18             | true
            missing_key:x                        | false
            """)
    void filterShouldMatchAsDocumented(String terms, boolean expected) {
        // given
        TagFilter filter = filter(terms);

        // when
        boolean matches = filter.matches(CALL);

        // then
        assertThat(matches).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"nocolon", "':value'", "'key:'", "'Bad Key:v'", "'!'"})
    void malformedTermsShouldBeRejected(String term) {
        assertThatThrownBy(() -> TagFilter.parse("matches", Json.read(Json.writeString(new String[] {term}))))
                .isInstanceOf(Problem.Invalid.class)
                .extracting(e -> ((Problem) e).field().orElseThrow())
                .isEqualTo("matches");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            geo:us-ny, !source:bad, caller_state:*
            """)
    void filterShouldRoundTripThroughItsStoredForm(String terms) {
        TagFilter filter = filter(terms);
        assertThat(TagFilter.fromStored(filter.toStored())).isEqualTo(filter);
        assertThat(filter.asStrings()).containsExactly("geo:us-ny", "!source:bad", "caller_state:*");
    }

    @Test
    void matchingShouldAgreeWithTheRuleOnRandomFiltersAndCalls() {
        // given: filters and calls over a few keys and values, so that keys repeat, overlap and go missing
        Random random = new Random(15);
        String[] keys = {"geo", "source", "tier", "state"};
        String[] values = {"a", "b", "c", "*"};
        int matched = 0;
        for (int round = 0; round < 20_000; round++) {
            List<TagFilter.Term> terms = new ArrayList<>();
            for (int i = random.nextInt(7); i > 0; i--) {
                terms.add(new TagFilter.Term(
                        random.nextInt(4) == 0, keys[random.nextInt(keys.length)], values[random.nextInt(4)]));
            }
            TagSet.Builder call = TagSet.builder();
            for (int i = random.nextInt(6); i > 0; i--) {
                call.add(keys[random.nextInt(keys.length)], values[random.nextInt(3)]);
            }
            TagFilter filter = new TagFilter(terms);
            TagSet tags = call.build();

            // when
            boolean matches = filter.matches(tags);

            // then
            assertThat(matches).as(terms + " on " + tags.asMap()).isEqualTo(byGrouping(terms, tags));
            matched += matches ? 1 : 0;
        }
        assertThat(matched).isBetween(2_000, 18_000);
    }

    /** The rule as the class documents it, by grouping the positive terms per key (how it was first written). */
    private static boolean byGrouping(List<TagFilter.Term> terms, TagSet tags) {
        Map<String, Boolean> keyToSatisfied = new LinkedHashMap<>();
        for (TagFilter.Term term : terms) {
            boolean held = term.value().equals("*") ? tags.has(term.key()) : tags.has(term.key(), term.value());
            if (term.negated() && held) {
                return false;
            }
            if (!term.negated()) {
                keyToSatisfied.merge(term.key(), held, Boolean::logicalOr);
            }
        }
        return !keyToSatisfied.containsValue(false);
    }

    private static TagFilter filter(String terms) {
        String[] parts = terms.isBlank()
                ? new String[0]
                : Arrays.stream(terms.split(",")).map(String::strip).toArray(String[]::new);
        return TagFilter.parse("matches", Json.read(Json.writeString(parts)));
    }
}
