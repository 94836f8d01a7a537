package org.switchboard.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.switchboard.configurator.Configurator;
import org.switchboard.conversion.ConversionCriterion;
import org.switchboard.conversion.ConversionCriterionRoutes;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;
import org.switchboard.webhook.Trigger;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookRoutes;

/**
 * The Webhook Configurator ({@code /configurator}): the library of templates, and each template's form asking only
 * what its platform needs; it creates the webhooks and conversion criteria the template implies, through the API's
 * own checks. Every webhook is checked before anything is created, so a bad answer creates nothing.
 */
public final class ConfiguratorPage {
    /** The templates the company's webhooks section sets up in one click from a tracking domain. */
    static final Set<String> ONE_CLICK = Set.of("cake", "hasoffers", "voluum");

    /** A template's question with the choices of a select (empty for a typed answer). */
    public record Question(Configurator.Field field, List<ConfigOwners.Choice> choices) {}

    /** The library. */
    public record Library(Frame frame, Optional<String> owner, List<Configurator.Template> templates) {}

    /** A template's form, and after a save what it created. */
    public record Use(
            Frame frame,
            Configurator.Template template,
            List<ConfigOwners.Choice> owners,
            List<Question> questions,
            Map<String, String> form,
            Map<String, String> errors,
            List<Created> created) {
        public String value(String name) {
            return form.getOrDefault(name, "");
        }
    }

    /** Something the configurator created, with the page to open it. */
    public record Created(String what, String name, String link) {}

    private final Pages pages;
    /** The templates, read when a configurator page is first asked for ({@link Configurator#bundled}). */
    private final Supplier<Configurator> library;

    private final WebhookRoutes webhooks;
    private final ConversionCriterionRoutes criteria;
    private final ConfigOwners owners;
    private final AuditLog audit;

    public ConfiguratorPage(
            Pages pages,
            Supplier<Configurator> library,
            WebhookRoutes webhooks,
            ConversionCriterionRoutes criteria,
            ConfigOwners owners,
            AuditLog audit) {
        this.pages = pages;
        this.library = library;
        this.webhooks = webhooks;
        this.criteria = criteria;
        this.owners = owners;
        this.audit = audit;
    }

    public void register(HttpRules rules) {
        pages.get(
                rules,
                "/configurator",
                (req, res, who) -> pages.render(
                        res,
                        "configurator.jte",
                        new Library(
                                pages.frame("Webhook Configurator", "configurator", who),
                                Http.query(req, "owner"),
                                library.get().templates())));
        pages.get(rules, "/configurator/{id}", (req, res, who) -> {
            Configurator.Template t = require(req.path().pathParameters().get("id"));
            Map<String, String> form = new LinkedHashMap<>();
            t.fields().forEach(f -> form.put(f.name(), f.defaultValue()));
            Http.query(req, "owner").ifPresent(o -> form.put("owner", o));
            show(res, Status.OK_200, who, t, form, Map.of(), List.of());
        });
        // the company's one-click setups: a tracking domain and the platform's button, from the webhooks section
        pages.post(rules, "/configurator/one_click", Pages.Need.CHANGE, (req, res, who, form) -> {
            String id = form.first("template").orElse("");
            if (!ONE_CLICK.contains(id)) {
                throw new Problem.Invalid("template", "must be cake, hasoffers or voluum");
            }
            Configurator.Template t = require(id);
            Map<String, String> answers =
                    Map.of("owner", "company", "domain", form.first("domain").orElse(""));
            try {
                apply(who, req, t, answers);
                Pages.redirect(res, WebhookPages.back(form, OwnerRef.COMPANY));
            } catch (Problem.Invalid e) {
                show(
                        res,
                        Status.BAD_REQUEST_400,
                        who,
                        t,
                        answers,
                        FormJson.error(e, Set.of("owner", "domain")),
                        List.of());
            }
        });
        pages.post(rules, "/configurator/{id}", Pages.Need.CHANGE, (req, res, who, form) -> {
            Configurator.Template t = require(req.path().pathParameters().get("id"));
            Map<String, String> answers = FormJson.values(form);
            Set<String> inputs =
                    t.fields().stream().map(Configurator.Field::name).collect(Collectors.toSet());
            inputs.add("owner");
            try {
                List<Created> created = apply(who, req, t, answers);
                show(res, Status.OK_200, who, t, answers, Map.of(), created);
            } catch (Problem.Invalid e) {
                show(res, Status.BAD_REQUEST_400, who, t, answers, FormJson.error(e, inputs), List.of());
            }
        });
    }

    /** Plans, checks every webhook, then creates the criteria and the webhooks. */
    List<Created> apply(SignedIn who, ServerRequest req, Configurator.Template t, Map<String, String> answers) {
        AccountId account = who.account();
        OwnerRef owner =
                OwnerRef.parse(Optional.ofNullable(answers.get("owner")).filter(o -> !o.isBlank()));
        Webhook.Owner webhookOwner = webhookOwner(account, t, owner);
        Configurator.Plan plan = Configurator.plan(t, answers, owner.id());
        for (ObjectNode webhook : plan.webhooks()) {
            Problem.Invalid.under("webhook", () -> {
                webhooks.check(account, webhook);
                return true;
            });
        }
        List<Map.Entry<OwnerRef, ObjectNode>> criteriaToMake = criteriaOwners(account, plan);
        List<Created> created = new ArrayList<>();
        for (var entry : criteriaToMake) {
            created.add(createCriterion(who, req, entry.getKey(), entry.getValue()));
        }
        for (ObjectNode webhook : plan.webhooks()) {
            created.add(createWebhook(who, req, webhookOwner, owner, webhook));
        }
        return created;
    }

    /** Where the template's webhooks are stored: an owner the template allows, and the account's. */
    private Webhook.Owner webhookOwner(AccountId account, Configurator.Template t, OwnerRef owner) {
        if (!t.owners().contains(owner.kind().word())) {
            throw new Problem.Invalid("owner", "this template's webhooks go on a " + String.join(" or ", t.owners()));
        }
        owners.requireName(account, owner);
        return switch (owner.kind()) {
            case COMPANY -> Webhook.Owner.COMPANY;
            case CAMPAIGN -> Webhook.Owner.CAMPAIGN;
            case BUYER -> Webhook.Owner.BUYER;
            default -> throw new Problem.Invalid("owner", "webhooks go on the company, a campaign or a buyer");
        };
    }

    /** The planned criteria with the owners they go on, each checked to be the account's before anything is made. */
    private List<Map.Entry<OwnerRef, ObjectNode>> criteriaOwners(AccountId account, Configurator.Plan plan) {
        List<Map.Entry<OwnerRef, ObjectNode>> criteriaToMake = new ArrayList<>();
        for (Configurator.PlannedCriterion c : plan.criteria()) {
            OwnerRef at;
            try {
                at = OwnerRef.parse(Optional.of(c.owner()));
                owners.requireName(account, at);
            } catch (Problem.Invalid | Problem.NotFound e) {
                throw new Problem.Invalid("campaign", "choose the campaign the conversion criterion goes on");
            }
            criteriaToMake.add(Map.entry(at, c.body()));
        }
        return criteriaToMake;
    }

    private Created createCriterion(SignedIn who, ServerRequest req, OwnerRef at, ObjectNode body) {
        AccountId account = who.account();
        var kind = at.kind() == OwnerRef.Kind.CAMPAIGN
                ? ConversionCriterion.Owner.CAMPAIGN
                : ConversionCriterion.Owner.BUYER;
        var saved = criteria.create(account, kind, at.id(), body);
        audit.record(
                who,
                req,
                "created (configurator)",
                new AuditLog.Subject(
                        "conversion_criterion",
                        Long.toString(saved.criterion().id()),
                        saved.criterion().name()),
                null,
                ConversionCriterionRoutes.wire(saved.criterion()),
                Set.of());
        return new Created(
                "conversion criterion on " + at.kind().label() + " " + owners.requireName(account, at),
                saved.criterion().name(),
                "/conversion_criteria/" + saved.criterion().id());
    }

    private Created createWebhook(
            SignedIn who, ServerRequest req, Webhook.Owner webhookOwner, OwnerRef owner, ObjectNode webhook) {
        AccountId account = who.account();
        var saved = webhooks.create(account, webhookOwner, owner.id(), webhook);
        audit.record(
                who,
                req,
                "created (configurator)",
                new AuditLog.Subject(
                        "webhook",
                        Long.toString(saved.webhook().id()),
                        saved.webhook().name()),
                null,
                WebhookRoutes.wire(saved.webhook()),
                Set.of());
        return new Created(
                "webhook on " + owner.kind().label() + " " + owners.requireName(account, owner),
                saved.webhook().name(),
                "/webhooks/" + saved.webhook().id());
    }

    private void show(
            ServerResponse res,
            Status status,
            SignedIn who,
            Configurator.Template t,
            Map<String, String> form,
            Map<String, String> errors,
            List<Created> created) {
        AccountId account = who.account();
        List<ConfigOwners.Choice> ownerChoices = new ArrayList<>();
        if (t.owners().contains("company")) {
            ownerChoices.add(
                    new ConfigOwners.Choice("company", "Company default webhooks (copied into each new campaign)"));
        }
        if (t.owners().contains("campaign")) {
            owners.campaigns(account)
                    .forEach(c -> ownerChoices.add(
                            new ConfigOwners.Choice("campaign:" + c.value(), "Campaign " + c.label())));
        }
        if (t.owners().contains("buyer")) {
            owners.buyers(account)
                    .forEach(
                            b -> ownerChoices.add(new ConfigOwners.Choice("buyer:" + b.value(), "Buyer " + b.label())));
        }
        List<Question> questions = t.fields().stream()
                .map(f -> new Question(f, choices(account, f.type())))
                .toList();
        pages.render(
                res,
                status,
                "configurator_use.jte",
                new Use(pages.frame(t.name(), "configurator", who), t, ownerChoices, questions, form, errors, created));
    }

    private List<ConfigOwners.Choice> choices(AccountId account, String type) {
        return switch (type) {
            case "campaign" -> owners.campaigns(account);
            case "buyer" -> owners.buyers(account);
            case "publisher" ->
                owners.publisherTags(account).stream()
                        .map(c -> new ConfigOwners.Choice(c.value().substring("publisher_id:".length()), c.label()))
                        .toList();
            case "trigger" ->
                Arrays.stream(Trigger.values())
                        .filter(tr -> tr != Trigger.WEBHOOK_DISABLED) // the account's own, not an integration's
                        .map(tr -> new ConfigOwners.Choice(tr.word(), tr.word()))
                        .toList();
            default -> List.of();
        };
    }

    private Configurator.Template require(String id) {
        return library.get().find(id).orElseThrow(() -> new Problem.NotFound("no configurator template " + id));
    }
}
