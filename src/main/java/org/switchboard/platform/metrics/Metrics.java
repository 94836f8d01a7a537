package org.switchboard.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The process's meters: one Micrometer registry per server, scraped in the Prometheus text format at {@code /metrics}.
 * Features take this in their constructors and resolve their meters once, up front, so counting an event is one
 * counter increment or one timer record (no lookup, no lock). Names are Micrometer's dotted names; Prometheus shows
 * {@code switchboard.rtb.pings} as {@code switchboard_rtb_pings_total} and a timer's as {@code _seconds_*}.
 *
 * <p>Every label takes its values from a fixed set (enum words, route templates, status codes), never from ids, keys
 * or numbers a caller sent, so the number of series is bounded.
 */
public final class Metrics implements AutoCloseable {
    /** The latency buckets of every timer: a fixed few, so recording is cheap and every series is small. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2_500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private final MeterRegistry registry;
    private final Optional<PrometheusMeterRegistry> prometheus;
    private final Optional<JvmGcMetrics> gc;

    private Metrics(MeterRegistry registry, Optional<PrometheusMeterRegistry> prometheus, Optional<JvmGcMetrics> gc) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.gc = gc;
    }

    /** A registry for {@code /metrics}, with the JVM's and the process's own meters bound. */
    public static Metrics prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new Metrics(registry, Optional.of(registry), Optional.of(gc));
    }

    /** Meters that record nothing, for parts built outside a server (benchmarks, unit tests). */
    public static Metrics none() {
        return new Metrics(new CompositeMeterRegistry(), Optional.empty(), Optional.empty());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A counter; {@code tags} are name, value pairs. */
    public Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** A timer with the fixed latency buckets (a Prometheus histogram). */
    public Timer timer(String name, String description, String... tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** A value read when scraped, from {@code source} (held strongly, so it lives as long as the registry). */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
        Gauge.builder(name, source, value)
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** A counter that something else keeps (a writer's drops, say), read when scraped. */
    public <T> void counted(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
        FunctionCounter.builder(name, source, value)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    /** Everything, in the Prometheus text format (version 0.0.4); empty for {@link #none}. */
    public String scrape() {
        return prometheus.map(PrometheusMeterRegistry::scrape).orElse("");
    }

    @Override
    public void close() {
        gc.ifPresent(JvmGcMetrics::close);
        registry.close();
    }
}
