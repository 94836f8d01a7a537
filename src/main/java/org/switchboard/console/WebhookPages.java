package org.switchboard.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.webhook.DeliveryWorker;
import org.switchboard.webhook.FiredPixel;
import org.switchboard.webhook.Tokens;
import org.switchboard.webhook.Trigger;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookDispatcher;
import org.switchboard.webhook.WebhookRoutes;

/**
 * Webhooks in the console: the section an entity page embeds ({@code /sections/webhooks?owner=campaign:12}), the
 * editor with its token wizard, tag wizard, live template check and preview for a recent call, and the test-fire
 * wizard. Every save and check goes through {@link WebhookRoutes}, the API's own code.
 */
public final class WebhookPages {
    static final Map<String, FormJson.Kind> FIELDS = fields();

    /** A webhook as its section lists it. */
    public record Row(long id, String name, String trigger, String method, String url, List<String> matches) {
        static Row of(Webhook w) {
            String trigger = w.trigger().word()
                    + w.timerSeconds().map(s -> " (" + s + " s)").orElse("");
            return new Row(
                    w.id(), w.name(), trigger, w.method(), w.url(), w.matches().asStrings());
        }
    }

    /**
     * The section: {@code inherited} when a locked number shows its campaign's webhooks; {@code note} when the owner
     * has no webhooks of its own to show.
     */
    public record Section(
            String csrf,
            OwnerRef owner,
            String ownerName,
            boolean canChange,
            List<Row> rows,
            Optional<String> note,
            boolean lockable,
            boolean unlocked,
            String back) {}

    /** The editor. */
    public record Editor(
            Frame frame,
            OwnerRef owner,
            String ownerName,
            Optional<Long> id,
            Map<String, String> form,
            Map<String, String> errors,
            List<String> triggers,
            TokenList tokens,
            Wizard wizard,
            List<ConfigOwners.Choice> recentCalls,
            Optional<String> signingSecret,
            String back,
            Optional<String> loaded,
            Optional<EditGuard.Conflict> conflict,
            Optional<Condition> condition) {
        public String value(String name) {
            return form.getOrDefault(name, "");
        }
    }

    /**
     * A saved webhook's condition: its health over the last 24 hours (as the API's {@code health}), why it is
     * disabled when it is, and what the last replay queued.
     */
    public record Condition(
            WebhookRoutes.HealthOut health, Optional<Webhook.Disabled> disabled, Optional<String> notice) {
        /** "97.5 %", or "no requests" over the last 24 hours. */
        public String successRate() {
            return health.successRate24h() == null
                    ? "no requests"
                    : String.format(Locale.ROOT, "%.1f %%", 100 * health.successRate24h());
        }

        public String latency() {
            return health.latencyMedianMs() == null
                    ? "–"
                    : health.latencyMedianMs() + " ms median, " + health.latencyP95Ms() + " ms p95";
        }
    }

    /** The token wizard: the system tokens at the trigger and the tag keys seen on recent calls. */
    public record TokenList(String trigger, List<Tokens.Token> system, List<String> tagKeys) {}

    /** The tag wizard: terms naming publishers, buyers and campaigns by name, and tag values seen on recent calls. */
    public record Wizard(
            List<ConfigOwners.Choice> publishers,
            List<ConfigOwners.Choice> buyers,
            List<ConfigOwners.Choice> campaigns,
            List<String> tagValues) {}

    /** The live check: empty when the templates are fine. */
    public record Check(Optional<String> field, Optional<String> problem) {}

    /** A preview of the request for a call. */
    public record Preview(
            Optional<String> callUuid, Optional<WebhookDispatcher.Rendered> rendered, Optional<String> problem) {}

    /** The test-fire wizard, and what the last fire sent and got. */
    public record TestFire(
            Frame frame,
            long id,
            String name,
            String trigger,
            String ownerName,
            OwnerRef owner,
            List<ConfigOwners.Choice> buyers,
            List<ConfigOwners.Choice> publishers,
            Map<String, String> form,
            Map<String, String> errors,
            Optional<FiredPixel> fired) {}

    private final Pages pages;
    private final WebhookRoutes webhooks;
    private final ConfigOwners owners;
    private final CallRepository calls;
    private final AuditLog audit;
    private final DeliveryWorker deliveryWorker;

    public WebhookPages(
            Pages pages,
            WebhookRoutes webhooks,
            ConfigOwners owners,
            CallRepository calls,
            AuditLog audit,
            DeliveryWorker deliveryWorker) {
        this.deliveryWorker = deliveryWorker;
        this.pages = pages;
        this.webhooks = webhooks;
        this.owners = owners;
        this.calls = calls;
        this.audit = audit;
    }

    private static AuditLog.Subject subject(Webhook w) {
        return new AuditLog.Subject("webhook", Long.toString(w.id()), w.name());
    }

    private static Map<String, FormJson.Kind> fields() {
        Map<String, FormJson.Kind> f = new LinkedHashMap<>();
        f.put("name", FormJson.Kind.TEXT);
        f.put("trigger", FormJson.Kind.TEXT);
        f.put("timer_seconds", FormJson.Kind.INTEGER);
        f.put("matches", FormJson.Kind.LINES);
        f.put("method", FormJson.Kind.TEXT);
        f.put("url", FormJson.Kind.TEXT);
        f.put("body_format", FormJson.Kind.TEXT);
        f.put("body", FormJson.Kind.TEXT);
        f.put("timeout_ms", FormJson.Kind.INTEGER);
        f.put("signed", FormJson.Kind.BOOLEAN);
        return f;
    }

    public void register(HttpRules rules) {
        pages.get(
                rules,
                "/sections/webhooks",
                (req, res, who) -> section(req, res, who, OwnerRef.parse(Http.query(req, "owner"))));
        pages.post(
                rules,
                "/sections/webhooks/unlock",
                Pages.Need.CHANGE,
                (req, res, who, form) -> lock(req, res, who, form, true));
        pages.post(
                rules,
                "/sections/webhooks/lock",
                Pages.Need.CHANGE,
                (req, res, who, form) -> lock(req, res, who, form, false));
        pages.post(rules, "/webhooks/check", Pages.Need.SESSION, this::check);
        pages.get(
                rules,
                "/webhooks/tokens",
                (req, res, who) -> pages.render(
                        res,
                        "webhook_tokens.jte",
                        tokens(who.account(), Http.query(req, "trigger").orElse("start"))));
        pages.post(
                rules,
                "/webhooks/preview",
                Pages.Need.SESSION,
                (req, res, who, form) -> pages.render(res, "webhook_preview.jte", preview(who, form)));
        pages.get(rules, "/webhooks/new", this::showNew);
        pages.post(rules, "/webhooks/new", Pages.Need.CHANGE, this::create);
        pages.get(rules, "/webhooks/{id}", this::show);
        pages.post(rules, "/webhooks/{id}", Pages.Need.CHANGE, this::update);
        pages.post(rules, "/webhooks/{id}/enable", Pages.Need.CHANGE, this::enable);
        pages.post(rules, "/webhooks/{id}/replay", Pages.Need.CHANGE, this::replay);
        pages.post(rules, "/webhooks/{id}/delete", Pages.Need.CHANGE, this::delete);
        pages.get(rules, "/webhooks/{id}/test_fire", this::showTestFire);
        pages.post(rules, "/webhooks/{id}/test_fire", Pages.Need.CHANGE, this::testFire);
    }

    // --- the routes ---------------------------------------------------------------------------------------------

    /** The live template check: the first problem the API finds, beside its field. */
    private void check(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Check check;
        try {
            webhooks.check(who.account(), json(form));
            check = new Check(Optional.empty(), Optional.empty());
        } catch (Problem.Invalid e) {
            var error = FormJson.error(e, inputs()).entrySet().iterator().next();
            check = new Check(Optional.of(error.getKey()), Optional.of(error.getValue()));
        }
        pages.render(res, "webhook_check.jte", check);
    }

    /** The "new" form: a buyer's webhooks start at "selected", others at "start". */
    private void showNew(ServerRequest req, ServerResponse res, SignedIn who) {
        OwnerRef owner = OwnerRef.parse(Http.query(req, "owner"));
        Webhook.Owner stored = webhookOwner(who.account(), owner);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("trigger", Http.query(req, "trigger").orElse(stored == Webhook.Owner.BUYER ? "selected" : "start"));
        form.put("method", "GET");
        form.put("timeout_ms", "5000");
        editor(res, who, OwnedEditor.blank(owner, form, back(req, owner)), Optional.empty(), Optional.empty());
    }

    private void create(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        OwnerRef owner = OwnerRef.parse(form.first("owner"));
        Webhook.Owner stored = webhookOwner(who.account(), owner);
        String back = back(form, owner);
        SaveFlow.create(
                form,
                inputs(),
                (status, values, errors, conflict) -> editor(
                        res,
                        who,
                        OwnedEditor.refusedNew(status, owner, values, errors, back),
                        Optional.empty(),
                        Optional.empty()),
                () -> webhooks.create(who.account(), stored, owner.id(), json(form)),
                saved -> {
                    audit.record(
                            who,
                            req,
                            "created",
                            subject(saved.webhook()),
                            null,
                            WebhookRoutes.wire(saved.webhook()),
                            Set.of());
                    shownOnce(res, who, owner, saved, back);
                });
    }

    /** The editor of a saved webhook, with a line about the last replay when it has just queued one. */
    private void show(ServerRequest req, ServerResponse res, SignedIn who) {
        Webhook w = require(req, who);
        OwnerRef owner = ownerOf(w);
        Optional<String> notice = Http.query(req, "replayed")
                .filter(n -> n.matches("[0-9]{1,9}"))
                .map(n -> n + (n.equals("1") ? " failed delivery" : " failed deliveries") + " queued again.");
        editor(
                res,
                who,
                OwnedEditor.stored(owner, w.id(), values(w), back(req, owner), Optional.of(w)),
                Optional.empty(),
                notice);
    }

    private void update(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Webhook w = require(req, who);
        OwnerRef owner = ownerOf(w);
        String back = back(form, owner);
        SaveFlow.update(
                form,
                WebhookRoutes.wire(w),
                inputs(),
                (status, values, errors, conflict) -> editor(
                        res,
                        who,
                        new OwnedEditor<>(
                                status, owner, Optional.of(w.id()), values, errors, back, Optional.of(w), conflict),
                        Optional.empty(),
                        Optional.empty()),
                () -> webhooks.update(w, json(form)),
                saved -> {
                    audit.record(
                            who,
                            req,
                            "updated",
                            subject(w),
                            WebhookRoutes.wire(w),
                            WebhookRoutes.wire(saved.webhook()),
                            Set.of());
                    shownOnce(res, who, owner, saved, back);
                });
    }

    private void enable(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Webhook w = require(req, who);
        ObjectNode enable = Json.MAPPER.createObjectNode().put("enabled", true);
        Webhook enabled = webhooks.update(w, enable).webhook();
        audit.record(who, req, "enabled", subject(w), WebhookRoutes.wire(w), WebhookRoutes.wire(enabled), Set.of());
        Pages.redirect(res, "/webhooks/" + w.id());
    }

    /** Queues the failed deliveries in the chosen window again; the editor then says how many. */
    private void replay(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Webhook w = require(req, who);
        Instant from = Http.parseFrom("from", form.first("from").orElse(""));
        Instant to = Http.parseTo("to", form.first("to").orElse(""));
        boolean newIds = form.first("new_webhook_id").isPresent();
        List<Long> replayed = deliveryWorker.replayFailed(who.account(), w.id(), from, to, newIds);
        audit.record(
                who,
                req,
                "replayed failed deliveries",
                subject(w),
                Map.of("from", from.toString(), "to", to.toString()),
                Map.of("from", from.toString(), "to", to.toString(), "replayed", replayed.size()),
                Set.of());
        Pages.redirect(res, "/webhooks/" + w.id() + "?replayed=" + replayed.size());
    }

    private void delete(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Webhook w = require(req, who);
        webhooks.delete(w);
        audit.record(who, req, "deleted", subject(w), WebhookRoutes.wire(w), null, Set.of());
        Pages.redirect(res, back(form, ownerOf(w)));
    }

    private void showTestFire(ServerRequest req, ServerResponse res, SignedIn who) {
        Webhook w = require(req, who);
        testFirePage(res, Status.OK_200, who, w, Map.of(), Map.of(), Optional.empty());
    }

    /** Fires the webhook once with the chosen buyer, publisher and tags, and shows what it sent and got. */
    private void testFire(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Webhook w = require(req, who);
        ObjectNode body = Json.MAPPER.createObjectNode();
        form.first("buyer_id").filter(v -> !v.isBlank()).ifPresent(v -> body.put("buyer_id", v));
        form.first("publisher_id").filter(v -> !v.isBlank()).ifPresent(v -> body.put("publisher_id", v));
        var tags = body.putArray("tags");
        form.first("tags")
                .orElse("")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .forEach(tags::add);
        try {
            FiredPixel fired = webhooks.testFire(w, body);
            testFirePage(res, Status.OK_200, who, w, FormJson.values(form), Map.of(), Optional.of(fired));
        } catch (Problem.Invalid e) {
            testFirePage(
                    res,
                    Status.BAD_REQUEST_400,
                    who,
                    w,
                    FormJson.values(form),
                    FormJson.error(e, Set.of("buyer_id", "publisher_id", "tags")),
                    Optional.empty());
        }
    }

    // --- the section --------------------------------------------------------------------------------------------

    private void section(ServerRequest req, ServerResponse res, SignedIn who, OwnerRef owner) {
        String name = owners.requireName(who.account(), owner);
        String back = back(req, owner);
        boolean canChange = who.role().canChange();
        Section section = switch (owner.kind()) {
            case BUYER_GROUP, PUBLISHER ->
                new Section(
                        who.csrfToken(),
                        owner,
                        name,
                        false,
                        List.of(),
                        Optional.of(
                                "A " + owner.kind().label() + " has no webhooks of its own: add them to its campaigns"
                                        + " or buyers (a publisher sends data in with a data-writing postback key)."),
                        false,
                        false,
                        back);
            case NUMBER -> {
                var number = owners.requireNumber(who.account(), owner.id());
                if (number.webhooksUnlocked()) {
                    yield new Section(
                            who.csrfToken(),
                            owner,
                            name,
                            canChange,
                            rows(who.account(), Webhook.Owner.NUMBER, owner.id()),
                            Optional.empty(),
                            true,
                            true,
                            back);
                }
                yield new Section(
                        who.csrfToken(),
                        owner,
                        name,
                        false,
                        rows(who.account(), Webhook.Owner.CAMPAIGN, number.campaignId()),
                        Optional.of("This number uses its campaign's webhooks (below). Unlock them to give the number"
                                + " its own copy to change."),
                        true,
                        false,
                        back);
            }
            default ->
                new Section(
                        who.csrfToken(),
                        owner,
                        name,
                        canChange,
                        rows(who.account(), webhookOwner(who.account(), owner), owner.id()),
                        Optional.empty(),
                        false,
                        false,
                        back);
        };
        pages.render(res, "webhooks_section.jte", section);
    }

    private List<Row> rows(AccountId account, Webhook.Owner owner, long id) {
        return webhooks.ofOwner(account, owner, id).stream().map(Row::of).toList();
    }

    private void lock(ServerRequest req, ServerResponse res, SignedIn who, Form form, boolean unlock) {
        OwnerRef owner = OwnerRef.parse(form.first("owner"));
        if (owner.kind() != OwnerRef.Kind.NUMBER) {
            throw new Problem.Invalid("owner", "only a tracking number's webhooks are locked or unlocked");
        }
        var number = owners.requireNumber(who.account(), owner.id());
        if (unlock && !number.webhooksUnlocked()) {
            webhooks.copyCampaignToNumber(who.account(), number.campaignId(), number.id());
            owners.setWebhooksUnlocked(who.account(), number.id(), true);
        } else if (!unlock && number.webhooksUnlocked()) {
            webhooks.dropNumberWebhooks(who.account(), number.id());
            owners.setWebhooksUnlocked(who.account(), number.id(), false);
        }
        if (unlock != number.webhooksUnlocked()) {
            audit.record(
                    who,
                    req,
                    unlock ? "unlocked webhooks" : "locked webhooks",
                    new AuditLog.Subject("tracking_number", Long.toString(number.id()), number.number()),
                    Map.of("webhooks_unlocked", number.webhooksUnlocked()),
                    Map.of("webhooks_unlocked", unlock),
                    Set.of());
        }
        Pages.redirect(res, back(form, owner));
    }

    /** After a save: the editor once more when the save made a signing secret (shown this once), else back. */
    private void shownOnce(ServerResponse res, SignedIn who, OwnerRef owner, WebhookRoutes.Saved saved, String back) {
        if (saved.secret().isPresent()) {
            long id = saved.webhook().id();
            // the webhook as stored now, for the edit stamp
            Optional<Webhook> loaded = webhooks.find(who.account(), id);
            editor(
                    res,
                    who,
                    OwnedEditor.stored(owner, id, values(saved.webhook()), back, loaded),
                    saved.secret(),
                    Optional.empty());
            return;
        }
        Pages.redirect(res, back);
    }

    // --- the editor ---------------------------------------------------------------------------------------------

    /**
     * What one showing of the editor of a thing that belongs to an owner (a webhook, a conversion criterion) is made of:
     * the form as first opened, or brought back by {@link SaveFlow} with the user's input, the messages beside its fields
     * and, after a refused update, what someone else changed meanwhile. Here, beside the webhook editor, because
     * {@link CriterionPages} already shares this page's {@code back} and {@code Wizard}, and the architecture test keeps
     * Helidon types ({@code Status}) in classes named for pages or routes.
     *
     * @param id the thing's id; empty on the "new" form
     * @param values the fields' values by input name
     * @param errors messages by input name
     * @param back where the editor's Back link and a finished save go
     * @param loaded the thing as stored, for the edit stamp ({@link EditGuard}); empty on the "new" form
     */
    record OwnedEditor<T>(
            Status status,
            OwnerRef owner,
            Optional<Long> id,
            Map<String, String> values,
            Map<String, String> errors,
            String back,
            Optional<T> loaded,
            Optional<EditGuard.Conflict> conflict) {

        /** The "new" form with its starting values. */
        static <T> OwnedEditor<T> blank(OwnerRef owner, Map<String, String> values, String back) {
            return new OwnedEditor<>(
                    Status.OK_200, owner, Optional.empty(), values, Map.of(), back, Optional.empty(), Optional.empty());
        }

        /** The "new" form brought back after a refused create (a thing not yet made has no conflict to show). */
        static <T> OwnedEditor<T> refusedNew(
                Status status, OwnerRef owner, Map<String, String> values, Map<String, String> errors, String back) {
            return new OwnedEditor<>(
                    status, owner, Optional.empty(), values, errors, back, Optional.empty(), Optional.empty());
        }

        /** The editor of a stored thing, opened with its values. */
        static <T> OwnedEditor<T> stored(
                OwnerRef owner, long id, Map<String, String> values, String back, Optional<T> loaded) {
            return new OwnedEditor<>(
                    Status.OK_200, owner, Optional.of(id), values, Map.of(), back, loaded, Optional.empty());
        }
    }

    /**
     * The webhook editor; {@code secret} is a signing secret just made (shown this once), {@code notice} a line about
     * what was just done.
     */
    private void editor(
            ServerResponse res,
            SignedIn who,
            OwnedEditor<Webhook> shown,
            Optional<String> secret,
            Optional<String> notice) {
        OwnerRef owner = shown.owner();
        Map<String, String> form = shown.values();
        AccountId account = who.account();
        String title = shown.id().isPresent() ? "Webhook " + form.getOrDefault("name", "") : "New webhook";
        pages.render(
                res,
                shown.status(),
                "webhook_form.jte",
                new Editor(
                        pages.frame(title, "webhooks", who),
                        owner,
                        owners.requireName(account, owner),
                        shown.id(),
                        form,
                        shown.errors(),
                        Arrays.stream(Trigger.values())
                                .filter(t -> t != Trigger.WEBHOOK_DISABLED || owner.kind() == OwnerRef.Kind.COMPANY)
                                .map(Trigger::word)
                                .toList(),
                        tokens(account, form.getOrDefault("trigger", "start")),
                        new Wizard(
                                owners.publisherTags(account),
                                owners.buyerTags(account),
                                owners.campaignTags(account),
                                recentTagValues(account)),
                        recentCalls(account),
                        secret,
                        shown.back(),
                        shown.loaded().map(w -> EditGuard.stamp(WebhookRoutes.wire(w))),
                        shown.conflict(),
                        shown.loaded().map(w -> new Condition(webhooks.health(w), w.disabled(), notice))));
    }

    private TokenList tokens(AccountId account, String triggerWord) {
        Trigger trigger = Trigger.fromWord(triggerWord).orElse(Trigger.START);
        Set<String> system = new HashSet<>();
        List<Tokens.Token> tokens = Tokens.at(trigger);
        tokens.forEach(t -> system.add(t.name()));
        Set<String> keys = new TreeSet<>();
        recent(account)
                .forEach(call -> call.tags().keys().forEach(k -> {
                    if (!system.contains(k)) {
                        keys.add(k);
                    }
                }));
        return new TokenList(trigger.word(), tokens, List.copyOf(keys));
    }

    /** The tag values of recent calls, as {@code key:value} terms (party tags are offered by name instead). */
    private List<String> recentTagValues(AccountId account) {
        Set<String> terms = new TreeSet<>();
        Set<String> skip = Set.of(
                "publisher_id",
                "source_id",
                "system_buyer_id",
                "handler_id",
                "campaign_id",
                "caller_number",
                "caller_id",
                "call_uuid",
                "rtb_reservation_uuid");
        recent(account)
                .forEach(call -> call.tags().keys().stream()
                        .filter(k -> !skip.contains(k))
                        .forEach(k -> call.tags().values(k).forEach(v -> terms.add(k + ":" + v))));
        return terms.stream().limit(200).toList();
    }

    private List<ConfigOwners.Choice> recentCalls(AccountId account) {
        return recent(account).stream()
                .limit(20)
                .map(c -> new ConfigOwners.Choice(
                        c.uuid(),
                        Format.instant(c.startedAt()) + " · "
                                + c.tags().values("caller_number").stream()
                                        .findFirst()
                                        .orElse("")))
                .toList();
    }

    private List<Call> recent(AccountId account) {
        var filter = new CallRepository.Filter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                CallRepository.Order.NEWEST);
        return calls.list(account, filter, new PageRequest(1, 50)).items();
    }

    private Preview preview(SignedIn who, Form form) {
        Optional<String> uuid = form.first("preview_call").filter(v -> !v.isBlank());
        if (uuid.isEmpty()) {
            return new Preview(
                    Optional.empty(), Optional.empty(), Optional.of("Choose a recent call to preview with."));
        }
        Optional<Call> call = calls.find(who.account(), uuid.get());
        if (call.isEmpty()) {
            return new Preview(uuid, Optional.empty(), Optional.of("No such call in this account."));
        }
        try {
            OwnerRef owner = OwnerRef.parse(form.first("owner"));
            Webhook draft = webhooks.draft(who.account(), webhookOwner(who.account(), owner), owner.id(), json(form));
            var context = new WebhookDispatcher.Context(
                    who.account(),
                    Optional.of(call.get().id()),
                    call.get().uuid(),
                    Optional.empty(),
                    call.get().tags(),
                    call.get().durationSeconds());
            return new Preview(uuid, Optional.of(WebhookDispatcher.render(context, draft)), Optional.empty());
        } catch (Problem.Invalid e) {
            return new Preview(
                    uuid,
                    Optional.empty(),
                    Optional.of(e.field().map(f -> f + ": ").orElse("") + e.getMessage()));
        }
    }

    private void testFirePage(
            ServerResponse res,
            Status status,
            SignedIn who,
            Webhook w,
            Map<String, String> form,
            Map<String, String> errors,
            Optional<FiredPixel> fired) {
        OwnerRef owner = ownerOf(w);
        pages.render(
                res,
                status,
                "webhook_test_fire.jte",
                new TestFire(
                        pages.frame("Test fire " + w.name(), "webhooks", who),
                        w.id(),
                        w.name(),
                        w.trigger().word(),
                        owners.requireName(who.account(), owner),
                        owner,
                        owners.buyers(who.account()),
                        owners.publishers(who.account()),
                        form,
                        errors,
                        fired));
    }

    // --- shared -------------------------------------------------------------------------------------------------

    /** The form as the API's JSON: headers from {@code Name: value} lines. */
    static ObjectNode json(Form form) {
        ObjectNode body = FormJson.build(form, FIELDS);
        var headers = body.putObject("headers");
        List<String> lines = form.first("headers")
                .orElse("")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new Problem.Invalid("headers", "line " + (i + 1) + " is not Name: value");
            }
            headers.put(
                    line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return body;
    }

    private static Set<String> inputs() {
        Set<String> inputs = new HashSet<>(FIELDS.keySet());
        inputs.add("headers");
        return inputs;
    }

    /** The form of a saved webhook. */
    static Map<String, String> values(Webhook w) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", w.name());
        form.put("trigger", w.trigger().word());
        w.timerSeconds().ifPresent(s -> form.put("timer_seconds", Integer.toString(s)));
        form.put("matches", String.join("\n", w.matches().asStrings()));
        form.put("method", w.method());
        form.put("url", w.url());
        List<String> headers = new ArrayList<>();
        w.headers().forEach((k, v) -> headers.add(k + ": " + v));
        form.put("headers", String.join("\n", headers));
        form.put("body_format", w.bodyFormat().word());
        form.put("body", w.body().orElse(""));
        form.put("timeout_ms", Long.toString(w.timeout().toMillis()));
        if (w.sealedSigningSecret().isPresent()) {
            form.put("signed", "true");
        }
        return form;
    }

    private Webhook require(ServerRequest req, SignedIn who) {
        long id = Http.pathId(req, "id", "webhook");
        return webhooks.find(who.account(), id).orElseThrow(() -> new Problem.NotFound("no webhook " + id));
    }

    /** The stored owner of a section's webhooks; checks the owner is the account's. */
    private Webhook.Owner webhookOwner(AccountId account, OwnerRef owner) {
        owners.requireName(account, owner);
        return switch (owner.kind()) {
            case COMPANY -> Webhook.Owner.COMPANY;
            case CAMPAIGN -> Webhook.Owner.CAMPAIGN;
            case BUYER -> Webhook.Owner.BUYER;
            case NUMBER -> {
                if (!owners.requireNumber(account, owner.id()).webhooksUnlocked()) {
                    throw new Problem.Conflict(
                            null, "this tracking number uses its campaign's webhooks; unlock them first");
                }
                yield Webhook.Owner.NUMBER;
            }
            case BUYER_GROUP, PUBLISHER ->
                throw new Problem.Invalid("owner", "a " + owner.kind().label() + " has no webhooks of its own");
        };
    }

    static OwnerRef ownerOf(Webhook w) {
        return switch (w.owner()) {
            case COMPANY -> OwnerRef.COMPANY;
            case CAMPAIGN -> new OwnerRef(OwnerRef.Kind.CAMPAIGN, w.ownerId());
            case BUYER -> new OwnerRef(OwnerRef.Kind.BUYER, w.ownerId());
            case NUMBER -> new OwnerRef(OwnerRef.Kind.NUMBER, w.ownerId());
        };
    }

    /** Where to go after a save: the local page the person came from, else the owner's configuration page. */
    static String back(ServerRequest req, OwnerRef owner) {
        Optional<String> given = Http.query(req, "back")
                .or(() -> req.headers()
                        .value(HeaderNames.create("HX-Current-URL"))
                        .map(WebhookPages::pathOf));
        return localOr(given, owner);
    }

    static String back(Form form, OwnerRef owner) {
        return localOr(form.first("back"), owner);
    }

    private static String localOr(Optional<String> given, OwnerRef owner) {
        return given.filter(n -> n.startsWith("/") && !n.startsWith("//") && !n.startsWith("/\\"))
                .orElse("/configuration?owner=" + owner.word());
    }

    private static String pathOf(String url) {
        try {
            var uri = URI.create(url);
            return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
