package org.switchboard.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.tag.PartyTerms;
import org.switchboard.tag.TagSet;

/**
 * Webhooks through the admin API.
 *
 * <pre>
 * /api/v2/webhooks                                   company defaults (copied into each new campaign): GET, POST
 * /api/v2/{campaigns|buyers|numbers}/{id}/webhooks   one owner's webhooks: GET, POST (a number must be unlocked)
 * /api/v2/webhooks/{id}                              any webhook of the account: GET, PUT/PATCH, DELETE
 * /api/v2/webhooks/{id}/test_fire                    POST {"buyer_id", "publisher_id", "tags"}: fire with a sample call
 * /api/v2/webhooks/{id}/replay                       POST: replay failed deliveries ({@link DeliveryRoutes})
 * /api/v2/numbers/{id}/unlock_webhooks               POST: copy the campaign's webhooks onto the number
 * /api/v2/numbers/{id}/lock_webhooks                 POST: drop the number's own webhooks
 * </pre>
 */
public final class WebhookRoutes {
    private final WebhookRepository webhooks;
    private final WebhookDispatcher dispatcher;
    private final Function<ServerRequest, AccountId> auth;
    private final SecretBox secrets;
    private final PartyTerms parties;
    private final FiredPixelRepository pixels;
    private final DeliveryRepository deliveries;

    public WebhookRoutes(
            WebhookRepository webhooks,
            WebhookDispatcher dispatcher,
            Function<ServerRequest, AccountId> auth,
            SecretBox secrets,
            PartyTerms parties,
            FiredPixelRepository pixels,
            DeliveryRepository deliveries) {
        this.pixels = pixels;
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.dispatcher = dispatcher;
        this.auth = auth;
        this.secrets = secrets;
        this.parties = parties;
    }

    record WebhookOut(
            long id,
            String ownerType,
            @Nullable Long ownerId,
            String name,
            String trigger,
            @Nullable Integer timerSeconds,
            List<String> matches,
            String method,
            String url,
            Map<String, String> headers,
            @Nullable String body,
            String bodyFormat,
            long timeoutMs,
            boolean signed,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            @Nullable
            String signingSecret,

            String createdAt,
            String updatedAt,
            @Nullable List<Integer> retrySchedule,
            boolean enabled,
            @Nullable String disabledAt,
            @Nullable String disabledReason,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            @Nullable
            HealthOut health) {
        static WebhookOut of(Webhook w) {
            return of(w, null, null);
        }

        /**
         * With {@code secret} only in the response that created it: it is not shown again; with its {@code health}
         * where it was computed.
         */
        static WebhookOut of(Webhook w, @Nullable String secret, @Nullable HealthOut health) {
            return new WebhookOut(
                    w.id(),
                    w.owner().stored(),
                    w.owner() == Webhook.Owner.COMPANY ? null : w.ownerId(),
                    w.name(),
                    w.trigger().word(),
                    w.timerSeconds().orElse(null),
                    w.matches().asStrings(),
                    w.method(),
                    w.url(),
                    w.headers(),
                    w.body().orElse(null),
                    w.bodyFormat().word(),
                    w.timeout().toMillis(),
                    w.sealedSigningSecret().isPresent(),
                    secret,
                    w.createdAt().toString(),
                    w.updatedAt().toString(),
                    w.retrySchedule().orElse(null),
                    w.disabled().isEmpty(),
                    w.disabled().map(d -> d.at().toString()).orElse(null),
                    w.disabled().map(Webhook.Disabled::reason).orElse(null),
                    health);
        }
    }

    /** A webhook's requests over the last 24 hours (test fires aside): success rate and latency. */
    public record HealthOut(
            @JsonProperty("attempts_24h") long attempts24h,
            @JsonProperty("succeeded_24h") long succeeded24h,
            @JsonProperty("success_rate_24h") @Nullable Double successRate24h,
            @Nullable Long latencyMedianMs,
            @JsonProperty("latency_p95_ms") @Nullable Long latencyP95Ms) {
        static HealthOut of(FiredPixelRepository.Health h) {
            return new HealthOut(
                    h.attempts(),
                    h.succeeded(),
                    h.attempts() == 0 ? null : Math.round(10_000.0 * h.succeeded() / h.attempts()) / 10_000.0,
                    h.medianMillis().orElse(null),
                    h.p95Millis().orElse(null));
        }
    }

    /** A webhook's health over the last 24 hours: the API's {@code health} field, for the console too. */
    public HealthOut health(Webhook w) {
        return HealthOut.of(
                pixels.health(w.accountId(), w.id(), java.time.Instant.now().minus(java.time.Duration.ofDays(1))));
    }

    /** The webhook as answered, with its health. */
    private WebhookOut out(Webhook w, @Nullable String secret) {
        return WebhookOut.of(w, secret, health(w));
    }

    /** Applies {@code enabled}: enabling clears a disable (410, sustained failure); disabling cancels deliveries. */
    private Webhook applyEnabled(Webhook w, boolean enabled) {
        if (enabled && w.disabled().isPresent()) {
            webhooks.enable(w.accountId(), w.id());
        } else if (!enabled && w.disabled().isEmpty()) {
            webhooks.disable(w.accountId(), w.id(), "disabled by its owner");
            deliveries.cancelForWebhook(w.accountId(), w.id(), "the webhook was disabled by its owner");
        } else {
            return w;
        }
        return webhooks.find(w.accountId(), w.id()).orElseThrow();
    }

    /** How a number's webhooks are unlocked: whether it is, and how to change it. */
    public interface NumberLocks {
        /** The number's campaign id, or empty when the account has no such number. */
        Optional<Long> campaignOf(AccountId account, long numberId);

        boolean unlocked(AccountId account, long numberId);

        void setUnlocked(AccountId account, long numberId, boolean unlocked);
    }

    public void register(
            HttpRules rules,
            BiPredicate<AccountId, Long> campaignExists,
            BiPredicate<AccountId, Long> buyerExists,
            NumberLocks numbers) {
        rules.get("/api/v2/webhooks", (req, res) -> list(req, res, Webhook.Owner.COMPANY, 0));
        rules.post("/api/v2/webhooks", (req, res) -> create(req, res, auth.apply(req), Webhook.Owner.COMPANY, 0));
        ownerRoutes(rules, "campaigns", Webhook.Owner.CAMPAIGN, campaignExists);
        ownerRoutes(rules, "buyers", Webhook.Owner.BUYER, buyerExists);
        ownerRoutes(rules, "numbers", Webhook.Owner.NUMBER, (account, id) -> {
            if (numbers.campaignOf(account, id).isEmpty()) {
                return false;
            }
            if (!numbers.unlocked(account, id)) {
                throw new Problem.Conflict(
                        null, "tracking number " + id + " uses its campaign's webhooks; unlock its webhooks first");
            }
            return true;
        });
        rules.get("/api/v2/webhooks/{id}", (req, res) -> Http.ok(res, out(require(req), null)));
        Handler update = (req, res) -> {
            Webhook existing = require(req);
            Saved saved = update(existing, Http.jsonObject(req));
            Http.ok(res, Http.withWarnings(out(saved.webhook(), saved.secret().orElse(null)), saved.warnings()));
        };
        rules.put("/api/v2/webhooks/{id}", update);
        rules.patch("/api/v2/webhooks/{id}", update);
        rules.delete("/api/v2/webhooks/{id}", (req, res) -> {
            delete(require(req));
            Http.noContent(res);
        });
        rules.post("/api/v2/webhooks/{id}/test_fire", (req, res) -> {
            Webhook webhook = require(req);
            Http.ok(res, FiredPixelRoutes.PixelOut.of(testFire(webhook, req)));
        });
        var lock = new NumberWebhookLock(webhooks, numbers);
        rules.post("/api/v2/numbers/{id}/unlock_webhooks", (req, res) -> {
            AccountId account = auth.apply(req);
            long id = Http.pathId(req, "id", "tracking number");
            Http.ok(res, lock.unlock(account, id).stream().map(WebhookOut::of).toList());
        });
        rules.post("/api/v2/numbers/{id}/lock_webhooks", (req, res) -> {
            AccountId account = auth.apply(req);
            lock.lock(account, Http.pathId(req, "id", "tracking number"));
            Http.noContent(res);
        });
    }

    private void ownerRoutes(
            HttpRules rules, String collection, Webhook.Owner owner, BiPredicate<AccountId, Long> exists) {
        String path = "/api/v2/" + collection + "/{owner_id}/webhooks";
        String what = collection.substring(0, collection.length() - 1);
        rules.get(path, (req, res) -> {
            AccountId account = auth.apply(req);
            long ownerId = owner(req, account, exists, what);
            PageRequest page = Http.pageRequest(req);
            Http.page(
                    req, res, page, webhooks.list(account, owner, ownerId, page).map(w -> out(w, null)));
        });
        rules.post(path, (req, res) -> {
            AccountId account = auth.apply(req);
            create(req, res, account, owner, owner(req, account, exists, what));
        });
    }

    private static long owner(ServerRequest req, AccountId account, BiPredicate<AccountId, Long> exists, String what) {
        long id = Http.pathId(req, "owner_id", what);
        if (!exists.test(account, id)) {
            throw new Problem.NotFound("no " + what + " with id " + id);
        }
        return id;
    }

    private void list(ServerRequest req, io.helidon.webserver.http.ServerResponse res, Webhook.Owner owner, long id) {
        AccountId account = auth.apply(req);
        PageRequest page = Http.pageRequest(req);
        Http.page(req, res, page, webhooks.list(account, owner, id, page).map(w -> out(w, null)));
    }

    private void create(
            ServerRequest req,
            io.helidon.webserver.http.ServerResponse res,
            AccountId account,
            Webhook.Owner owner,
            long ownerId) {
        Saved saved = create(account, owner, ownerId, Http.jsonObject(req));
        Http.created(
                res,
                "/api/v2/webhooks/" + saved.webhook().id(),
                Http.withWarnings(out(saved.webhook(), saved.secret().orElse(null)), saved.warnings()));
    }

    /**
     * A webhook saved: with its signing secret when this save made one (shown once), and the warnings about party
     * terms of its matches that name no party yet.
     */
    public record Saved(Webhook webhook, Optional<String> secret, List<String> warnings) {}

    /**
     * Creates a webhook from the API's JSON fields (the console's forms send the same): the one place they are
     * checked. The owner must exist (the caller checks); a 400 names the field at fault.
     */
    public Saved create(AccountId account, Webhook.Owner owner, long ownerId, ObjectNode body) {
        List<String> warnings = parties.normalize(account, body, "matches");
        WebhookIn in = WebhookIn.parse(body);
        checkOwner(in, owner);
        Optional<String> secret = in.signed() ? Optional.of(newSigningSecret()) : Optional.empty();
        Webhook created =
                applyEnabled(webhooks.insert(account, owner, ownerId, in, secret.map(secrets::seal)), in.enabled());
        return new Saved(created, secret, warnings);
    }

    /** Updates {@code existing} with the fields given, laid over its current ones; checked as a create. */
    public Saved update(Webhook existing, ObjectNode changes) {
        ObjectNode merged = (ObjectNode) Json.tree(WebhookOut.of(existing));
        changes.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        List<String> warnings = parties.normalize(existing.accountId(), merged, "matches");
        WebhookIn in = WebhookIn.parse(merged);
        checkOwner(in, existing.owner());
        Optional<String> fresh = in.signed() && existing.sealedSigningSecret().isEmpty()
                ? Optional.of(newSigningSecret())
                : Optional.empty();
        Optional<String> kept =
                in.signed() ? fresh.map(secrets::seal).or(existing::sealedSigningSecret) : Optional.empty();
        Webhook updated = applyEnabled(webhooks.update(existing.accountId(), existing.id(), in, kept), in.enabled());
        return new Saved(updated, fresh, warnings);
    }

    /** A {@code webhook_disabled} webhook is the account's own: a company webhook, never a call's. */
    private static void checkOwner(WebhookIn in, Webhook.Owner owner) {
        if (in.trigger() == Trigger.WEBHOOK_DISABLED && owner != Webhook.Owner.COMPANY) {
            throw new Problem.Invalid(
                    "trigger", "webhook_disabled is the account's own webhook: create it under /api/v2/webhooks");
        }
    }

    /** Checks the fields as a save would, saving nothing (the console's live validation); a 400 names the field. */
    public void check(AccountId account, ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        parties.normalize(account, copy, "matches");
        WebhookIn.parse(copy);
    }

    /** The webhook the fields describe, checked and not saved (id 0): what the console's preview renders. */
    public Webhook draft(AccountId account, Webhook.Owner owner, long ownerId, ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        parties.normalize(account, copy, "matches");
        WebhookIn in = WebhookIn.parse(copy);
        java.time.Instant now = java.time.Instant.EPOCH;
        return new Webhook(
                0,
                account,
                owner,
                ownerId,
                in.name(),
                in.trigger(),
                in.timerSeconds(),
                in.matches(),
                in.method(),
                in.url(),
                in.headers(),
                in.body(),
                in.bodyFormat(),
                in.timeout(),
                Optional.empty(),
                now,
                now,
                in.retrySchedule(),
                Optional.empty());
    }

    /** Unlocks a number's webhooks as the API does: a copy of its campaign's, which the number then owns. */
    public void copyCampaignToNumber(AccountId account, long campaignId, long numberId) {
        webhooks.copy(account, Webhook.Owner.CAMPAIGN, campaignId, Webhook.Owner.NUMBER, numberId);
    }

    /** Locks a number's webhooks again: its own copies go, its campaign's apply. */
    public void dropNumberWebhooks(AccountId account, long numberId) {
        webhooks.deleteOwnedBy(account, Webhook.Owner.NUMBER, numberId);
    }

    /** The webhook as the API writes it (no signing secret): the console's edit guard and audit log compare it. */
    public static ObjectNode wire(Webhook webhook) {
        return (ObjectNode) Json.tree(WebhookOut.of(webhook));
    }

    public Optional<Webhook> find(AccountId account, long id) {
        return webhooks.find(account, id);
    }

    /** The webhooks of one owner (0 for the company's defaults), oldest first. */
    public List<Webhook> ofOwner(AccountId account, Webhook.Owner owner, long ownerId) {
        return webhooks.ofOwner(account, owner, ownerId);
    }

    public void delete(Webhook existing) {
        webhooks.delete(existing.accountId(), existing.id());
    }

    /** A Standard-Webhooks secret: "whsec_" and 24 random bytes in base64. */
    private static String newSigningSecret() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return "whsec_" + java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private Webhook require(ServerRequest req) {
        AccountId account = auth.apply(req);
        long id = Http.pathId(req, "id", "webhook");
        return webhooks.find(account, id).orElseThrow(() -> new Problem.NotFound("no webhook with id " + id));
    }

    /**
     * Fires one webhook with a sample call, as the reference platform's test-fire wizard does: a test caller, the
     * chosen buyer and publisher as system tags, and any tags given. Recorded as a fired pixel marked test_fire. The
     * buyer and the publisher are named by id or by cid (a number or a string) and must be the account's; they tag
     * the sample call as they would a real one ({@code system_buyer_id} the buyer's id, {@code handler_id} its cid,
     * {@code publisher_id}/{@code source_id} the publisher's cid, each cid falling back to the id).
     */
    public FiredPixel testFire(Webhook webhook, ObjectNode body) {
        JsonFields fields = new JsonFields(body);
        Optional<PartyTerms.Party> buyer = party(webhook.accountId(), fields, "buyer_id", PartyTerms.Kind.BUYER);
        Optional<PartyTerms.Party> publisher =
                party(webhook.accountId(), fields, "publisher_id", PartyTerms.Kind.PUBLISHER);
        TagSet given = TagSet.parse("tags", fields.take("tags").orElse(null));
        fields.finish();
        TagSet.Builder tags = TagSet.builder()
                .add("caller_number", "+12025550143")
                .add("caller_id", "+12025550143")
                .add("caller_state", "DC")
                .add("caller_zip", "20500")
                .add("geo", "us")
                .add("geo", "us-dc")
                .add("test_fire", "true");
        if (webhook.owner() == Webhook.Owner.CAMPAIGN) {
            tags.add("campaign_id", Long.toString(webhook.ownerId()));
        }
        buyer.ifPresent(b -> tags.add("system_buyer_id", Long.toString(b.id())).add("handler_id", b.cidOrId()));
        publisher.ifPresent(p -> tags.add("publisher_id", p.cidOrId()).add("source_id", p.cidOrId()));
        tags.addAll(given);
        String uuid = "test-" + UUID.randomUUID();
        var context = new WebhookDispatcher.Context(
                webhook.accountId(), Optional.empty(), uuid, Optional.of("testcallkey"), tags.build(), Optional.of(0));
        return dispatcher.fireOne(context, webhook, Optional.empty(), true).pixel();
    }

    /** The test fire of the API's request: its JSON body, or none. */
    private FiredPixel testFire(Webhook webhook, ServerRequest req) {
        return testFire(webhook, req.content().hasEntity() ? Http.jsonObject(req) : Json.MAPPER.createObjectNode());
    }

    /** The account's party named under {@code field} by id (a number or numeric string) or cid; a 400 otherwise. */
    private Optional<PartyTerms.Party> party(AccountId account, JsonFields fields, String field, PartyTerms.Kind kind) {
        return fields.take(field).filter(node -> !node.isNull()).map(node -> {
            if (!node.isTextual() && !node.canConvertToLong()) {
                throw new Problem.Invalid(field, "must be a " + kind.word() + "'s id or cid");
            }
            String named = node.asText().strip();
            return parties.find(account, kind, named)
                    .orElseThrow(() -> new Problem.Invalid(
                            field, "'" + named + "' is no " + kind.word() + " of this account (by id or cid)"));
        });
    }
}
