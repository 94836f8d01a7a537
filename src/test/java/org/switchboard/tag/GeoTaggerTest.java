package org.switchboard.tag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeoTaggerTest {
    private static final GeoTagger GEO = new GeoTagger();

    @ParameterizedTest(name = "{0} is in {2}")
    @CsvSource({
        "+12125550123, 212, us-ny, NY",
        "+12015550123, 201, us-nj, NJ",
        "+13105550123, 310, us-ca, CA",
        "+17135550123, 713, us-tx, TX",
        "+12065550100, 206, us-wa, WA",
        "+12025550100, 202, us-dc, DC",
        "+13125550147, 312, us-il, IL",
        "+13055550147, 305, us-fl, FL",
        "+19073339999, 907, us-ak, AK",
        "+14155552671, 415, us-ca, CA"
    })
    void areaCodeShouldGiveCountryAndStateTags(String caller, String areaCode, String geoState, String state) {
        // when
        TagSet tags = GEO.tagsFor(caller);

        // then
        assertThat(tags.values("geo")).containsExactly("us", geoState);
        assertThat(tags.values("caller_area_code")).containsExactly(areaCode);
        assertThat(tags.values("caller_state")).containsExactly(state);
        assertThat(tags.values("caller_country")).containsExactly("US");
    }

    @Test
    void canadianAndOverseasNumbersShouldGetTheirCountry() {
        assertThat(GEO.tagsFor("+14165550123").values("geo")).containsExactly("ca", "ca-on");
        assertThat(GEO.tagsFor("+15145550123").values("caller_state")).containsExactly("QC");
        assertThat(GEO.tagsFor("+442071838750").values("geo")).containsExactly("gb");
        assertThat(GEO.tagsFor("+442071838750").has("caller_area_code")).isFalse();
    }

    @Test
    void invalidNumbersShouldGetNoGeoTags() {
        assertThat(GEO.tagsFor("12").isEmpty()).isTrue();
        assertThat(GEO.tagsFor("not a number").isEmpty()).isTrue();
    }

    @Test
    void returnedZipShouldOverrideTheCallersLocationAsTheDocumentShows() {
        // given: a caller from California whose start ping returned geo us-10101
        TagSet tags = GEO.tagsFor("+13105550123").with("first_name", "Jason");

        // when
        TagSet overridden = GEO.withZip(tags, "us-10101");

        // then: geo:us-10101, geo:us-ny, geo:us as in the webhooks document
        assertThat(overridden.values("geo")).containsExactly("us-10101", "us-ny", "us");
        assertThat(overridden.values("caller_state")).containsExactly("NY");
        assertThat(overridden.values("caller_zip")).containsExactly("10101");
        assertThat(overridden.values("first_name")).containsExactly("Jason");
        assertThat(overridden.values("caller_area_code")).containsExactly("310");
    }

    @ParameterizedTest(name = "zip {0} is in {1}")
    @CsvSource({
        "10101, NY", "90210, CA", "60601, IL", "33101, FL", "77001, TX", "02108, MA", "20500, DC", "20101, VA",
        "73301, TX", "99501, AK", "96801, HI", "00601, PR", "84101, UT", "97201, OR", "03801, NH", "88510, TX"
    })
    void zipPrefixShouldGiveTheState(String zip, String state) {
        assertThat(GEO.stateOfZip(zip)).contains(state);
        assertThat(GEO.withZip(TagSet.empty(), zip).values("geo")).contains("us-" + state.toLowerCase());
    }

    @Test
    void unreadableZipShouldChangeNothing() {
        TagSet tags = GEO.tagsFor("+12125550123");
        assertThat(GEO.withZip(tags, "ny")).isEqualTo(tags);
        assertThat(GEO.stateOfZip("09001"))
                .as("military prefixes name no state")
                .isEmpty();
    }

    @Test
    void tagsOfValidNumbersRememberedByAreaCodeShouldEqualTheFullLookup() {
        // numbers of several area codes, states, Canada, a territory, toll-free and abroad, each area code twice
        List<String> numbers = List.of(
                "+12125550123",
                "+12125550199",
                "+13125550147",
                "+13125551234",
                "+14165550123",
                "+15145550123",
                "+17875550123",
                "+18005550123",
                "+18665550100",
                "+19075550123",
                "+442071838750",
                "+61291234567");
        GeoTagger fresh = new GeoTagger();
        for (String number : numbers) {
            assertThat(fresh.tagsForValid(number)).as(number).isEqualTo(GEO.tagsFor(number));
        }
    }
}
