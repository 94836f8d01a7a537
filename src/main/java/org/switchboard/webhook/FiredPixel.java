package org.switchboard.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * One request a webhook sent and what came back, secrets redacted. {@code missingTokens} lists tokens that had no
 * value (they rendered empty); {@code tagsApplied} the tags the response gave the call; {@code deliveryId} the
 * delivery (of a post-call webhook) this request was an attempt of.
 */
public record FiredPixel(
        long id,
        AccountId accountId,
        Optional<Long> callId,
        long webhookId,
        String webhookName,
        Trigger trigger,
        boolean testFire,
        String method,
        String url,
        Map<String, String> requestHeaders,
        Optional<String> requestBody,
        Optional<Integer> status,
        Map<String, List<String>> responseHeaders,
        Optional<String> responseBody,
        Instant startedAt,
        long elapsedMillis,
        Optional<String> errorKind,
        Optional<String> errorDetail,
        List<String> missingTokens,
        TagSet tagsApplied,
        Optional<Long> deliveryId) {

    /** This pixel as attempt of {@code delivery}. */
    FiredPixel inDelivery(long delivery) {
        return new FiredPixel(
                id,
                accountId,
                callId,
                webhookId,
                webhookName,
                trigger,
                testFire,
                method,
                url,
                requestHeaders,
                requestBody,
                status,
                responseHeaders,
                responseBody,
                startedAt,
                elapsedMillis,
                errorKind,
                errorDetail,
                missingTokens,
                tagsApplied,
                Optional.of(delivery));
    }
}
