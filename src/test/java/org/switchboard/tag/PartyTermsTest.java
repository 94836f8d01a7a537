package org.switchboard.tag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;

class PartyTermsTest {
    private static final AccountId ACCOUNT = new AccountId(1);

    /** Publisher 7 is pub-100, publisher 8 has no cid, publisher 9's cid is "7"; buyer 42 is acme; campaign 3 auto. */
    private static final Map<PartyTerms.Kind, List<PartyTerms.Party>> PARTIES = Map.of(
            PartyTerms.Kind.PUBLISHER,
            List.of(
                    new PartyTerms.Party(7, Optional.of("pub-100")),
                    new PartyTerms.Party(8, Optional.empty()),
                    new PartyTerms.Party(9, Optional.of("7"))),
            PartyTerms.Kind.BUYER,
            List.of(new PartyTerms.Party(42, Optional.of("acme"))),
            PartyTerms.Kind.CAMPAIGN,
            List.of(new PartyTerms.Party(3, Optional.of("auto"))));

    /** As the repositories look up: a cid (any case) first, then an id. */
    private static final PartyTerms TERMS = new PartyTerms((account, kind, named) -> {
        List<PartyTerms.Party> all = PARTIES.get(kind);
        return all.stream()
                .filter(p -> p.cid().filter(named::equalsIgnoreCase).isPresent())
                .findFirst()
                .or(() -> all.stream()
                        .filter(p -> Long.toString(p.id()).equals(named))
                        .findFirst());
    });

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            publisher_id:pub-100   | publisher_id:pub-100
            publisher_id:PUB-100   | publisher_id:pub-100
            publisher_id:8         | publisher_id:8
            source_id:pub-100      | source_id:pub-100
            !publisher_id:pub-100  | !publisher_id:pub-100
            handler_id:42          | handler_id:acme
            handler_id:acme        | handler_id:acme
            system_buyer_id:acme   | system_buyer_id:42
            system_buyer_id:42     | system_buyer_id:42
            campaign_id:auto       | campaign_id:3
            campaign_id:3          | campaign_id:3
            publisher_id:*         | publisher_id:*
            geo:us-ny              | geo:us-ny
            """)
    void aPartyNamedByIdOrCidShouldBeStoredInTheFormCallsCarry(String written, String stored) {
        // when
        PartyTerms.Checked checked = TERMS.check(ACCOUNT, filter(written));

        // then
        assertThat(checked.filter().asStrings()).containsExactly(stored);
        assertThat(checked.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            publisher_id:17        | 'publisher_id:17' names no publisher of this account (by id or cid), so no call matches it
            !handler_id:nobody     | '!handler_id:nobody' names no buyer of this account (by id or cid), so it excludes no call
            system_buyer_id:43     | 'system_buyer_id:43' names no buyer of this account (by id or cid), so no call matches it
            campaign_id:4          | 'campaign_id:4' names no campaign of this account (by id or cid), so no call matches it
            """)
    void aNameOfNoPartyShouldBeKeptAndWarnedAbout(String written, String warning) {
        // when
        PartyTerms.Checked checked = TERMS.check(ACCOUNT, filter(written));

        // then
        assertThat(checked.filter().asStrings()).containsExactly(written);
        assertThat(checked.warnings()).containsExactly(warning);
    }

    @org.junit.jupiter.api.Test
    void aCidThatLooksLikeAnIdShouldWinAndTermsNamingOnePartyTwiceShouldBeKeptOnce() {
        // when: publisher 9's cid is "7", so publisher_id:7 is publisher 9 (calls from publisher 7 carry pub-100)
        PartyTerms.Checked checked = TERMS.check(ACCOUNT, filter("publisher_id:7", "handler_id:42", "handler_id:acme"));

        // then
        assertThat(checked.filter().asStrings()).containsExactly("publisher_id:7", "handler_id:acme");
    }

    private static TagFilter filter(String... terms) {
        return TagFilter.parse("matches", Json.MAPPER.valueToTree(List.of(terms)));
    }
}
