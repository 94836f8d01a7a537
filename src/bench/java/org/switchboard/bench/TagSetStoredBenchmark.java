package org.switchboard.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.switchboard.platform.http.Json;
import org.switchboard.tag.TagSet;

/**
 * A call's tags to and from their stored text: read for every call read from the store (a postback's, data
 * writing's), written for every RTB ping's log row and every change of a call's tags. The read by hand against the
 * mapper's tree it replaced.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TagSetStoredBenchmark {
    /** A call's tags as the RTB ping and data writing leave them: system tags, a few written ones, one escape. */
    private final TagSet call = TagSet.of(
            "geo", "us", "geo", "us-il", "caller_state", "IL", "caller_area_code", "312", "caller_number",
            "+13125550199", "caller_country", "US", "publisher_id", "1", "publisher_name", "Demo \"publisher\"",
            "campaign_id", "1", "campaign_name", "Demo campaign", "tracking_number", "+18665550100", "bench_call",
            "yes", "buyer_id", "4", "buyer_name", "Bench buyer", "first_name", "Jason", "product_interest",
            "mortgage", "product_interest", "insurance");
    private final String stored = call.toStored();

    @Benchmark
    public TagSet readByHand() {
        return TagSet.fromStored(stored);
    }

    @Benchmark
    public TagSet readByMapper() {
        return TagSet.parse(null, Json.read(stored));
    }

    @Benchmark
    public String write() {
        return call.toStored();
    }
}
