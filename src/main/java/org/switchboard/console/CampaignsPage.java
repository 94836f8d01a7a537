package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.buyer.Buyer;
import org.switchboard.campaign.Campaign;
import org.switchboard.number.TrackingNumber;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;

/**
 * Campaigns ({@code /campaigns}, {@code /campaigns/{id}}): the list with a form for a new one; a campaign's page with
 * every field, pause, delete (the API's refusal shown), its tracking numbers (add one, each with its webhook lock), the
 * buyers linked to it, and the sections of webhooks, conversion criteria, postback keys and caller lists. Saves go
 * through the API's {@code CampaignService} and {@code TrackingNumberService}.
 */
public final class CampaignsPage extends EntityPage<Campaign> {
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

    private final ConsoleRoutes.Configuration config;

    public CampaignsPage(Configuring configuring, ConsoleRoutes.Configuration config) {
        super(configuring, config.campaigns(), "/campaigns", FORM);
        this.config = config;
    }

    @Override
    void register(HttpRules rules) {
        super.register(rules);
        pages.post(
                rules,
                "/campaigns/{id}/pause",
                Pages.Need.CHANGE,
                (req, res, who, form) ->
                        save(req, res, who, form, PAUSE, form.first("paused").isPresent() ? "pause" : "resume"));
        pages.post(rules, "/campaigns/{id}/numbers", Pages.Need.CHANGE, this::addNumber);
        pages.post(rules, "/campaigns/{id}/buyers", Pages.Need.CHANGE, this::linkBuyer);
        pages.post(rules, "/campaigns/{id}/buyers/{buyer}/unlink", Pages.Need.CHANGE, this::unlinkBuyer);
    }

    @Override
    String nameOf(Campaign value) {
        return value.name();
    }

    @Override
    FormState fresh() {
        return FormState.of(Map.of(
                "time_zone", "UTC", "use_company_default_webhooks", "true", "repeat_caller_window_seconds", "86400"));
    }

    @Override
    void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState form) {
        List<Row> rows = listAll(config.campaigns(), who, req).items().stream()
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

    @Override
    void item(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            Campaign campaign,
            String version,
            FormState form,
            Optional<String> refused) {
        render(req, res, who, status, campaign, version, form, FormState.empty(), refused);
    }

    private void addNumber(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Campaign campaign = require(req, who);
        var body = NumbersPage.NEW.body(form);
        body.put("campaign_id", campaign.id());
        var attempt = Configuring.attempt(
                NumbersPage.NEW,
                form,
                () -> CrudRoutes.create(config.numbers(), who.account(), body).value());
        if (attempt.refusal().isPresent()) {
            Object wire = wire(campaign);
            render(
                    req,
                    res,
                    who,
                    attempt.refusal().get().status(),
                    campaign,
                    EditGuard.stamp(wire),
                    FORM.show(wire),
                    attempt.refusal().get().form(),
                    Optional.empty());
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
                .orElseThrow(() -> new Problem.Invalid("buyer_id", "choose a buyer"));
        Buyer buyer = requireBuyer(who, buyerId);
        if (!buyer.campaignIds().contains(campaign.id())) {
            var ids = new ArrayList<>(buyer.campaignIds());
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
        var array = patch.putArray("campaign_ids");
        ids.forEach(array::add);
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
        return config.buyers().find(who.account(), id).orElseThrow(() -> new Problem.NotFound("no buyer " + id));
    }

    private void render(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            Campaign campaign,
            String version,
            FormState form,
            FormState numberForm,
            Optional<String> refused) {
        Map<Long, String> publishers = new LinkedHashMap<>();
        listAll(config.publishers(), who, req).items().forEach(p -> publishers.put(p.id(), p.name()));
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
        List<BuyerRow> linked = new ArrayList<>();
        Map<Long, String> others = new LinkedHashMap<>();
        for (Buyer b : listAll(config.buyers(), who, req).items()) {
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
                        version,
                        form,
                        numberForm,
                        numbers,
                        publishers,
                        linked,
                        others,
                        refused));
    }

    /** The first page of the largest size the API lists (the menus and tables of the configuration pages). */
    static PageRequest all() {
        return new PageRequest(1, PageRequest.MAX_PER_PAGE);
    }

    /**
     * The first page of the largest size of {@code resource}'s list (the menus and tables of the configuration pages),
     * with the id filters the request gives, as the API reads them.
     */
    static <T> Page<T> listAll(CrudRoutes.Resource<T> resource, SignedIn who, ServerRequest req) {
        return resource.list(who.account(), CrudRoutes.listQuery(resource, req, all()));
    }
}
