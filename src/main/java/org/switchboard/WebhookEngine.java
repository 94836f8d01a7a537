package org.switchboard;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.switchboard.call.Call;
import org.switchboard.call.CallService;
import org.switchboard.call.LiveCall;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.outbound.AddressPolicy;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.webhook.DeliveryWorker;
import org.switchboard.webhook.RetrySchedule;
import org.switchboard.webhook.WebhookCandidates;
import org.switchboard.webhook.WebhookDispatcher;
import org.switchboard.webhook.WebhookHooks;
import org.switchboard.webhook.WebhookOutbox;

/**
 * Calls out to partners: the outbound HTTP client (also the carriers' and the RTB engine's), the webhook dispatcher,
 * the call flow's webhook hooks and the durable outbox with the worker pool that delivers it. The worker is started
 * last of all, by {@link Wiring}.
 */
record WebhookEngine(
        OutboundHttp outbound,
        WebhookDispatcher dispatcher,
        WebhookHooks hooks,
        DeliveryWorker worker,
        WebhookOutbox outbox) {

    /**
     * {@code changes}: where the webhook cache hears of configuration changes; {@code calls}: the call service, built
     * later from this outbox, whose live calls the worker's webhooks read.
     */
    static WebhookEngine build(
            Stores stores,
            Features features,
            SwitchboardConfig config,
            Metrics metrics,
            Clock clock,
            ConfigChanges changes,
            Later<CallService> calls) {
        var outbound = new OutboundHttp(
                AddressPolicy.allowing(config.outboundAllowCidrs()),
                config.webhookResponseCapBytes(),
                config.webhookMaxConnections(),
                config.webhookMaxConnectionsPerHost(),
                clock);
        var dispatcher = new WebhookDispatcher(outbound, stores.pixels(), features.secrets(), metrics, clock);
        var retrySchedule = new RetrySchedule(config.webhookDelivery().retrySchedule());
        // which webhooks a call can fire, read at every stage of every call, from memory kept current by the changes
        var candidates = new WebhookCandidates(
                stores.webhooks(), stores.numbers(), changes, Duration.ofSeconds(config.configCacheSeconds()), clock);
        var hooks = new WebhookHooks(candidates, dispatcher, features.geo(), stores.deliveries(), retrySchedule, clock);
        // the outbox is delivered by a bounded worker pool
        var worker = new DeliveryWorker(
                stores.deliveries(),
                stores.webhooks(),
                stores.pixels(),
                dispatcher,
                new DeliveryWorker.Calls() {
                    @Override
                    public Optional<Call> find(long callId) {
                        return stores.calls().findById(callId);
                    }

                    @Override
                    public LiveCall live(String uuid) {
                        return calls.get().liveCall(uuid);
                    }
                },
                hooks,
                new DeliveryWorker.Settings(
                        retrySchedule,
                        config.webhookDelivery().workers(),
                        config.webhookDelivery().disableAfter(),
                        config.webhookDelivery().disableMinFailures(),
                        config.webhookDelivery().lease()),
                clock);
        return new WebhookEngine(
                outbound, dispatcher, hooks, worker, new WebhookOutbox(hooks, stores.deliveries(), worker));
    }
}
