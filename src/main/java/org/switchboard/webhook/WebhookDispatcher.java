package org.switchboard.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.platform.time.Deadline;
import org.switchboard.tag.TagSet;

/**
 * Renders and fires webhooks for one call (or a test fire), in parallel on virtual threads, each within its own
 * timeout and an optional overall deadline; records every request and response as a fired pixel, secrets redacted;
 * reads response tags.
 */
public final class WebhookDispatcher {
    private static final Pattern SECRET_HEADER =
            Pattern.compile("(?i).*(auth|token|secret|key|signature|cookie|password|session).*");
    private static final String REDACTED = "[redacted]";

    private final OutboundHttp http;
    private final FiredPixelRepository pixels;
    private final SecretBox secrets;
    private final Clock clock;
    private final WebhookMetrics metrics;

    public WebhookDispatcher(
            OutboundHttp http, FiredPixelRepository pixels, SecretBox secrets, Metrics metrics, Clock clock) {
        this.http = http;
        this.pixels = pixels;
        this.secrets = secrets;
        this.metrics = new WebhookMetrics(metrics);
        this.clock = clock;
    }

    /** What tokens are rendered from. {@code callKey} is only known while the call is live. */
    public record Context(
            AccountId account,
            Optional<Long> callId,
            String callUuid,
            Optional<String> callKey,
            TagSet tags,
            Optional<Integer> durationSeconds) {

        /**
         * The value of a token: the system values {@code call_uuid}, {@code call_key}, {@code call_duration}; else the
         * call's tag of that name (several values joined by commas), which covers {@code caller_number},
         * {@code caller_id}, {@code publisher_id}, {@code source_id}, {@code campaign_id}, {@code handler_id},
         * {@code caller_zip}, {@code caller_state}, {@code payout}, {@code revenue} and any other tag.
         */
        Optional<String> value(String token) {
            return switch (token) {
                case "call_uuid" -> Optional.of(callUuid);
                case "call_key" -> callKey;
                case "call_duration" -> durationSeconds.map(String::valueOf);
                default -> {
                    Set<String> values = tags.values(token);
                    yield values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
                }
            };
        }
    }

    /** A fired webhook: its record and the tags its response gave. */
    public record Fired(Webhook webhook, FiredPixel pixel, TagSet responseTags) {}

    /**
     * Fires {@code webhooks} together (each recorded under its own trigger); returns when all are done or the deadline
     * has passed for all of them.
     */
    public List<Fired> fire(Context context, List<Webhook> webhooks, Optional<Deadline> deadline, boolean testFire) {
        return fire(context, webhooks, deadline, testFire, true);
    }

    /**
     * Fires {@code webhooks} for an RTB ping: like a call's, but not kept as fired pixels (there is no call yet, and
     * the ping path writes no SQL); the RTB log keeps what they answered.
     */
    public List<Fired> fireForPing(Context context, List<Webhook> webhooks, Deadline deadline) {
        return fire(context, webhooks, Optional.of(deadline), false, false);
    }

    private List<Fired> fire(
            Context context, List<Webhook> webhooks, Optional<Deadline> deadline, boolean testFire, boolean record) {
        if (webhooks.isEmpty()) {
            return List.of();
        }
        if (webhooks.size() == 1) {
            return List.of(fireOne(context, webhooks.getFirst(), deadline, testFire, record));
        }
        List<Fired> fired = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Fired>> futures = new ArrayList<>();
            for (Webhook webhook : webhooks) {
                futures.add(threads.submit(() -> fireOne(context, webhook, deadline, testFire, record)));
            }
            for (Future<Fired> future : futures) {
                try {
                    fired.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a webhook failed unexpectedly", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return fired;
    }

    Fired fireOne(Context context, Webhook webhook, Optional<Deadline> deadline, boolean testFire) {
        return fireOne(context, webhook, deadline, testFire, true);
    }

    private Fired fireOne(
            Context context, Webhook webhook, Optional<Deadline> deadline, boolean testFire, boolean record) {
        Sent sent = exchange(context, webhook, deadline, testFire, Optional.empty());
        long id = record ? pixels.insert(sent.pixel()) : 0;
        return new Fired(webhook, withId(sent.pixel(), id), sent.responseTags());
    }

    /** One request and what came back: its pixel (not stored yet), the tags it gave, and the raw result. */
    record Sent(FiredPixel pixel, TagSet responseTags, OutboundHttp.Result result) {}

    /**
     * One attempt of a delivery: the request as {@link #fire} sends it, signed (when the webhook is) with the
     * delivery's {@code messageId} as {@code webhook-id} and this attempt's timestamp; the pixel is returned for the
     * caller to store with the delivery's new state.
     */
    Sent attempt(Context context, Webhook webhook, String messageId) {
        return exchange(context, webhook, Optional.empty(), false, Optional.of(messageId));
    }

    private Sent exchange(
            Context context,
            Webhook webhook,
            Optional<Deadline> deadline,
            boolean testFire,
            Optional<String> messageId) {
        Rendered rendered = render(context, webhook);
        Map<String, String> headers = new LinkedHashMap<>(rendered.headers());
        Optional<String> body = rendered.body();
        webhook.sealedSigningSecret()
                .ifPresent(stored -> sign(
                        secrets.open(stored),
                        messageId.orElseGet(WebhookDispatcher::newMessageId),
                        body.orElse(""),
                        headers));
        Duration timeout =
                deadline.map(d -> min(webhook.timeout(), d.remaining())).orElse(webhook.timeout());
        OutboundHttp.Result result = http.send(new OutboundHttp.Request(
                webhook.method(),
                rendered.url(),
                headers,
                body.map(b -> b.getBytes(StandardCharsets.UTF_8)),
                rendered.contentType(),
                timeout.isZero() ? Duration.ofMillis(1) : timeout));
        metrics.fired(
                webhook.trigger(),
                result.status(),
                result.error(),
                result.elapsed().toNanos());
        // a receiver may echo the call key back: it is redacted from what is kept and from the tags the call takes
        String responseBody = clean(redact(new String(result.body(), StandardCharsets.UTF_8), context));
        TagSet responseTags =
                result.error().isEmpty() && result.status().filter(s -> s < 300).isPresent()
                        ? ResponseTags.parse(responseBody.getBytes(StandardCharsets.UTF_8))
                        : TagSet.empty();
        FiredPixel pixel =
                pixel(context, webhook, testFire, rendered, headers, new Answer(result, responseBody, responseTags));
        return new Sent(pixel, responseTags, result);
    }

    /** What came back for a request: the raw result, its body as kept (redacted), and the tags it gave. */
    private record Answer(OutboundHttp.Result result, String body, TagSet tags) {}

    /**
     * The record of one request sent ({@code headers} as sent, signature included) and its answer, with the call
     * key and secret headers redacted; not stored yet (id 0).
     */
    private static FiredPixel pixel(
            Context context,
            Webhook webhook,
            boolean testFire,
            Rendered rendered,
            Map<String, String> headers,
            Answer answer) {
        OutboundHttp.Result result = answer.result();
        Map<String, String> storedHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> storedHeaders.put(
                name, SECRET_HEADER.matcher(name).matches() ? REDACTED : clean(redact(value, context))));
        rendered.contentType().ifPresent(type -> storedHeaders.put("Content-Type", type));
        return new FiredPixel(
                0,
                context.account(),
                context.callId(),
                webhook.id(),
                webhook.name(),
                webhook.trigger(),
                testFire,
                webhook.method(),
                clean(redact(rendered.url(), context)),
                storedHeaders,
                rendered.body().map(b -> clean(redact(b, context))),
                result.status(),
                storedResponseHeaders(result.headers(), context),
                answer.body().isEmpty() ? Optional.empty() : Optional.of(answer.body()),
                result.startedAt(),
                result.elapsed().toMillis(),
                result.error().map(kind -> kind.name().toLowerCase(Locale.ROOT)),
                result.error().map(kind -> result.errorDetail()),
                List.copyOf(new LinkedHashSet<>(rendered.missingTokens())),
                answer.tags(),
                Optional.empty());
    }

    /** The response's headers as kept: secret ones redacted, the call key taken out of the rest. */
    private static Map<String, List<String>> storedResponseHeaders(
            Map<String, List<String>> received, Context context) {
        Map<String, List<String>> stored = new LinkedHashMap<>();
        received.forEach((name, values) -> stored.put(
                name,
                values.stream()
                        .map(v -> SECRET_HEADER.matcher(name).matches() ? REDACTED : clean(redact(v, context)))
                        .toList()));
        return stored;
    }

    /** A Standard-Webhooks message id: {@code msg_} and 32 hex digits. */
    static String newMessageId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The request a webhook would send for a call, before signing: what the console's preview shows. */
    public record Rendered(
            String method,
            String url,
            Map<String, String> headers,
            Optional<String> body,
            Optional<String> contentType,
            List<String> missingTokens) {}

    /** Renders {@code webhook}'s templates with the call's values, firing nothing. Pure. */
    public static Rendered render(Context context, Webhook webhook) {
        Set<String> missing = new LinkedHashSet<>();
        Function<String, Optional<String>> values = context::value;
        String url = Template.parse("url", webhook.url()).render(values, Template.Escaping.URL, missing);
        Map<String, String> headers = new LinkedHashMap<>();
        webhook.headers()
                .forEach((name, template) -> headers.put(
                        name, Template.parse("headers", template).render(values, Template.Escaping.HEADER, missing)));
        Optional<String> body = webhook.body().map(b -> BodyRenderer.render(webhook.bodyFormat(), b, values, missing));
        Optional<String> contentType = body.map(b -> webhook.bodyFormat() == Webhook.BodyFormat.JSON
                ? "application/json"
                : "application/x-www-form-urlencoded");
        return new Rendered(webhook.method(), url, headers, body, contentType, List.copyOf(missing));
    }

    /**
     * Standard-Webhooks headers: {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} =
     * {@code v1,} base64 HMAC-SHA256 of {@code id.timestamp.body}, keyed with the secret's base64 bytes.
     */
    private void sign(String secret, String id, String body, Map<String, String> headers) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            byte[] signature = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            headers.put("webhook-id", id);
            headers.put("webhook-timestamp", timestamp);
            headers.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(signature));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }

    /** Text the store can keep on every engine: PostgreSQL refuses NUL characters in text. */
    private static String clean(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    /** The call key is a bearer secret: it never reaches the fired-pixel record. */
    private static String redact(String text, Context context) {
        return context.callKey()
                .filter(key -> !key.isEmpty())
                .map(key -> text.replace(key, REDACTED))
                .orElse(text);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static FiredPixel withId(FiredPixel p, long id) {
        return new FiredPixel(
                id,
                p.accountId(),
                p.callId(),
                p.webhookId(),
                p.webhookName(),
                p.trigger(),
                p.testFire(),
                p.method(),
                p.url(),
                p.requestHeaders(),
                p.requestBody(),
                p.status(),
                p.responseHeaders(),
                p.responseBody(),
                p.startedAt(),
                p.elapsedMillis(),
                p.errorKind(),
                p.errorDetail(),
                p.missingTokens(),
                p.tagsApplied(),
                p.deliveryId());
    }
}
