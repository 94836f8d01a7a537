package org.switchboard.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagFilter;

/** The editable fields of a webhook, checked; every template is parsed so a bad token is refused at save. */
record WebhookIn(
        String name,
        Trigger trigger,
        Optional<Integer> timerSeconds,
        TagFilter matches,
        String method,
        String url,
        Map<String, String> headers,
        Optional<String> body,
        Webhook.BodyFormat bodyFormat,
        Duration timeout,
        boolean signed,
        Optional<List<Integer>> retrySchedule,
        boolean enabled) {
    static final int DEFAULT_TIMEOUT_MS = 5_000;
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

    /** The fields of a stored webhook, to copy it. */
    static WebhookIn of(Webhook w) {
        return new WebhookIn(
                w.name(),
                w.trigger(),
                w.timerSeconds(),
                w.matches(),
                w.method(),
                w.url(),
                w.headers(),
                w.body(),
                w.bodyFormat(),
                w.timeout(),
                w.sealedSigningSecret().isPresent(),
                w.retrySchedule(),
                w.disabled().isEmpty());
    }

    static WebhookIn parse(ObjectNode node) {
        JsonFields fields = new JsonFields(
                node,
                "id",
                "owner_type",
                "owner_id",
                "created_at",
                "updated_at",
                "signing_secret",
                "warnings",
                "disabled_at",
                "disabled_reason",
                "health");
        String name = fields.requiredText("name", 200);
        Trigger trigger = trigger(fields);
        Optional<Integer> timer = timerSeconds(fields, trigger);
        TagFilter matches = TagFilter.parse("matches", fields.take("matches").orElse(null));
        String method = fields.optionalText("method", 8).orElse("GET").toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new Problem.Invalid("method", "must be GET or POST");
        }
        String url = url(fields);
        Map<String, String> headers = headers(fields.take("headers"));
        Webhook.BodyFormat format = bodyFormat(fields);
        Optional<String> body = body(fields, format, method);
        int timeoutMs = fields.integer("timeout_ms", DEFAULT_TIMEOUT_MS, 100, 30_000);
        boolean signed = fields.bool("signed", false);
        Optional<List<Integer>> schedule = retrySchedule(fields.take("retry_schedule"));
        boolean enabled = fields.bool("enabled", true);
        fields.finish();
        return new WebhookIn(
                name,
                trigger,
                timer,
                matches,
                method,
                url,
                headers,
                body,
                format,
                Duration.ofMillis(timeoutMs),
                signed,
                schedule,
                enabled);
    }

    private static Trigger trigger(JsonFields fields) {
        String triggerWord = fields.requiredText("trigger", 24);
        return Trigger.fromWord(triggerWord)
                .orElseThrow(() -> new Problem.Invalid(
                        "trigger",
                        "must be one of "
                                + String.join(
                                        ", ",
                                        Arrays.stream(Trigger.values())
                                                .map(Trigger::word)
                                                .toList())));
    }

    /** Seconds after the call a timer webhook fires; required for a timer webhook, refused for any other. */
    private static Optional<Integer> timerSeconds(JsonFields fields, Trigger trigger) {
        Optional<Integer> timer = fields.optionalInteger("timer_seconds", 1, 86_400);
        if (trigger == Trigger.TIMER && timer.isEmpty()) {
            throw new Problem.Invalid("timer_seconds", "is required for a timer webhook");
        }
        if (trigger != Trigger.TIMER && timer.isPresent()) {
            throw new Problem.Invalid("timer_seconds", "is only for timer webhooks");
        }
        return timer;
    }

    /** The URL template: parsed, and with every token rendered as "x" a URL the client can request. */
    private static String url(JsonFields fields) {
        String url = fields.requiredText("url", 4_000);
        Template.parse("url", url);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new Problem.Invalid("url", "must start with http:// or https://");
        }
        try {
            var sample = URI.create(Template.parse("url", url)
                    .render(token -> Optional.of("x"), Template.Escaping.URL, new HashSet<>()));
            OutboundHttp.httpUrlProblem(sample).ifPresent(problem -> {
                throw new Problem.Invalid("url", problem);
            });
        } catch (IllegalArgumentException e) {
            throw new Problem.Invalid("url", "is not a valid URL (spaces and some characters must be encoded)");
        }
        return url;
    }

    private static Webhook.BodyFormat bodyFormat(JsonFields fields) {
        return fields.optionalText("body_format", 8)
                .map(word -> switch (word.toLowerCase(Locale.ROOT)) {
                    case "json" -> Webhook.BodyFormat.JSON;
                    case "form" -> Webhook.BodyFormat.FORM;
                    case "none" -> Webhook.BodyFormat.NONE;
                    default -> throw new Problem.Invalid("body_format", "must be json, form or none");
                })
                .orElse(Webhook.BodyFormat.NONE);
    }

    /** The body template, blank meaning none; only a POST with a json or form format sends one. */
    private static Optional<String> body(JsonFields fields, Webhook.BodyFormat format, String method) {
        Optional<String> body = fields.take("body")
                .map(value -> {
                    if (!value.isTextual()) {
                        throw new Problem.Invalid("body", "must be a string (a template)");
                    }
                    return value.asText();
                })
                .filter(text -> !text.isBlank());
        if (body.isPresent() && format == Webhook.BodyFormat.NONE) {
            throw new Problem.Invalid("body_format", "must be json or form when a body is given");
        }
        if (body.isPresent() && method.equals("GET")) {
            throw new Problem.Invalid("body", "a GET webhook sends no body; use POST");
        }
        body.ifPresent(text -> checkBody(format, text));
        return body;
    }

    /** Seconds between attempts of a delivery: at most 20 waits of 1 to 86400 s; null or absent: the default. */
    private static Optional<List<Integer>> retrySchedule(Optional<JsonNode> node) {
        if (node.isEmpty() || node.get().isNull()) {
            return Optional.empty();
        }
        String rule = "must be an array of at most " + RetrySchedule.MAX_RETRIES + " waits in seconds, each 1 to "
                + RetrySchedule.MAX_WAIT_SECONDS;
        if (!node.get().isArray() || node.get().size() > RetrySchedule.MAX_RETRIES) {
            throw new Problem.Invalid("retry_schedule", rule);
        }
        List<Integer> waits = new ArrayList<>();
        for (JsonNode wait : node.get()) {
            if (!wait.isIntegralNumber() || wait.asLong() < 1 || wait.asLong() > RetrySchedule.MAX_WAIT_SECONDS) {
                throw new Problem.Invalid("retry_schedule", rule);
            }
            waits.add(wait.asInt());
        }
        return Optional.of(List.copyOf(waits));
    }

    private static Map<String, String> headers(Optional<JsonNode> node) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (node.isEmpty()) {
            return headers;
        }
        if (!node.get().isObject()) {
            throw new Problem.Invalid("headers", "must be an object of header names to templates");
        }
        for (var entry : node.get().properties()) {
            if (!HEADER_NAME.matcher(entry.getKey()).matches()) {
                throw new Problem.Invalid("headers", "'" + entry.getKey() + "' is not a header name");
            }
            if (!entry.getValue().isTextual()) {
                throw new Problem.Invalid("headers", entry.getKey() + " must be a string");
            }
            String template = entry.getValue().asText();
            if (template.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                throw new Problem.Invalid(
                        "headers", entry.getKey() + " may hold only printable ASCII (no line breaks)");
            }
            Template.parse("headers." + entry.getKey(), template);
            headers.put(entry.getKey(), entry.getValue().asText());
        }
        if (headers.size() > 30) {
            throw new Problem.Invalid("headers", "at most 30 headers");
        }
        return headers;
    }

    /** A JSON body must be JSON (tokens live inside its strings); a form body is a template. */
    private static void checkBody(Webhook.BodyFormat format, String text) {
        if (text.length() > 100_000) {
            throw new Problem.Invalid("body", "must be at most 100000 characters");
        }
        if (format == Webhook.BodyFormat.FORM) {
            Template.parse("body", text);
            return;
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new Problem.Invalid("body", "is not valid JSON; put tokens inside strings, e.g. \"[caller_number]\"");
        }
        BodyRenderer.checkStrings(json, "body");
    }
}
