package org.switchboard.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.switchboard.number.TrackingNumber;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.platform.config.ConfigCache;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.id.AccountId;

/**
 * Every webhook that could fire for a call: its tracking number's own when the number's webhooks are unlocked, else
 * its campaign's; plus its buyer's. Read at every call's start (once per stage), before every dial and for every
 * conversion postback, so served from memory, kept current by the configuration changes ({@link ConfigChanges}) here
 * and, through Redis, on every node: a change of a campaign, buyer or number drops its list (and a number's lock),
 * a change of a webhook drops every list holding it, and when changes may have been missed everything is dropped.
 * Every webhook write announces its owner too, so a new webhook reaches its owner's list. At most {@value #CACHED}
 * owners' lists and {@value #CACHED} numbers' locks are held; beyond that each starts again empty. {@code maxAge} is
 * a safety net for a change that never arrived.
 */
public final class WebhookCandidates {
    static final int CACHED = 10_000;

    /** The webhooks of one owner, a key of the cache. */
    private record OwnerKey(AccountId account, Webhook.Owner owner, long ownerId) {}

    /** One tracking number, whose lock says whose webhooks its calls fire. */
    private record NumberKey(AccountId account, long numberId) {}

    private final WebhookRepository webhooks;
    private final TrackingNumberRepository numbers;
    private final ConfigCache<OwnerKey, List<Webhook>> ownerToWebhooks;
    /** Whether the number's webhooks are unlocked; false also for a number that is gone (its campaign's fire). */
    private final ConfigCache<NumberKey, Boolean> numberToUnlocked;

    public WebhookCandidates(
            WebhookRepository webhooks,
            TrackingNumberRepository numbers,
            ConfigChanges changes,
            Duration maxAge,
            Clock clock) {
        this.webhooks = webhooks;
        this.numbers = numbers;
        this.ownerToWebhooks = new ConfigCache<>(list -> false, CACHED, 0, maxAge, clock, WebhookCandidates::refresh);
        this.numberToUnlocked = new ConfigCache<>(lock -> false, CACHED, 0, maxAge, clock, WebhookCandidates::refresh);
        changes.listen(new ConfigChanges.Listener() {
            @Override
            public void changed(ConfigChange change) {
                drop(change);
            }

            @Override
            public void everythingMayHaveChanged() {
                ownerToWebhooks.clear();
                numberToUnlocked.clear();
            }
        });
    }

    private static void refresh(Runnable task) {
        Thread.ofVirtual().name("webhook-candidates-refresh").start(task);
    }

    private void drop(ConfigChange change) {
        switch (change.kind()) {
            case CAMPAIGN ->
                ownerToWebhooks.remove(new OwnerKey(change.account(), Webhook.Owner.CAMPAIGN, change.id()));
            case BUYER -> ownerToWebhooks.remove(new OwnerKey(change.account(), Webhook.Owner.BUYER, change.id()));
            case TRACKING_NUMBER -> {
                numberToUnlocked.remove(new NumberKey(change.account(), change.id()));
                ownerToWebhooks.remove(new OwnerKey(change.account(), Webhook.Owner.NUMBER, change.id()));
            }
            // its owner's change comes with it; a list that holds it goes too, whatever came with it
            case WEBHOOK ->
                ownerToWebhooks.removeIf((owner, list) -> list.stream().anyMatch(w -> w.id() == change.id()));
            default -> {
                // a company's webhooks are copied into campaigns, never fired from the company; nothing else holds any
            }
        }
    }

    /** The call's candidates: its number's (if unlocked) or campaign's webhooks, then {@code buyerId}'s. */
    public List<Webhook> of(AccountId account, long campaignId, long numberId, Optional<Long> buyerId) {
        boolean unlocked = numberToUnlocked.get(
                new NumberKey(account, numberId),
                () -> numbers.find(account, numberId)
                        .map(TrackingNumber::webhooksUnlocked)
                        .orElse(false));
        List<Webhook> own = unlocked
                ? ofOwner(account, Webhook.Owner.NUMBER, numberId)
                : ofOwner(account, Webhook.Owner.CAMPAIGN, campaignId);
        if (buyerId.isEmpty()) {
            return own;
        }
        List<Webhook> buyer = ofOwner(account, Webhook.Owner.BUYER, buyerId.get());
        if (buyer.isEmpty()) {
            return own;
        }
        List<Webhook> both = new ArrayList<>(own.size() + buyer.size());
        both.addAll(own);
        both.addAll(buyer);
        return both;
    }

    private List<Webhook> ofOwner(AccountId account, Webhook.Owner owner, long ownerId) {
        return ownerToWebhooks.get(
                new OwnerKey(account, owner, ownerId), () -> List.copyOf(webhooks.ofOwner(account, owner, ownerId)));
    }
}
