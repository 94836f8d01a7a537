package org.switchboard.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.switchboard.platform.http.Json;
import org.switchboard.tag.TagFilter;
import org.switchboard.tag.TagSet;

/**
 * Tag filter matching, run for every buyer, webhook and criterion of every call. Baseline: one {@link TagSet#has}
 * look-up, the smallest step a filter takes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TagFilterBenchmark {
    private final TagSet call = TagSet.of(
            "geo", "us", "geo", "us-ny", "caller_state", "NY", "caller_area_code", "212", "publisher_id", "17",
            "campaign_id", "3", "caller_number", "+12125550123", "product_interest", "mortgage", "product_interest",
            "insurance", "age", "41", "traffic", "search", "first_name", "Jason");
    private final TagFilter filter = TagFilter.parse(
            "matches",
            Json.read("[\"geo:us-ny\", \"geo:us-nj\", \"publisher_id:17\", \"product_interest:insurance\","
                    + " \"!traffic:social\", \"caller_state:*\"]"));

    @Benchmark
    public boolean baselineSingleLookup() {
        return call.has("publisher_id", "17");
    }

    @Benchmark
    public boolean sixTermFilter() {
        return filter.matches(call);
    }
}
