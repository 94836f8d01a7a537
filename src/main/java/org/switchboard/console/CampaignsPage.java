package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.buyer.Buyer;
import org.switchboard.campaign.Campaign;
import org.switchboard.number.TrackingNumber;
import org.switchboard.platform.http.ApiException;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.PageRequest;

/**
 * Campaigns ({@code /campaigns}, {@code /campaigns/{id}}): the list with a form for a new one; a campaign's page with
 * every field, pause, delete (the API's refusal shown), its tracking numbers (add one, each with its webhook lock), the
 * buyers linked to it, and the sections of webhooks, conversion criteria, postback keys and caller lists. Saves go
 * through the API's {@code CampaignService} and {@code TrackingNumberService}.
 */
public final class CampaignsPage {
    static final ConfigForm FORM = new ConfigForm(List.of(
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("cid", ConfigForm.Kind.TEXT),
            ConfigForm.field("time_zone", ConfigForm.Kind.TEXT),
            ConfigForm.field("paused", ConfigForm.Kind.BOOL),
            ConfigForm.field("repeat_caller_handling", ConfigForm.Kind.BOOL),
            ConfigForm.field("repeat_caller_window_seconds", ConfigForm.Kind.INTEGER),
            ConfigForm.field("repeat_callers_to_new_buyer", ConfigForm.Kind.BOOL),
            ConfigForm.field("use_company_default_webhooks", ConfigForm.Kind.BOOL),
            ConfigForm.field("tags", ConfigForm.Kind.LINES)));
    private static final ConfigForm PAUSE = new ConfigForm(List.of(ConfigForm.field("paused", ConfigForm.Kind.BOOL)));

    /** A campaign in the list. */
    public record Row(long id, String name, String cid, boolean paused, String timeZone) {}

    public record ListView(Frame frame, List<Row> campaigns, FormState form) {}

    /** A tracking number of the campaign, with its publisher's name. */
    public record NumberRow(TrackingNumber number, String publisher, String tags) {}

    /** A buyer linked to the campaign. */
    public record BuyerRow(long id, String name, String destination, boolean paused, int priority, int weight) {}

    public record View(
            Frame frame,
            Campaign campaign,
            String version,
            FormState form,
            FormState numberForm,
            List<NumberRow> numbers,
            Map<Long, String> publishers,
            List<BuyerRow> buyers,
            Map<Long, String> otherBuyers,
            Optional<String> refused) {}

    private final Configuring configuring;
    private final Pages pages;
    private final ConsoleRoutes.Configuration config;

    public CampaignsPage(Configuring configuring, ConsoleRoutes.Configuration config) {
        this.configuring = configuring;
        this.pages = configuring.pages();
        this.config = config;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/campaigns", (req, res, who) -> list(req, res, who, Status.OK_200, FormState.of(defaults())));
        pages.post(rules, "/campaigns", Pages.Need.CHANGE, this::create);
        pages.get(rules, "/campaigns/{id}", (req, res, who) -> show(req, res, who, Status.OK_200, null, null, null));
        pages.post(rules, "/campaigns/{id}", Pages.Need.CHANGE, this::update);
        pages.post(rules, "/campaigns/{id}/pause", Pages.Need.CHANGE, this::pause);
        pages.post(rules, "/campaigns/{id}/delete", Pages.Need.CHANGE, this::delete);
        pages.post(rules, "/campaigns/{id}/numbers", Pages.Need.CHANGE, this::addNumber);
        pages.post(rules, "/campaigns/{id}/buyers", Pages.Need.CHANGE, this::linkBuyer);
        pages.post(rules, "/campaigns/{id}/buyers/{buyer}/unlink", Pages.Need.CHANGE, this::unlinkBuyer);
    }

    private static Map<String, String> defaults() {
        return Map.of(
                "time_zone", "UTC", "use_company_default_webhooks", "true", "repeat_caller_window_seconds", "86400");
    }

    private void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState form) {
        List<Row> rows = config.campaigns().list(who.account(), all(), req).items().stream()
                .map(c -> new Row(
                        c.id(),
                        c.name(),
                        c.cid().orElse(""),
                        c.paused(),
                        c.timeZone().getId()))
                .toList();
        pages.render(
                res, status, "campaigns.jte", new ListView(pages.frame("Campaigns", "campaigns", who), rows, form));
    }

    private void create(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        var attempt = Configuring.attempt(
                FORM,
                form,
                () -> CrudRoutes.create(config.campaigns(), who.account(), FORM.body(form))
                        .value());
        if (attempt.refusal().isPresent()) {
            list(
                    req,
                    res,
                    who,
                    attempt.refusal().get().status(),
                    attempt.refusal().get().form());
            return;
        }
        Campaign created = attempt.saved().orElseThrow();
        configuring.changed(
                who, req, subject(created), "create", null, config.campaigns().wire(created));
        Pages.redirect(res, "/campaigns/" + created.id());
    }

    private void update(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        save(req, res, who, form, FORM, "update");
    }

    private void pause(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        save(req, res, who, form, PAUSE, form.first("paused").isPresent() ? "pause" : "resume");
    }

    private void save(
            ServerRequest req, ServerResponse res, SignedIn who, Form form, ConfigForm fields, String action) {
        Campaign existing = require(req, who);
        Object before = config.campaigns().wire(existing);
        Optional<String> stale = Configuring.conflict(form, before);
        if (stale.isPresent()) {
            show(req, res, who, Status.CONFLICT_409, fields.refused(form, "", stale.get()), null, null);
            return;
        }
        var attempt = Configuring.attempt(
                fields,
                form,
                () -> CrudRoutes.update(config.campaigns(), who.account(), existing, fields.body(form))
                        .value());
        if (attempt.refusal().isPresent()) {
            show(
                    req,
                    res,
                    who,
                    attempt.refusal().get().status(),
                    attempt.refusal().get().form(),
                    null,
                    null);
            return;
        }
        Campaign saved = attempt.saved().orElseThrow();
        configuring.changed(
                who, req, subject(saved), action, before, config.campaigns().wire(saved));
        Pages.redirect(res, "/campaigns/" + saved.id());
    }

    private void delete(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Campaign existing = require(req, who);
        try {
            config.campaigns().delete(who.account(), existing);
        } catch (ApiException.Conflict e) {
            show(req, res, who, Status.CONFLICT_409, null, null, e.getMessage());
            return;
        }
        configuring.changed(
                who, req, subject(existing), "delete", config.campaigns().wire(existing), null);
        Pages.redirect(res, "/campaigns");
    }

    private void addNumber(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Campaign campaign = require(req, who);
        var body = NumbersPage.FORM.body(form);
        body.put("campaign_id", campaign.id());
        var attempt = Configuring.attempt(
                NumbersPage.FORM,
                form,
                () -> CrudRoutes.create(config.numbers(), who.account(), body).value());
        if (attempt.refusal().isPresent()) {
            show(
                    req,
                    res,
                    who,
                    attempt.refusal().get().status(),
                    null,
                    attempt.refusal().get().form(),
                    null);
            return;
        }
        TrackingNumber created = attempt.saved().orElseThrow();
        configuring.changed(
                who,
                req,
                NumbersPage.subject(created),
                "create",
                null,
                config.numbers().wire(created));
        Pages.redirect(res, "/campaigns/" + campaign.id() + "#numbers");
    }

    private void linkBuyer(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Campaign campaign = require(req, who);
        long buyerId = form.first("buyer_id")
                .filter(v -> v.matches("\\d{1,18}"))
                .map(Long::parseLong)
                .orElseThrow(() -> new ApiException.BadRequest("buyer_id", "choose a buyer"));
        Buyer buyer = requireBuyer(who, buyerId);
        if (!buyer.campaignIds().contains(campaign.id())) {
            var ids = new java.util.ArrayList<>(buyer.campaignIds());
            ids.add(campaign.id());
            setCampaigns(req, who, buyer, ids, "link to campaign " + campaign.id());
        }
        Pages.redirect(res, "/campaigns/" + campaign.id() + "#buyers");
    }

    private void unlinkBuyer(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Campaign campaign = require(req, who);
        Buyer buyer = requireBuyer(who, Http.pathId(req, "buyer", "buyer"));
        var ids = buyer.campaignIds().stream().filter(id -> id != campaign.id()).toList();
        setCampaigns(req, who, buyer, ids, "unlink from campaign " + campaign.id());
        Pages.redirect(res, "/campaigns/" + campaign.id() + "#buyers");
    }

    private void setCampaigns(ServerRequest req, SignedIn who, Buyer buyer, List<Long> ids, String action) {
        var patch = Json.MAPPER.createObjectNode();
        ids.forEach(patch.putArray("campaign_ids")::add);
        if (ids.isEmpty()) {
            patch.putArray("campaign_ids");
        }
        Object before = config.buyers().wire(buyer);
        Buyer saved =
                CrudRoutes.update(config.buyers(), who.account(), buyer, patch).value();
        configuring.changed(
                who,
                req,
                new AuditLog.Subject("buyer", String.valueOf(buyer.id()), buyer.name()),
                action,
                before,
                config.buyers().wire(saved));
    }

    private Buyer requireBuyer(SignedIn who, long id) {
        return config.buyers().find(who.account(), id).orElseThrow(() -> new ApiException.NotFound("no buyer " + id));
    }

    private Campaign require(ServerRequest req, SignedIn who) {
        long id = Http.pathId(req, "id", "campaign");
        return config.campaigns()
                .find(who.account(), id)
                .orElseThrow(() -> new ApiException.NotFound("no campaign " + id));
    }

    /** The campaign's page; a null form shows the stored campaign, a non-null refusal the reason above it. */
    private void show(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            FormState form,
            FormState numberForm,
            String refused) {
        Campaign campaign = require(req, who);
        Object wire = config.campaigns().wire(campaign);
        Map<Long, String> publishers = new java.util.LinkedHashMap<>();
        config.publishers().list(who.account(), all(), req).items().forEach(p -> publishers.put(p.id(), p.name()));
        List<NumberRow> numbers = config
                .numberRepository()
                .list(who.account(), Optional.of(campaign.id()), Optional.empty(), all())
                .items()
                .stream()
                .map(n -> new NumberRow(
                        n,
                        n.publisherId()
                                .map(id -> publishers.getOrDefault(id, "#" + id))
                                .orElse(""),
                        String.join(", ", Format.tags(n.tags().asMap()))))
                .toList();
        List<BuyerRow> linked = new java.util.ArrayList<>();
        Map<Long, String> others = new java.util.LinkedHashMap<>();
        for (Buyer b : config.buyers().list(who.account(), all(), req).items()) {
            if (b.campaignIds().contains(campaign.id())) {
                linked.add(new BuyerRow(b.id(), b.name(), b.destination(), b.paused(), b.priority(), b.weight()));
            } else {
                others.put(b.id(), b.name());
            }
        }
        pages.render(
                res,
                status,
                "campaign.jte",
                new View(
                        pages.frame(campaign.name(), "campaigns", who),
                        campaign,
                        EditGuard.stamp(wire),
                        form == null ? FORM.show(wire) : form,
                        numberForm == null ? FormState.empty() : numberForm,
                        numbers,
                        publishers,
                        linked,
                        others,
                        Optional.ofNullable(refused)));
    }

    private static AuditLog.Subject subject(Campaign campaign) {
        return new AuditLog.Subject("campaign", String.valueOf(campaign.id()), campaign.name());
    }

    static PageRequest all() {
        return new PageRequest(1, PageRequest.MAX_PER_PAGE);
    }
}
