package org.switchboard.tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
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

    private static TagFilter filter(String terms) {
        String[] parts = terms.isBlank()
                ? new String[0]
                : Arrays.stream(terms.split(",")).map(String::strip).toArray(String[]::new);
        return TagFilter.parse("matches", Json.read(Json.writeString(parts)));
    }
}
