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
import org.jspecify.annotations.Nullable;

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
    /** The collector's meters, once {@link #bindProcessMeters} bound them (they hold listeners to remove). */
    private @Nullable JvmGcMetrics gc;

    private boolean processMetersBound;
    private boolean closed;

    private Metrics(MeterRegistry registry, Optional<PrometheusMeterRegistry> prometheus) {
        this.registry = registry;
        this.prometheus = prometheus;
    }

    /**
     * A registry for {@code /metrics}; the JVM's and the process's own meters come with {@link #bindProcessMeters},
     * which a start calls before it serves.
     */
    public static Metrics prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new Metrics(registry, Optional.of(registry));
    }

    /**
     * Binds the JVM's and the process's own meters (memory, threads, classes, processor, uptime, file descriptors,
     * the collector) to a registry of {@link #prometheus}, once: a start calls it once it answers requests, off the
     * path to its first answer (a tenth of the main thread's start), and the first {@link #scrape} waits for it or
     * does it. Nothing for {@link #none}, nor once closed.
     */
    public synchronized void bindProcessMeters() {
        if (processMetersBound || closed || prometheus.isEmpty()) {
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics collector = new JvmGcMetrics();
        collector.bindTo(registry);
        gc = collector;
        processMetersBound = true;
    }

    /** Meters that record nothing, for parts built outside a server (benchmarks, unit tests). */
    public static Metrics none() {
        return new Metrics(new CompositeMeterRegistry(), Optional.empty());
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

    /**
     * Everything, in the Prometheus text format (version 0.0.4); empty for {@link #none}. The JVM's and the process's
     * meters are in it even when the start has not bound them yet ({@link #bindProcessMeters}).
     */
    public String scrape() {
        bindProcessMeters();
        return prometheus.map(PrometheusMeterRegistry::scrape).orElse("");
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
