package org.switchboard.platform.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.problem.Problem;

/**
 * Phone numbers in E.164 form through libphonenumber. Numbers written without a country code are read as North
 * American, the home of pay-per-call. Pure: no I/O beyond libphonenumber's bundled metadata.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String DEFAULT_REGION = "US";
    private static final Pattern SIP_URI = Pattern.compile("sips?:[^@\\s<>\"]+@[A-Za-z0-9.\\-\\[\\]:]+(;[^\\s<>\"]*)?");

    private PhoneNumbers() {}

    /** The E.164 form of {@code raw} ({@code +12125550123}), or empty when it is not a valid number. */
    public static Optional<String> toE164(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 40) {
            return Optional.empty();
        }
        PhoneNumber northAmerican = northAmericanDigits(raw.strip());
        if (northAmerican != null) {
            // what UTIL.format writes in E164 for country code 1: "+1" and the national significant number (a number
            // made here has no Italian leading zero, no extension and no raw input)
            return validNorthAmerican(northAmerican)
                    ? Optional.of("+1" + northAmerican.getNationalNumber())
                    : Optional.empty();
        }
        return parse(raw).map(number -> UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
    }

    /** The E.164 form of {@code raw}, or a 400 naming {@code field}. */
    public static String requireE164(String field, String raw) {
        return toE164(raw)
                .orElseThrow(() -> new Problem.Invalid(
                        field, "is not a valid phone number; write it in E.164 form such as +12125550123"));
    }

    /**
     * Something a call can be sent to: an E.164 number (normalised) or a SIP URI with user and host; a 400 naming
     * {@code field} otherwise.
     */
    public static String requireDialable(String field, String raw) {
        if (isSip(raw)) {
            if (!SIP_URI.matcher(raw).matches()) {
                throw new Problem.Invalid(field, "is not a SIP URI of the form sip:user@host[:port][;params]");
            }
            return raw;
        }
        return toE164(raw)
                .orElseThrow(() ->
                        new Problem.Invalid(field, "must be an E.164 phone number such as +12125550123 or a sip: URI"));
    }

    /** {@code raw} (stripped) as {@link #requireDialable} accepts it, or empty when a call cannot be sent there. */
    public static Optional<String> dialable(String raw) {
        String text = raw.strip();
        return isSip(text) ? Optional.of(text).filter(t -> SIP_URI.matcher(t).matches()) : toE164(text);
    }

    private static boolean isSip(String raw) {
        return raw.startsWith("sip:") || raw.startsWith("sips:");
    }

    /** The parsed number, or empty when {@code raw} is not a valid number anywhere. */
    public static Optional<PhoneNumber> parse(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 40) {
            return Optional.empty();
        }
        PhoneNumber northAmerican = northAmericanDigits(raw.strip());
        if (northAmerican != null) {
            return validNorthAmerican(northAmerican) ? Optional.of(northAmerican) : Optional.empty();
        }
        try {
            PhoneNumber number = UTIL.parse(raw.strip(), DEFAULT_REGION);
            // an extension cannot be dialled as part of an E.164 number: refuse rather than drop it
            return UTIL.isValidNumber(number) && !number.hasExtension() ? Optional.of(number) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code UTIL.isValidNumber(number)} for a number of country code 1, without its second look at the US metadata.
     * {@code isValidNumber} is the number's region ({@code getRegionCodeForNumber}) and then whether the number has a
     * type in that region's metadata ({@code isValidNumberForRegion}). The US, the country code's main region, has no
     * leading digits, so the region look-up answers US only after finding the number a type in the US metadata: the
     * second look would find the same. Other regions are looked at as {@code isValidNumber} does.
     * {@code PhoneNumbersTest} compares the two on every exchange of the plan.
     */
    static boolean validNorthAmerican(PhoneNumber number) {
        if (US.hasType(Long.toString(number.getNationalNumber()))) {
            return true;
        }
        String region = UTIL.getRegionCodeForNumber(number);
        return "US".equals(region) || UTIL.isValidNumberForRegion(number, region);
    }

    private static final UsTypes US = new UsTypes(DefaultMetadataDependenciesProvider.getInstance()
            .getPhoneNumberMetadataSource()
            .getMetadataForRegion(DEFAULT_REGION));

    /**
     * Whether libphonenumber finds a national number a type in the US metadata ({@code getNumberTypeHelper(nsn, US)
     * != UNKNOWN}, which is how {@code getRegionCodeForNumber} picks US, the first region of country code 1, without
     * leading digits): the general pattern, then any one type. Only whether some type matches counts, so the fixed
     * line (most callers) is tried first, and each pattern is compiled once here and asked {@code matches} once:
     * libphonenumber asks {@code lookingAt} and then {@code matches} of a pattern from its synchronized cache for every
     * type in turn, fixed line last.
     */
    private static final class UsTypes {
        private final Desc general;
        private final List<Desc> types;

        UsTypes(PhoneMetadata us) {
            this.general = new Desc(us.getGeneralDesc());
            List<Desc> types = new ArrayList<>();
            types.add(new Desc(us.getFixedLine()));
            if (!us.getSameMobileAndFixedLinePattern()) {
                types.add(new Desc(us.getMobile()));
            }
            for (PhoneNumberDesc desc : List.of(
                    us.getTollFree(),
                    us.getPremiumRate(),
                    us.getSharedCost(),
                    us.getVoip(),
                    us.getPersonalNumber(),
                    us.getPager(),
                    us.getUan(),
                    us.getVoicemail())) {
                types.add(new Desc(desc));
            }
            this.types = List.copyOf(types);
        }

        boolean hasType(String nationalNumber) {
            if (!general.matches(nationalNumber)) {
                return false;
            }
            for (Desc type : types) {
                if (type.matches(nationalNumber)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** libphonenumber's {@code isNumberMatchingDesc}: a possible length (when the desc lists any) and its pattern. */
    private static final class Desc {
        private final List<Integer> lengths;
        private final @Nullable Pattern pattern;

        Desc(PhoneNumberDesc desc) {
            this.lengths = List.copyOf(desc.getPossibleLengthList());
            String regex = desc.getNationalNumberPattern();
            this.pattern = regex.isEmpty() ? null : Pattern.compile(regex);
        }

        boolean matches(String nationalNumber) {
            if (!lengths.isEmpty() && !lengths.contains(nationalNumber.length())) {
                return false;
            }
            return pattern != null && pattern.matcher(nationalNumber).matches();
        }
    }

    /**
     * The number a plain North American string stands for ({@code +13125550147}, {@code 13125550147},
     * {@code 3125550147}: what libphonenumber reads with region US), or null for any other shape, which goes through
     * libphonenumber's parser. Skipping the parser saves most of the cost of reading a caller on the RTB ping path;
     * validity is still libphonenumber's.
     */
    static @Nullable PhoneNumber northAmericanDigits(String raw) {
        int start = raw.startsWith("+") ? 1 : 0;
        int digits = raw.length() - start;
        for (int i = start; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        String national;
        if (start == 1) {
            if (digits != 11 || raw.charAt(1) != '1') {
                return null;
            }
            national = raw.substring(2);
        } else if (digits == 11 && raw.charAt(0) == '1') {
            national = raw.substring(1);
        } else if (digits == 10) {
            national = raw;
        } else {
            return null;
        }
        return new PhoneNumber().setCountryCode(1).setNationalNumber(Long.parseLong(national));
    }

    /** ISO 3166 region of a valid number ("US", "CA", "GB"), or empty when shared or unknown. */
    public static Optional<String> region(PhoneNumber number) {
        String region = UTIL.getRegionCodeForNumber(number);
        return region == null || region.equals("ZZ") || region.equals("001") ? Optional.empty() : Optional.of(region);
    }

    /** The three-digit area code of a North American number, empty for other numbering plans. */
    public static Optional<String> northAmericanAreaCode(PhoneNumber number) {
        if (number.getCountryCode() != 1) {
            return Optional.empty();
        }
        String national = String.valueOf(number.getNationalNumber());
        return national.length() == 10 ? Optional.of(national.substring(0, 3)) : Optional.empty();
    }
}
