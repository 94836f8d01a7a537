package org.switchboard.webhook;

import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.outbound.OutboundHttp;

/**
 * {@code switchboard.webhooks}: webhooks fired, by trigger and outcome, with the time each took. The outcome is the
 * answer's status class ({@code 2xx} ... {@code 5xx}) or the kind of failure that left none ({@code timeout},
 * {@code connection_refused}, {@code blocked_address}, ...): a fixed set, so the series stay bounded.
 */
final class WebhookMetrics {
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final OutboundHttp.ErrorKind[] KINDS = OutboundHttp.ErrorKind.values();
    private static final int OUTCOMES = CLASSES.length + KINDS.length;

    private final Metrics metrics;
    /** trigger × outcome, each timer made on first use. */
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(Trigger.values().length * OUTCOMES);

    WebhookMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    void fired(Trigger trigger, Optional<Integer> status, Optional<OutboundHttp.ErrorKind> error, long nanos) {
        int outcome = error.map(kind -> CLASSES.length + kind.ordinal())
                .orElseGet(() -> Math.clamp(status.orElse(500) / 100 - 1, 0, CLASSES.length - 1));
        int slot = trigger.ordinal() * OUTCOMES + outcome;
        Timer timer = timers.get(slot);
        if (timer == null) {
            timer = metrics.timer(
                    "switchboard.webhooks",
                    "Webhooks fired, by trigger and outcome (status class or failure), with their latency",
                    "trigger",
                    trigger.word(),
                    "outcome",
                    outcome < CLASSES.length
                            ? CLASSES[outcome]
                            : KINDS[outcome - CLASSES.length].name().toLowerCase(Locale.ROOT));
            timers.set(slot, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
