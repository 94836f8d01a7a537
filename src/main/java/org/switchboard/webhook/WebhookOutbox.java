package org.switchboard.webhook;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.switchboard.call.Call;

/**
 * How the flows queue a call's post-call webhooks: read the webhooks that could fire before the transaction
 * ({@link #candidates}), queue the deliveries inside the transaction that makes them due ({@link #enqueue}), and once
 * it committed, {@link #wake} the workers. Queued deliveries are sent at least once, in the order of their triggers,
 * retried on the webhook's schedule (see {@link DeliveryWorker}).
 */
public final class WebhookOutbox {
    private final WebhookHooks hooks;
    private final DeliveryRepository deliveries;
    private final DeliveryWorker worker;

    public WebhookOutbox(WebhookHooks hooks, DeliveryRepository deliveries, DeliveryWorker worker) {
        this.hooks = hooks;
        this.deliveries = deliveries;
        this.worker = worker;
    }

    /** Every webhook a post-call trigger of the call could fire: its number's or campaign's, and its buyer's. */
    public List<Webhook> candidates(Call call) {
        return hooks.candidates(call, call.buyerId());
    }

    /**
     * In the caller's transaction: a delivery per webhook of each trigger among {@code candidates}, the triggers in
     * the order given. Which of them fire is decided on the call's tags when each trigger's turn comes (an earlier
     * one's response may add tags), as it always was.
     */
    public void enqueue(Handle handle, Call call, List<Webhook> candidates, List<Trigger> triggers) {
        List<DeliveryRepository.Stage> stages = triggers.stream()
                .map(trigger -> new DeliveryRepository.Stage(
                        trigger,
                        candidates.stream().filter(w -> w.trigger() == trigger).toList()))
                .filter(stage -> !stage.webhooks().isEmpty())
                .toList();
        deliveries.enqueue(handle, call.accountId(), call.id(), stages);
    }

    /** Deliveries were committed: attempt them now rather than at the next poll. */
    public void wake() {
        worker.wake();
    }
}
