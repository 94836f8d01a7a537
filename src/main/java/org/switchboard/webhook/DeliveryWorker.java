package org.switchboard.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.switchboard.call.Call;
import org.switchboard.call.LiveCall;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

/**
 * Delivers the outbox: one loop claims due deliveries (at most as many as it has free workers, so what is held in
 * memory is bounded however many are pending) and attempts each on one of a bounded number of virtual threads. An
 * attempt renders the webhook on the call's tags as they are then, sends it with the delivery's {@code webhook-id},
 * and stores its pixel with the delivery's next state: 2xx delivered; 410 Gone failed and the webhook disabled; else
 * retried on the schedule (honouring {@code Retry-After}) until it runs out. A webhook failing without a success for
 * {@code disableAfter}, with at least {@code disableMinFailures} failures in the last 24 h, is disabled.
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class.getName());
    /**
     * Longer than any attempt (a webhook's timeout is at most 30 s, and its record is committed within seconds): a node
     * that stops leaves its claims to the others after this.
     */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);

    /** What the worker reads of calls: the record, and the live view (tags, key while live). */
    public interface Calls {
        Optional<Call> find(long callId);

        LiveCall live(String uuid);
    }

    /** The delivery settings: default schedule, workers, and when a failing webhook is disabled. */
    public record Settings(
            RetrySchedule schedule, int workers, Duration disableAfter, int disableMinFailures, Duration lease) {}

    private final DeliveryRepository deliveries;
    private final WebhookRepository webhooks;
    private final FiredPixelRepository pixels;
    private final WebhookDispatcher dispatcher;
    private final Calls calls;
    private final WebhookHooks hooks;
    private final Settings settings;
    private final Clock clock;
    private final Semaphore free;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;
    private final Thread loop;

    public DeliveryWorker(
            DeliveryRepository deliveries,
            WebhookRepository webhooks,
            FiredPixelRepository pixels,
            WebhookDispatcher dispatcher,
            Calls calls,
            WebhookHooks hooks,
            Settings settings,
            Clock clock) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.pixels = pixels;
        this.dispatcher = dispatcher;
        this.calls = calls;
        this.hooks = hooks;
        this.settings = settings;
        this.clock = clock;
        this.free = new Semaphore(settings.workers());
        this.loop = Thread.ofVirtual().name("webhook-deliveries").unstarted(this::run);
    }

    public void start() {
        loop.start();
    }

    /** Something became due (a delivery was queued or finished): look at once rather than at the next poll. */
    public void wake() {
        wakeUps.offer(Boolean.TRUE);
    }

    /**
     * Sends a delivery of the account again from the start of its schedule, keeping its {@code webhook-id} unless
     * {@code newMessageId}: what the API's and the console's replay both do. A 404 when the account has no such
     * delivery, a 409 while an attempt of it is in flight; answers it as queued.
     */
    public Delivery replay(AccountId account, long id, boolean newMessageId) {
        if (deliveries.find(account, id).isEmpty()) {
            throw new Problem.NotFound("no webhook delivery with id " + id);
        }
        if (!deliveries.replay(account, id, newMessageId)) {
            throw new Problem.Conflict(null, "delivery " + id + " is being attempted right now");
        }
        wake();
        return deliveries.find(account, id).orElseThrow();
    }

    /**
     * Replays every failed delivery of the account's webhook created in [from, to) (a 404 for another account's
     * webhook, a 400 unless from is before to); answers the ids queued.
     */
    public List<Long> replayFailed(AccountId account, long webhookId, Instant from, Instant to, boolean newIds) {
        if (webhooks.find(account, webhookId).isEmpty()) {
            throw new Problem.NotFound("no webhook with id " + webhookId);
        }
        if (!from.isBefore(to)) {
            throw new Problem.Invalid("to", "must be after from");
        }
        List<Long> replayed = deliveries.replayFailed(account, webhookId, from, to, newIds);
        wake();
        return replayed;
    }

    private void run() {
        while (!closed) {
            try {
                int wanted = free.availablePermits();
                List<Delivery> claimed = wanted == 0
                        ? List.of()
                        : deliveries.claim(
                                clock.instant(),
                                settings.lease(),
                                UUID.randomUUID().toString(),
                                wanted);
                for (Delivery delivery : claimed) {
                    free.acquire();
                    // fire and forget: the attempt logs its own failure and releases its permit; anything else
                    // reaches the thread's uncaught-exception handler instead of a Future nobody reads
                    attempts.execute(() -> attemptAndRelease(delivery));
                }
                if (claimed.isEmpty() || claimed.size() < wanted) {
                    wakeUps.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "claiming webhook deliveries failed; trying again", e);
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private void attemptAndRelease(Delivery delivery) {
        try {
            attempt(delivery, leaseToken(delivery));
        } catch (RuntimeException e) {
            // the lease runs out and the delivery is attempted again: at least once
            LOG.log(Level.WARNING, "webhook delivery " + delivery.id() + " failed unexpectedly; it will be retried", e);
        } finally {
            free.release();
            wake();
        }
    }

    /** The claim's token, carried on the claimed row (read back by the claim's RETURNING). */
    private static String leaseToken(Delivery delivery) {
        return delivery.leaseToken().orElseThrow();
    }

    void attempt(Delivery delivery, String token) {
        Optional<Webhook> found = webhooks.find(delivery.accountId(), delivery.webhookId());
        if (found.isEmpty()) {
            deliveries.cancel(delivery.id(), token, "the webhook was deleted");
            return;
        }
        Webhook webhook = found.get();
        if (webhook.disabled().isPresent()) {
            deliveries.cancel(
                    delivery.id(),
                    token,
                    "the webhook is disabled: " + webhook.disabled().get().reason());
            return;
        }
        if (delivery.event().isPresent()) {
            send(delivery, token, webhook, eventContext(delivery), Optional.empty());
            return;
        }
        Optional<Call> call = calls.find(delivery.callId());
        if (call.isEmpty()) {
            deliveries.cancel(delivery.id(), token, "the call is gone");
            return;
        }
        if (delivery.attempts() == 0) {
            hooks.awaitLiveWebhooks(call.get().uuid()); // answered and timer webhooks go first
        }
        LiveCall live = calls.live(call.get().uuid());
        TagSet tags = live.tags(); // the latest: an earlier webhook's response may have added to them
        if (delivery.attempts() == 0 && !webhook.matches().matches(tags)) {
            deliveries.drop(delivery.id(), token); // decided on the tags the earlier webhooks left, as always
            return;
        }
        var context = new WebhookDispatcher.Context(
                call.get().accountId(),
                Optional.of(call.get().id()),
                call.get().uuid(),
                live.callKey(),
                tags,
                call.get().durationSeconds());
        send(delivery, token, webhook, context, Optional.of(live));
    }

    /**
     * An account event's tokens ({@code [webhook_id]}, {@code [disabled_reason]}…) as the values rendered: kept to
     * what a tag value may hold (one line, at most {@link TagSet#MAX_VALUE_LENGTH} characters).
     */
    private static WebhookDispatcher.Context eventContext(Delivery delivery) {
        TagSet.Builder values = TagSet.builder();
        delivery.event().orElseThrow().forEach((token, raw) -> {
            String value = raw.replaceAll("\\p{Cntrl}", " ").strip();
            if (!value.isEmpty()) {
                values.add(token, value.substring(0, Math.min(value.length(), TagSet.MAX_VALUE_LENGTH)));
            }
        });
        return new WebhookDispatcher.Context(
                delivery.accountId(), Optional.empty(), "", Optional.empty(), values.build(), Optional.empty());
    }

    /** Sends one attempt and records it with the delivery's next state; a call's gets the response tags. */
    private void send(
            Delivery delivery,
            String token,
            Webhook webhook,
            WebhookDispatcher.Context context,
            Optional<LiveCall> live) {
        WebhookDispatcher.Sent sent = dispatcher.attempt(context, webhook, delivery.messageId());
        OutboundHttp.Result result = sent.result();
        Instant now = clock.instant();
        if (result.ok()) {
            live.ifPresent(call -> hooks.applyResponseTags(call, webhook, sent.responseTags()));
            record(delivery, token, sent, Delivery.State.DELIVERED, Optional.empty(), Optional.empty());
            return;
        }
        String error = result.error()
                .map(kind -> kind.name().toLowerCase(Locale.ROOT) + ": " + result.errorDetail())
                .orElseGet(() -> "HTTP " + result.status().orElse(0) + redirectNote(result));
        if (result.error().isEmpty() && result.status().orElse(0) == 410) {
            record(delivery, token, sent, Delivery.State.FAILED, Optional.empty(), Optional.of(error));
            disable(webhook, "the receiver answered 410 Gone at " + now);
            return;
        }
        Optional<Instant> next = webhook.schedule(settings.schedule())
                .next(
                        delivery.attempts() - delivery.roundStart() + 1,
                        now,
                        header(result.headers(), "Retry-After").flatMap(v -> RetrySchedule.retryAfter(v, now)),
                        ThreadLocalRandom.current().nextDouble());
        record(
                delivery,
                token,
                sent,
                next.isPresent() ? Delivery.State.RETRYING : Delivery.State.FAILED,
                next,
                Optional.of(error));
        if (pixels.failingSince(
                webhook.accountId(),
                webhook.id(),
                now.minus(settings.disableAfter()),
                now,
                settings.disableMinFailures())) {
            disable(
                    webhook,
                    "every attempt failed for over " + settings.disableAfter().toHours() + " h (last: " + error + ")");
        }
    }

    private static String redirectNote(OutboundHttp.Result result) {
        int status = result.status().orElse(0);
        return status >= 300 && status < 400 ? " (redirects are not followed)" : "";
    }

    private void record(
            Delivery delivery,
            String token,
            WebhookDispatcher.Sent sent,
            Delivery.State state,
            Optional<Instant> next,
            Optional<String> error) {
        deliveries.record(new DeliveryRepository.Recorded(
                delivery.id(), token, sent.pixel().inDelivery(delivery.id()), state, next, error));
    }

    private void disable(Webhook webhook, String reason) {
        if (deliveries.disable(webhook, reason)) {
            LOG.warning("webhook " + webhook.id() + " of account "
                    + webhook.accountId().value() + " disabled: " + reason);
            wake(); // its webhook_disabled deliveries are due
        }
    }

    private static Optional<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().getFirst())
                .findFirst();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        attempts.shutdownNow();
    }
}
