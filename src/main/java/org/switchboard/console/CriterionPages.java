package org.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.switchboard.conversion.ConversionCriterion;
import org.switchboard.conversion.ConversionCriterionRoutes;
import org.switchboard.conversion.PayoutModifier;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.problem.Problem;

/**
 * Conversion criteria in the console: the section of a campaign or buyer ({@code /sections/conversion_criteria?
 * campaign=12}) in judging order with moves up and down, and the form with matches, trigger, revenue and payout,
 * whose payout modifier is checked as it is typed with its effect on 10.00. Saved through
 * {@link ConversionCriterionRoutes}, the API's own checks.
 */
public final class CriterionPages {
    /** The form's inputs by rule type: only the selected type's inputs are sent. */
    private static final Map<String, FormJson.Kind> FIELDS = fields();

    private static final Map<String, Map<String, List<String>>> TYPE_FIELDS = Map.of(
            "trigger", Map.of("duration", List.of("seconds", "seconds_tag"), "postback", List.of("timeout_seconds")),
            "revenue", Map.of("static", List.of("amount"), "posted", List.of(), "tag", List.of("tag")),
            "payout",
                    Map.of(
                            "static", List.of("amount"),
                            "percent", List.of("percent"),
                            "tag", List.of("tag"),
                            "modifier", List.of("modifier")));

    /** A criterion as its section lists it. */
    public record Row(
            long id, int position, String name, List<String> matches, String trigger, String revenue, String payout) {}

    /** The section. */
    public record Section(
            String csrf, OwnerRef owner, String ownerName, boolean canChange, List<Row> rows, String back) {}

    /** The form. */
    public record Editor(
            Frame frame,
            OwnerRef owner,
            String ownerName,
            Optional<Long> id,
            Map<String, String> form,
            Map<String, String> errors,
            Modifier modifier,
            WebhookPages.Wizard wizard,
            String back,
            Optional<String> loaded,
            Optional<EditGuard.Conflict> conflict) {
        public String value(String name) {
            return form.getOrDefault(name, "");
        }

        public boolean is(String name, String value) {
            return value.equals(form.getOrDefault(name, ""));
        }
    }

    /** The modifier check: its effect on 10.00, or the problem with its position. */
    public record Modifier(String text, Optional<String> example, Optional<String> problem) {}

    private final Pages pages;
    private final ConversionCriterionRoutes criteria;
    private final ConfigOwners owners;
    private final AuditLog audit;

    public CriterionPages(Pages pages, ConversionCriterionRoutes criteria, ConfigOwners owners, AuditLog audit) {
        this.pages = pages;
        this.criteria = criteria;
        this.owners = owners;
        this.audit = audit;
    }

    private static AuditLog.Subject subject(ConversionCriterion c) {
        return new AuditLog.Subject("conversion_criterion", Long.toString(c.id()), c.name());
    }

    private static Map<String, FormJson.Kind> fields() {
        Map<String, FormJson.Kind> f = new LinkedHashMap<>();
        f.put("name", FormJson.Kind.TEXT);
        f.put("position", FormJson.Kind.INTEGER);
        f.put("matches", FormJson.Kind.LINES);
        f.put("trigger.type", FormJson.Kind.TEXT);
        f.put("trigger.seconds", FormJson.Kind.INTEGER);
        f.put("trigger.seconds_tag", FormJson.Kind.TEXT);
        f.put("trigger.timeout_seconds", FormJson.Kind.INTEGER);
        f.put("revenue.type", FormJson.Kind.TEXT);
        f.put("revenue.amount", FormJson.Kind.TEXT);
        f.put("revenue.tag", FormJson.Kind.TEXT);
        f.put("payout.type", FormJson.Kind.TEXT);
        f.put("payout.amount", FormJson.Kind.TEXT);
        f.put("payout.percent", FormJson.Kind.TEXT);
        f.put("payout.tag", FormJson.Kind.TEXT);
        f.put("payout.modifier", FormJson.Kind.TEXT);
        f.put("duplicate_window_seconds", FormJson.Kind.INTEGER);
        return f;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/sections/conversion_criteria", this::section);
        pages.post(
                rules,
                "/conversion_criteria/modifier",
                Pages.Need.SESSION,
                (req, res, who, form) -> pages.render(
                        res,
                        "modifier_check.jte",
                        modifier(form.first("payout.modifier").orElse(""))));
        pages.get(rules, "/conversion_criteria/new", this::showNew);
        pages.post(rules, "/conversion_criteria/new", Pages.Need.CHANGE, this::create);
        pages.get(rules, "/conversion_criteria/{id}", this::show);
        pages.post(rules, "/conversion_criteria/{id}", Pages.Need.CHANGE, this::update);
        pages.post(rules, "/conversion_criteria/{id}/move", Pages.Need.CHANGE, this::move);
        pages.post(rules, "/conversion_criteria/{id}/delete", Pages.Need.CHANGE, this::delete);
    }

    // --- the routes ---------------------------------------------------------------------------------------------

    /** The section of a campaign or buyer: its criteria in judging order. */
    private void section(ServerRequest req, ServerResponse res, SignedIn who) {
        OwnerRef owner = owner(
                req.query().first("campaign").asOptional(),
                req.query().first("buyer").asOptional());
        String name = owners.requireName(who.account(), owner);
        List<Row> rows = criteria.ofOwner(who.account(), stored(owner), owner.id()).stream()
                .map(CriterionPages::row)
                .toList();
        pages.render(
                res,
                "criteria_section.jte",
                new Section(who.csrfToken(), owner, name, who.role().canChange(), rows, WebhookPages.back(req, owner)));
    }

    /** The "new" form: converts after 60 seconds, static revenue, payout by modifier. */
    private void showNew(ServerRequest req, ServerResponse res, SignedIn who) {
        OwnerRef owner = owner(
                req.query().first("campaign").asOptional(),
                req.query().first("buyer").asOptional());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("trigger.type", "duration");
        form.put("trigger.seconds", "60");
        form.put("revenue.type", "static");
        form.put("payout.type", "modifier");
        editor(res, who, WebhookPages.OwnedEditor.blank(owner, form, WebhookPages.back(req, owner)));
    }

    private void create(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        OwnerRef owner = OwnerRef.parse(form.first("owner"));
        owners.requireName(who.account(), owner);
        String back = WebhookPages.back(form, owner);
        SaveFlow.create(
                form,
                FIELDS.keySet(),
                (status, values, errors, conflict) ->
                        editor(res, who, WebhookPages.OwnedEditor.refusedNew(status, owner, values, errors, back)),
                () -> criteria.create(who.account(), stored(owner), owner.id(), json(form)),
                saved -> {
                    audit.record(
                            who,
                            req,
                            "created",
                            subject(saved.criterion()),
                            null,
                            ConversionCriterionRoutes.wire(saved.criterion()),
                            Set.of());
                    Pages.redirect(res, back);
                });
    }

    private void show(ServerRequest req, ServerResponse res, SignedIn who) {
        ConversionCriterion c = require(req, who);
        OwnerRef owner = ownerOf(c);
        editor(
                res,
                who,
                WebhookPages.OwnedEditor.stored(
                        owner, c.id(), values(c), WebhookPages.back(req, owner), Optional.of(c)));
    }

    private void update(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        ConversionCriterion c = require(req, who);
        OwnerRef owner = ownerOf(c);
        String back = WebhookPages.back(form, owner);
        SaveFlow.update(
                form,
                ConversionCriterionRoutes.wire(c),
                FIELDS.keySet(),
                (status, values, errors, conflict) -> editor(
                        res,
                        who,
                        new WebhookPages.OwnedEditor<>(
                                status, owner, Optional.of(c.id()), values, errors, back, Optional.of(c), conflict)),
                () -> criteria.update(c, json(form)),
                saved -> {
                    audit.record(
                            who,
                            req,
                            "updated",
                            subject(c),
                            ConversionCriterionRoutes.wire(c),
                            ConversionCriterionRoutes.wire(saved.criterion()),
                            Set.of());
                    Pages.redirect(res, back);
                });
    }

    /** Moves the criterion one place up or down the judging order (never above the first). */
    private void move(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        ConversionCriterion c = require(req, who);
        int to = c.position() + (form.first("direction").orElse("down").equals("up") ? -1 : 1);
        if (to >= 1) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("position", to);
            var saved = criteria.update(c, body);
            audit.record(
                    who,
                    req,
                    "moved",
                    subject(c),
                    ConversionCriterionRoutes.wire(c),
                    ConversionCriterionRoutes.wire(saved.criterion()),
                    Set.of());
        }
        Pages.redirect(res, WebhookPages.back(form, ownerOf(c)));
    }

    private void delete(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        ConversionCriterion c = require(req, who);
        criteria.delete(c);
        audit.record(who, req, "deleted", subject(c), ConversionCriterionRoutes.wire(c), null, Set.of());
        Pages.redirect(res, WebhookPages.back(form, ownerOf(c)));
    }

    /** The modifier as typed: its effect on 10.00, or the parser's problem with its position. */
    static Modifier modifier(String text) {
        if (text.isBlank()) {
            return new Modifier(
                    text,
                    Optional.of("No modifier: the payout is the whole revenue (10.00 pays 10.00)."),
                    Optional.empty());
        }
        try {
            PayoutModifier parsed = PayoutModifier.parse("payout.modifier", text);
            Money result = parsed.apply(Money.of("10.00"));
            return new Modifier(
                    text,
                    Optional.of("A revenue of 10.00 pays " + Format.money(result.toBigDecimal()) + "."),
                    Optional.empty());
        } catch (Problem.Invalid e) {
            return new Modifier(text, Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    private void editor(ServerResponse res, SignedIn who, WebhookPages.OwnedEditor<ConversionCriterion> shown) {
        OwnerRef owner = shown.owner();
        Map<String, String> form = shown.values();
        var account = who.account();
        pages.render(
                res,
                shown.status(),
                "criterion_form.jte",
                new Editor(
                        pages.frame(
                                shown.id().isPresent() ? "Conversion criterion" : "New conversion criterion",
                                "configuration",
                                who),
                        owner,
                        owners.requireName(account, owner),
                        shown.id(),
                        form,
                        shown.errors(),
                        modifier(form.getOrDefault("payout.modifier", "")),
                        new WebhookPages.Wizard(
                                owners.publisherTags(account), owners.buyerTags(account), List.of(), List.of()),
                        shown.back(),
                        shown.loaded().map(c -> EditGuard.stamp(ConversionCriterionRoutes.wire(c))),
                        shown.conflict()));
    }

    /** The form as the API's JSON: each rule object with only its selected type's fields. */
    static ObjectNode json(Form form) {
        ObjectNode body = FormJson.build(form, FIELDS);
        TYPE_FIELDS.forEach((rule, typeToFields) -> {
            ObjectNode node = (ObjectNode) body.get(rule);
            String type = node.path("type").asText("");
            List<String> keep = typeToFields.getOrDefault(type, List.of());
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.stream()
                    .filter(n -> !n.equals("type")
                            && (!keep.contains(n) || node.get(n).isNull()))
                    .forEach(node::remove);
        });
        return body;
    }

    private static Map<String, String> values(ConversionCriterion c) {
        ObjectNode wire = ConversionCriterionRoutes.wire(c);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", c.name());
        form.put("position", Integer.toString(c.position()));
        form.put("matches", String.join("\n", c.matches().asStrings()));
        form.put("duplicate_window_seconds", Integer.toString(c.duplicateWindowSeconds()));
        for (String rule : List.of("trigger", "revenue", "payout")) {
            wire.path(rule).properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    String typed = text(e.getValue());
                    form.put(
                            rule + "." + e.getKey(),
                            e.getKey().equals("amount") ? Format.money(new BigDecimal(typed)) : typed);
                }
            });
        }
        return form;
    }

    private static Row row(ConversionCriterion c) {
        ObjectNode wire = ConversionCriterionRoutes.wire(c);
        return new Row(
                c.id(),
                c.position(),
                c.name(),
                c.matches().asStrings(),
                summary(wire.path("trigger")),
                summary(wire.path("revenue")),
                summary(wire.path("payout")));
    }

    /** A rule as a person reads it: "after 60 s", "12.50", "70% of revenue", "revenue *0.8", "tag bid". */
    private static String summary(JsonNode rule) {
        String tag = text(rule.path("tag"));
        return switch (rule.path("type").asText()) {
            case "duration" ->
                "after "
                        + (rule.path("seconds").isNull() ? "" : text(rule.path("seconds")) + " s")
                        + (rule.path("seconds_tag").isNull()
                                        || rule.path("seconds_tag").isMissingNode()
                                ? ""
                                : (rule.path("seconds").isNull() ? "" : ", or ") + "[" + text(rule.path("seconds_tag"))
                                        + "] s");
            case "postback" -> "postback (waits " + text(rule.path("timeout_seconds")) + " s)";
            case "static" -> Format.money(new BigDecimal(text(rule.path("amount"))));
            case "posted" -> "the posted value";
            case "percent" -> text(rule.path("percent")) + "% of revenue";
            case "modifier" -> "revenue " + text(rule.path("modifier"));
            case "tag" -> "tag " + tag;
            default -> rule.path("type").asText();
        };
    }

    /** A value as typed: numbers in plain notation (70, not 7E+1). */
    private static String text(JsonNode value) {
        return value.isNumber() ? value.decimalValue().stripTrailingZeros().toPlainString() : value.asText();
    }

    private static OwnerRef owner(Optional<String> campaign, Optional<String> buyer) {
        if (campaign.isPresent()) {
            return OwnerRef.parse(Optional.of("campaign:" + campaign.get()));
        }
        if (buyer.isPresent()) {
            return OwnerRef.parse(Optional.of("buyer:" + buyer.get()));
        }
        throw new Problem.Invalid("campaign", "name the campaign (?campaign=<id>) or the buyer (?buyer=<id>)");
    }

    private static ConversionCriterion.Owner stored(OwnerRef owner) {
        return switch (owner.kind()) {
            case CAMPAIGN -> ConversionCriterion.Owner.CAMPAIGN;
            case BUYER -> ConversionCriterion.Owner.BUYER;
            default -> throw new Problem.Invalid("owner", "conversion criteria belong to a campaign or a buyer");
        };
    }

    private static OwnerRef ownerOf(ConversionCriterion c) {
        return new OwnerRef(
                c.owner() == ConversionCriterion.Owner.CAMPAIGN ? OwnerRef.Kind.CAMPAIGN : OwnerRef.Kind.BUYER,
                c.ownerId());
    }

    private ConversionCriterion require(ServerRequest req, SignedIn who) {
        long id = Http.pathId(req, "id", "conversion criterion");
        return criteria.find(who.account(), id)
                .orElseThrow(() -> new Problem.NotFound("no conversion criterion " + id));
    }

    static Set<String> inputs() {
        return FIELDS.keySet();
    }
}
