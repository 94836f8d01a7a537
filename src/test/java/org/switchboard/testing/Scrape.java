package org.switchboard.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;

/** A {@code /metrics} answer read by a Prometheus text-format parser (Hawkular's), as a scraper reads it. */
public record Scrape(List<MetricFamily> families) {
    public static Scrape parse(String text) {
        CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
        new TextPrometheusMetricsProcessor(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), walker)
                .walk();
        return new Scrape(walker.getAllMetricFamilies());
    }

    /** The series of family {@code name} whose labels include {@code labels} (name, value pairs). */
    public Optional<Metric> find(String name, String... labels) {
        return series(name, labels).findFirst();
    }

    private Stream<Metric> series(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return families.stream()
                .filter(f -> f.getName().equals(name))
                .flatMap(f -> f.getMetrics().stream())
                .filter(m -> m.getLabels().entrySet().containsAll(wanted.entrySet()));
    }

    /** A counter's or gauge's value, 0 when the series is absent. */
    public double value(String name, String... labels) {
        return find(name, labels).map(Scrape::number).orElse(0.0);
    }

    /** The sum of the counters' or gauges' values over every series of {@code name} whose labels include these. */
    public double sum(String name, String... labels) {
        return series(name, labels).mapToDouble(Scrape::number).sum();
    }

    private static double number(Metric series) {
        return switch (series) {
            case Counter c -> c.getValue();
            case Gauge g -> g.getValue();
            default -> throw new AssertionError(series.getName() + " is neither a counter nor a gauge: " + series);
        };
    }

    /** A histogram's sample count, 0 when the series is absent. */
    public long count(String name, String... labels) {
        return find(name, labels).map(m -> ((Histogram) m).getSampleCount()).orElse(0L);
    }

    /** A histogram's series. */
    public Histogram histogram(String name, String... labels) {
        return (Histogram) find(name, labels)
                .orElseThrow(
                        () -> new AssertionError("no series " + name + Arrays.toString(labels) + " in " + names()));
    }

    public List<String> names() {
        return families.stream().map(MetricFamily::getName).sorted().toList();
    }
}
