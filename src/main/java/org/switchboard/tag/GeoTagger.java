package org.switchboard.tag;

import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.geocoding.PhoneNumberOfflineGeocoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchboard.platform.phone.PhoneNumbers;

/**
 * Geo tags of a caller, as the reference platform sets them: {@code geo:us} (country), {@code geo:us-ny} (state or
 * province) and, when a webhook returns a zip, {@code geo:us-10101}. Alongside them the plain tags {@code
 * caller_country}, {@code caller_state}, {@code caller_area_code} and {@code caller_zip} feed replacement tokens.
 *
 * <p>Area code to state comes from libphonenumber's offline geocoder; zip to state from the USPS three-digit prefix
 * table in {@code zip3-states.txt}. Both are bundled data: no I/O after construction.
 */
public final class GeoTagger {
    public static final String GEO = "geo";
    public static final String CALLER_COUNTRY = "caller_country";
    public static final String CALLER_STATE = "caller_state";
    public static final String CALLER_AREA_CODE = "caller_area_code";
    public static final String CALLER_ZIP = "caller_zip";

    private static final Pattern CITY_AND_STATE = Pattern.compile(".*, ([A-Z]{2})$");
    private static final Pattern ZIP = Pattern.compile("(?:us-)?(\\d{5})(?:-\\d{4})?", Pattern.CASE_INSENSITIVE);

    private static final Set<String> US_TERRITORIES = Set.of("PR", "VI", "GU", "AS", "MP");

    private final PhoneNumberOfflineGeocoder geocoder = PhoneNumberOfflineGeocoder.getInstance();
    private final String[] zip3ToState = loadZipPrefixes();
    /** North American area code ({@code +1212}) to its geo tags; a few hundred entries at most. */
    private final Map<String, TagSet> areaCodeToTags = new ConcurrentHashMap<>();

    /**
     * The geo tags of a number already known to be a valid E.164 number ({@code toE164} gave it). A North American
     * number's place is its area code's, so those are worked out once per area code and remembered (the RTB ping
     * path tags every caller); others as {@link #tagsFor}.
     */
    public TagSet tagsForValid(String e164) {
        if (e164.length() == 12 && e164.startsWith("+1")) {
            return areaCodeToTags.computeIfAbsent(e164.substring(0, 5), prefix -> tagsFor(e164));
        }
        return tagsFor(e164);
    }

    /** The geo tags of a caller number (empty when the number is not valid or its place is unknown). */
    public TagSet tagsFor(String callerNumber) {
        Optional<PhoneNumber> parsed = PhoneNumbers.parse(callerNumber);
        if (parsed.isEmpty()) {
            return TagSet.empty();
        }
        PhoneNumber number = parsed.get();
        Optional<String> region = PhoneNumbers.region(number);
        if (region.isEmpty()) {
            return TagSet.empty();
        }
        if (US_TERRITORIES.contains(region.get())) {
            // numbered in the North American plan and addressed by US zips: tagged as US states, as zips tag them
            return TagSet.builder()
                    .add(GEO, "us")
                    .add(GEO, "us-" + region.get().toLowerCase(Locale.ROOT))
                    .add(CALLER_COUNTRY, "US")
                    .add(CALLER_STATE, region.get())
                    .add(
                            CALLER_AREA_CODE,
                            PhoneNumbers.northAmericanAreaCode(number).orElseThrow())
                    .build();
        }
        Optional<String> country = region.map(code -> code.toLowerCase(Locale.ROOT));
        TagSet.Builder tags = TagSet.builder()
                .add(GEO, country.get())
                .add(CALLER_COUNTRY, country.get().toUpperCase(Locale.ROOT));
        PhoneNumbers.northAmericanAreaCode(number).ifPresent(areaCode -> tags.add(CALLER_AREA_CODE, areaCode));
        stateOf(geocoder.getDescriptionForNumber(number, Locale.ENGLISH))
                .ifPresent(state -> tags.add(GEO, country.get() + "-" + state.toLowerCase(Locale.ROOT))
                        .add(CALLER_STATE, state));
        return tags.build();
    }

    /**
     * Applies a zip returned for the caller ({@code "10101"} or {@code "us-10101"}): the caller's location is
     * overridden, so earlier country and state geo tags give way to the zip's. An unreadable zip changes nothing.
     */
    public TagSet withZip(TagSet tags, String zipValue) {
        Matcher matcher = ZIP.matcher(zipValue.strip());
        if (!matcher.matches()) {
            return tags;
        }
        String zip = matcher.group(1);
        TagSet.Builder out = tags.toBuilder().remove(GEO).remove(CALLER_STATE).remove(CALLER_COUNTRY);
        out.add(GEO, "us-" + zip);
        stateOfZip(zip)
                .ifPresent(state ->
                        out.add(GEO, "us-" + state.toLowerCase(Locale.ROOT)).add(CALLER_STATE, state));
        out.add(GEO, "us").add(CALLER_COUNTRY, "US").remove(CALLER_ZIP).add(CALLER_ZIP, zip);
        return out.build();
    }

    /** The state or territory code of a five-digit US zip. */
    public Optional<String> stateOfZip(String zip) {
        if (zip.length() < 3 || !zip.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.ofNullable(zip3ToState[Integer.parseInt(zip.substring(0, 3))]);
    }

    static Optional<String> stateOf(String description) {
        Matcher city = CITY_AND_STATE.matcher(description);
        if (city.matches()) {
            return Optional.of(city.group(1));
        }
        return Optional.ofNullable(NAME_TO_CODE.get(description));
    }

    private static String[] loadZipPrefixes() {
        String[] table = new String[1000];
        try (InputStream in = GeoTagger.class.getResourceAsStream("zip3-states.txt")) {
            if (in == null) {
                throw new IllegalStateException("zip3-states.txt is missing from the class path");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("[- ]+");
                for (int prefix = Integer.parseInt(parts[0]); prefix <= Integer.parseInt(parts[1]); prefix++) {
                    table[prefix] = parts[2];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }

    /** Region names the geocoder prints, to their postal codes (including its few spelling quirks). */
    private static final Map<String, String> NAME_TO_CODE = new HashMap<>();

    static {
        String[] pairs = {
            "Alabama",
            "AL",
            "Alaska",
            "AK",
            "Arizona",
            "AZ",
            "Arkansas",
            "AR",
            "California",
            "CA",
            "Colorado",
            "CO",
            "Connecticut",
            "CT",
            "Delaware",
            "DE",
            "Florida",
            "FL",
            "Georgia",
            "GA",
            "Hawaii",
            "HI",
            "Idaho",
            "ID",
            "Illinois",
            "IL",
            "Indiana",
            "IN",
            "Iowa",
            "IA",
            "Kansas",
            "KS",
            "Kentucky",
            "KY",
            "Louisiana",
            "LA",
            "Maine",
            "ME",
            "Maryland",
            "MD",
            "Massachusetts",
            "MA",
            "Michigan",
            "MI",
            "Minnesota",
            "MN",
            "Mississippi",
            "MS",
            "Missouri",
            "MO",
            "Montana",
            "MT",
            "Nebraska",
            "NE",
            "Nevada",
            "NV",
            "New Hampshire",
            "NH",
            "New Jersey",
            "NJ",
            "New Mexico",
            "NM",
            "New York",
            "NY",
            "North Carolina",
            "NC",
            "North Dakota",
            "ND",
            "Ohio",
            "OH",
            "Oklahoma",
            "OK",
            "Oregon",
            "OR",
            "Pennsylvania",
            "PA",
            "Philadelphia",
            "PA",
            "Rhode Island",
            "RI",
            "South Carolina",
            "SC",
            "South Dakota",
            "SD",
            "Tennessee",
            "TN",
            "Texas",
            "TX",
            "Utah",
            "UT",
            "Vermont",
            "VT",
            "Virginia",
            "VA",
            "Washington State",
            "WA",
            "Washington",
            "WA",
            "Washington D.C.",
            "DC",
            "West Virginia",
            "WV",
            "Wisconsin",
            "WI",
            "Wyoming",
            "WY",
            "Alberta",
            "AB",
            "British Columbia",
            "BC",
            "British Colombia",
            "BC",
            "Manitoba",
            "MB",
            "New Brunswick",
            "NB",
            "Newfoundland and Labrador",
            "NL",
            "Nova Scotia",
            "NS",
            "Ontario",
            "ON",
            "Toronto",
            "ON",
            "Prince Edward Island",
            "PE",
            "Quebec",
            "QC",
            "Saskatchewan",
            "SK",
            "Yukon",
            "YT",
            "Northwest Territories",
            "NT",
            "Nunavut",
            "NU"
        };
        for (int i = 0; i < pairs.length; i += 2) {
            NAME_TO_CODE.put(pairs[i], pairs[i + 1]);
        }
    }
}
