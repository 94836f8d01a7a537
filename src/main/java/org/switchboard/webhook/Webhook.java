package org.switchboard.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagFilter;

/**
 * A webhook: when it fires ({@code trigger}, {@code timerSeconds} for timers), for which calls ({@code matches}),
 * and the request it sends, written as templates with {@code [token]} placeholders.
 *
 * @param owner company (defaults copied into new campaigns), campaign, buyer (only calls routed to it) or number
 *     (an unlocked tracking number: its webhooks replace the campaign's)
 * @param body a template; for {@code json} a JSON document whose string values may hold tokens
 * @param sealedSigningSecret the Standard-Webhooks signing secret, sealed under the master key; requests are signed
 *     when present
 * @param retrySchedule seconds between attempts of a post-call delivery; empty: the server's default
 * @param disabled why the webhook fires nothing (410 Gone, sustained failure, its owner), until enabled again
 */
public record Webhook(
        long id,
        AccountId accountId,
        Owner owner,
        long ownerId,
        String name,
        Trigger trigger,
        Optional<Integer> timerSeconds,
        TagFilter matches,
        String method,
        String url,
        Map<String, String> headers,
        Optional<String> body,
        BodyFormat bodyFormat,
        Duration timeout,
        Optional<String> sealedSigningSecret,
        Instant createdAt,
        Instant updatedAt,
        Optional<java.util.List<Integer>> retrySchedule,
        Optional<Disabled> disabled) {

    /** Since when and why a webhook is disabled. */
    public record Disabled(Instant at, String reason) {}

    /** The waits between attempts: the webhook's own, else {@code fallback}. */
    public RetrySchedule schedule(RetrySchedule fallback) {
        return retrySchedule.map(RetrySchedule::ofSeconds).orElse(fallback);
    }

    public enum Owner {
        COMPANY,
        CAMPAIGN,
        BUYER,
        NUMBER;

        public String stored() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The change to the owner {@code ownerId} of this kind (its webhooks changed); the company is the account. */
        public org.switchboard.platform.config.ConfigChange change(
                org.switchboard.platform.id.AccountId account, long ownerId) {
            return switch (this) {
                case COMPANY -> org.switchboard.platform.config.ConfigChange.account(account);
                case CAMPAIGN ->
                    new org.switchboard.platform.config.ConfigChange(
                            org.switchboard.platform.config.ConfigChange.Kind.CAMPAIGN, account, ownerId);
                case BUYER ->
                    new org.switchboard.platform.config.ConfigChange(
                            org.switchboard.platform.config.ConfigChange.Kind.BUYER, account, ownerId);
                case NUMBER ->
                    new org.switchboard.platform.config.ConfigChange(
                            org.switchboard.platform.config.ConfigChange.Kind.TRACKING_NUMBER, account, ownerId);
            };
        }
    }

    public enum BodyFormat {
        NONE,
        JSON,
        FORM;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
