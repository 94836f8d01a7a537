package org.switchboard.webhook;

import java.util.List;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;

/**
 * The lock of a tracking number's webhooks: unlocking copies the campaign's webhooks onto the number (which then uses
 * its own), locking drops them (the number uses its campaign's again). The API's routes and the console's lock icon
 * both come through here. A number the account does not have is not found.
 */
public final class NumberWebhookLock {
    private final WebhookRepository webhooks;
    private final WebhookRoutes.NumberLocks numbers;

    public NumberWebhookLock(WebhookRepository webhooks, WebhookRoutes.NumberLocks numbers) {
        this.webhooks = webhooks;
        this.numbers = numbers;
    }

    /** Unlocks (copying the campaign's webhooks the first time); the number's own webhooks after. */
    public List<Webhook> unlock(AccountId account, long numberId) {
        long campaign = numbers.campaignOf(account, numberId)
                .orElseThrow(() -> new Problem.NotFound("no tracking number with id " + numberId));
        if (!numbers.unlocked(account, numberId)) {
            webhooks.copy(account, Webhook.Owner.CAMPAIGN, campaign, Webhook.Owner.NUMBER, numberId);
            numbers.setUnlocked(account, numberId, true);
        }
        return webhooks.ofOwner(account, Webhook.Owner.NUMBER, numberId);
    }

    /** Locks: the number's own webhooks are deleted and its campaign's apply again. */
    public void lock(AccountId account, long numberId) {
        if (numbers.campaignOf(account, numberId).isEmpty()) {
            throw new Problem.NotFound("no tracking number with id " + numberId);
        }
        webhooks.deleteOwnedBy(account, Webhook.Owner.NUMBER, numberId);
        numbers.setUnlocked(account, numberId, false);
    }
}
