package org.switchboard.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.switchboard.buyer.Buyer;
import org.switchboard.call.Call;
import org.switchboard.call.CallHooks;
import org.switchboard.call.LiveCall;
import org.switchboard.platform.time.Deadline;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.TagSet;

/**
 * Fires a call's webhooks at the points of the call flow, in the documented order.
 *
 * <ul>
 *   <li>Call start, before routing, within the start deadline: {@code data_appending} webhooks first, their response
 *       tags applied; then {@code start} and {@code passthrough} together, seeing those tags.
 *   <li>{@code selected}: before each buyer is dialled (again on failover), so the buyer's system is updated first.
 *   <li>{@code answered}, {@code timer}, and after the call {@code connect} (if it connected), {@code conversion} or
 *       {@code non_conversion}, {@code postback}, {@code always}: on a per-call queue off the carrier's request, so
 *       they never delay the carrier, and in that order, so {@code always} is last. The post-call ones are queued by
 *       the conversions feature in the durable outbox ({@link WebhookOutbox}) once it has decided the call (which may
 *       wait for a postback), and retried until delivered.
 * </ul>
 *
 * Which webhooks: the campaign's, or an unlocked number's own instead; plus, for {@code selected} and later, those of
 * the buyer concerned. A webhook fires only when the call carries its {@code matches}.
 */
public final class WebhookHooks implements CallHooks, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookHooks.class.getName());

    private final WebhookCandidates candidates;
    private final WebhookDispatcher dispatcher;
    private final GeoTagger geo;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, CompletableFuture<Void>> uuidToQueue = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> uuidToTimers = new ConcurrentHashMap<>();
    private final Clock clock;
    private final DeliveryRepository deliveries;
    private final RetrySchedule schedule;

    /** How long the selected webhooks of one dial may hold the buyer's phone, all together. */
    static final Duration SELECTED_BOUND = Duration.ofSeconds(5);

    public WebhookHooks(
            WebhookCandidates candidates,
            WebhookDispatcher dispatcher,
            GeoTagger geo,
            DeliveryRepository deliveries,
            RetrySchedule schedule,
            Clock clock) {
        this.clock = clock;
        this.deliveries = deliveries;
        this.schedule = schedule;
        this.candidates = candidates;
        this.dispatcher = dispatcher;
        this.geo = geo;
    }

    @Override
    public TagSet onStart(Call call, Deadline deadline, LiveCall live) {
        TagSet tags = call.tags();
        // a call claiming an RTB reservation was already appended to and passed through at the ping: its buyers were
        // pinged then, and the ping's answers are on the call
        boolean claimed = !tags.values("rtb_reservation_uuid").isEmpty();
        Trigger[][] stages = claimed
                ? new Trigger[][] {{Trigger.START}}
                : new Trigger[][] {{Trigger.DATA_APPENDING}, {Trigger.START, Trigger.PASSTHROUGH}};
        for (Trigger[] stage : stages) {
            List<Webhook> due = new ArrayList<>();
            for (Trigger trigger : stage) {
                due.addAll(applicable(call, trigger, Optional.empty(), tags));
            }
            if (due.isEmpty()) {
                continue; // past the deadline they are still sent with no time left, so their pixels say so
            }
            for (WebhookDispatcher.Fired fired :
                    dispatcher.fire(context(call, live, tags), due, Optional.of(deadline), false)) {
                tags = ResponseTags.apply(tags, fired.responseTags(), geo);
            }
        }
        return tags;
    }

    @Override
    public void onSelected(Call call, Buyer buyer, LiveCall live) {
        // the buyer's phone rings after these: all of them together get at most SELECTED_BOUND
        List<Webhook> due = applicable(call, Trigger.SELECTED, Optional.of(buyer.id()), live.tags());
        applyTags(
                dispatcher.fire(
                        context(call, live, live.tags()), due, Optional.of(Deadline.in(SELECTED_BOUND, clock)), false),
                live);
    }

    @Override
    public void onAnswered(Call call, Buyer buyer, LiveCall live) {
        enqueue(call, () -> fireNow(call, Trigger.ANSWERED, Optional.of(buyer.id()), live));
    }

    @Override
    public List<Duration> connectedTimers(Call call) {
        return applicable(call, Trigger.TIMER, call.buyerId(), call.tags()).stream()
                .flatMap(w -> w.timerSeconds().stream())
                .distinct()
                .sorted()
                .map(Duration::ofSeconds)
                .toList();
    }

    @Override
    public void onTimer(Call call, Duration connectedFor, LiveCall live) {
        // fired at once, not behind slower webhooks of the call, so it reaches the receiver while the call is live;
        // the call's post-call deliveries wait for it, so "always" stays last
        CompletableFuture<Void> timer = CompletableFuture.runAsync(
                () -> {
                    TagSet tags = live.tags();
                    List<Webhook> due = applicable(call, Trigger.TIMER, call.buyerId(), tags).stream()
                            .filter(w -> w.timerSeconds()
                                    .filter(s -> s == connectedFor.toSeconds())
                                    .isPresent())
                            .toList();
                    retryFailed(
                            call,
                            applyTags(dispatcher.fire(context(call, live, tags), due, Optional.empty(), false), live));
                },
                background);
        CompletableFuture<Void> running =
                uuidToTimers.merge(call.uuid(), timer, (earlier, next) -> CompletableFuture.allOf(earlier, next));
        // forgotten once done, whether or not the call has post-call deliveries to wait for it; the stage this makes is
        // not kept: it only mirrors running, which awaitLiveWebhooks waits on
        CompletableFuture<Void> _ = running.whenComplete((done, error) -> uuidToTimers.remove(call.uuid(), running));
    }

    /**
     * Waits (at most 35 s each) for the call's answered and timer webhooks still in flight on this node, so its
     * post-call deliveries, which the outbox sends ({@link WebhookOutbox}), come after them.
     */
    void awaitLiveWebhooks(String uuid) {
        await(uuid, uuidToQueue.get(uuid));
        await(uuid, uuidToTimers.get(uuid));
    }

    private static void await(String uuid, @Nullable CompletableFuture<Void> running) {
        if (running == null) {
            return;
        }
        try {
            running.get(35, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "a webhook of call " + uuid + " fired during the call did not finish cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fireNow(Call call, Trigger trigger, Optional<Long> buyerId, LiveCall live) {
        TagSet tags = live.tags(); // the latest: an earlier webhook's response may have added to them
        List<Webhook> due = applicable(call, trigger, buyerId, tags);
        retryFailed(call, applyTags(dispatcher.fire(context(call, live, tags), due, Optional.empty(), false), live));
    }

    /**
     * Answered and timer webhooks get one attempt while the call needs them; one that failed goes on as a delivery of
     * the outbox (its first attempt this one, with the same {@code webhook-id}), retried on its schedule once the call
     * has moved on. A 410 Gone disables the webhook instead.
     */
    private void retryFailed(Call call, List<WebhookDispatcher.Fired> fired) {
        Instant now = clock.instant();
        for (WebhookDispatcher.Fired f : fired) {
            FiredPixel pixel = f.pixel();
            boolean ok = pixel.errorKind().isEmpty()
                    && pixel.status().filter(s -> s >= 200 && s < 300).isPresent();
            if (ok || pixel.id() == 0) {
                continue;
            }
            String error = pixel.errorKind()
                    .map(kind -> kind + ": " + pixel.errorDetail().orElse(""))
                    .orElseGet(() -> "HTTP " + pixel.status().orElse(0));
            if (pixel.errorKind().isEmpty() && pixel.status().orElse(0) == 410) {
                String reason = "the receiver answered 410 Gone at " + now;
                deliveries.disable(f.webhook(), reason);
                continue;
            }
            Optional<Instant> next = f.webhook()
                    .schedule(schedule)
                    .next(1, now, Optional.empty(), ThreadLocalRandom.current().nextDouble());
            next.ifPresent(at -> deliveries.retryLater(
                    call.accountId(),
                    call.id(),
                    f.webhook(),
                    Optional.ofNullable(pixel.requestHeaders().get("webhook-id")),
                    pixel.id(),
                    at,
                    error));
        }
    }

    /** A delivered webhook's response tags, applied to the call as any webhook's are. */
    void applyResponseTags(LiveCall live, Webhook webhook, TagSet responseTags) {
        if (!responseTags.isEmpty()) {
            live.changeTags(
                    "webhook " + webhook.name() + "'s response", tags -> ResponseTags.apply(tags, responseTags, geo));
        }
    }

    private List<WebhookDispatcher.Fired> applyTags(List<WebhookDispatcher.Fired> fired, LiveCall live) {
        for (WebhookDispatcher.Fired f : fired) {
            if (!f.responseTags().isEmpty()) {
                live.changeTags(
                        "webhook " + f.webhook().name() + "'s response",
                        tags -> ResponseTags.apply(tags, f.responseTags(), geo));
            }
        }
        return fired;
    }

    /** Runs {@code work} after everything queued before for this call (answered before timer before always). */
    private void enqueue(Call call, Runnable work) {
        CompletableFuture<Void> queued = uuidToQueue.compute(call.uuid(), (uuid, queue) -> {
            CompletableFuture<Void> previous = queue == null ? CompletableFuture.completedFuture(null) : queue;
            return previous.thenRunAsync(
                    () -> {
                        try {
                            work.run();
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "webhooks of call " + uuid + " failed", e);
                        }
                    },
                    background);
        });
        // forget the call's queue once this has run, unless more was queued behind it; the stage this makes is not
        // kept:
        // it only mirrors queued, which awaitLiveWebhooks waits on (and whose work logs its own failures)
        CompletableFuture<Void> _ = queued.whenComplete((done, error) -> uuidToQueue.remove(call.uuid(), queued));
    }

    /** The webhooks of {@code trigger} that apply to the call with {@code tags}. */
    List<Webhook> applicable(Call call, Trigger trigger, Optional<Long> buyerId, TagSet tags) {
        return matching(candidates(call, buyerId), trigger, tags);
    }

    /** Every webhook that could fire for the call: its number's (if unlocked) or campaign's, and the buyer's. */
    List<Webhook> candidates(Call call, Optional<Long> buyerId) {
        return candidates.of(call.accountId(), call.campaignId(), call.trackingNumberId(), buyerId);
    }

    private static List<Webhook> matching(List<Webhook> candidates, Trigger trigger, TagSet tags) {
        return candidates.stream()
                .filter(w -> w.trigger() == trigger
                        && w.disabled().isEmpty()
                        && w.matches().matches(tags))
                .toList();
    }

    private static WebhookDispatcher.Context context(Call call, LiveCall live, TagSet tags) {
        return new WebhookDispatcher.Context(
                call.accountId(), Optional.of(call.id()), call.uuid(), live.callKey(), tags, call.durationSeconds());
    }

    @Override
    public void close() {
        background.close();
    }
}
