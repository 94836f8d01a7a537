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
        Instant updatedAt) {

    public enum Owner {
        COMPANY,
        CAMPAIGN,
        BUYER,
        NUMBER;

        public String stored() {
            return name().toLowerCase(java.util.Locale.ROOT);
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
