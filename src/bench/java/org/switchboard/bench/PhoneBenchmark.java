package org.switchboard.bench;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.TagSet;

/**
 * Work done on every arriving call and RTB ping: caller number to E.164 and to geo tags. Baseline: libphonenumber's
 * bare parse of the same string, which both build on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PhoneBenchmark {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private final GeoTagger geo = new GeoTagger();
    private final String caller = "(212) 555-0123";

    @Benchmark
    public PhoneNumber baselineLibphonenumberParse() throws NumberParseException {
        return UTIL.parse(caller, "US");
    }

    @Benchmark
    public Optional<String> toE164() {
        return PhoneNumbers.toE164(caller);
    }

    @Benchmark
    public TagSet geoTags() {
        return geo.tagsFor(caller);
    }
}
