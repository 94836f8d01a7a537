package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.number.TrackingNumber;
import org.switchboard.platform.http.ApiException;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;

/**
 * Tracking numbers ({@code /numbers}, {@code /numbers/{id}}): every number with its campaign, publisher, tags and
 * webhook lock; adding one (normalised to E.164 by the API's rules, the problem named beside the field); a number's
 * page to edit, move or delete it; the lock icon that unlocks its webhooks (copying the campaign's) and locks them
 * again.
 */
public final class NumbersPage {
    static final ConfigForm FORM = new ConfigForm(List.of(
            ConfigForm.field("number", ConfigForm.Kind.TEXT),
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("publisher_id", ConfigForm.Kind.INTEGER),
            ConfigForm.field("tags", ConfigForm.Kind.LINES)));
    private static final ConfigForm EDIT = new ConfigForm(List.of(
            ConfigForm.field("number", ConfigForm.Kind.TEXT),
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("campaign_id", ConfigForm.Kind.INTEGER),
            ConfigForm.field("publisher_id", ConfigForm.Kind.INTEGER),
            ConfigForm.field("tags", ConfigForm.Kind.LINES)));

    public record Row(TrackingNumber number, String campaign, String publisher, String tags) {}

    public record ListView(
            Frame frame,
            List<Row> numbers,
            Map<Long, String> campaigns,
            Map<Long, String> publishers,
            FormState form) {}

    public record View(
            Frame frame,
            TrackingNumber number,
            String version,
            FormState form,
            Map<Long, String> campaigns,
            Map<Long, String> publishers,
            Optional<String> refused) {}

    private final Configuring configuring;
    private final Pages pages;
    private final ConsoleRoutes.Configuration config;

    public NumbersPage(Configuring configuring, ConsoleRoutes.Configuration config) {
        this.configuring = configuring;
        this.pages = configuring.pages();
        this.config = config;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/numbers", (req, res, who) -> list(req, res, who, Status.OK_200, FormState.empty()));
        pages.post(rules, "/numbers", Pages.Need.CHANGE, this::create);
        pages.get(rules, "/numbers/{id}", (req, res, who) -> show(req, res, who, Status.OK_200, null, null));
        pages.post(rules, "/numbers/{id}", Pages.Need.CHANGE, this::update);
        pages.post(rules, "/numbers/{id}/delete", Pages.Need.CHANGE, this::delete);
        pages.post(rules, "/numbers/{id}/unlock_webhooks", Pages.Need.CHANGE, (req, res, who, form) -> {
            TrackingNumber number = require(req, who);
            config.numberLocks().unlock(who.account(), number.id());
            configuring.changed(who, req, subject(number), "unlock webhooks", wire(number), wire(require(req, who)));
            Pages.redirect(res, back(form, number));
        });
        pages.post(rules, "/numbers/{id}/lock_webhooks", Pages.Need.CHANGE, (req, res, who, form) -> {
            TrackingNumber number = require(req, who);
            config.numberLocks().lock(who.account(), number.id());
            configuring.changed(who, req, subject(number), "lock webhooks", wire(number), wire(require(req, who)));
            Pages.redirect(res, back(form, number));
        });
    }

    /** Where a lock button goes back to: a local page it names, else the number's page. */
    private static String back(Form form, TrackingNumber number) {
        return form.first("back")
                .filter(b -> b.startsWith("/") && !b.startsWith("//") && !b.startsWith("/\\"))
                .orElse("/numbers/" + number.id());
    }

    private void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState form) {
        Map<Long, String> campaigns = campaigns(req, who);
        Map<Long, String> publishers = publishers(req, who);
        List<Row> rows = config
                .numberRepository()
                .list(who.account(), Optional.empty(), Optional.empty(), CampaignsPage.all())
                .items()
                .stream()
                .map(n -> new Row(
                        n,
                        campaigns.getOrDefault(n.campaignId(), "#" + n.campaignId()),
                        n.publisherId()
                                .map(id -> publishers.getOrDefault(id, "#" + id))
                                .orElse(""),
                        String.join(", ", Format.tags(n.tags().asMap()))))
                .toList();
        pages.render(
                res,
                status,
                "numbers.jte",
                new ListView(pages.frame("Tracking numbers", "numbers", who), rows, campaigns, publishers, form));
    }

    private void create(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        var attempt = Configuring.attempt(
                EDIT,
                form,
                () -> CrudRoutes.create(config.numbers(), who.account(), EDIT.body(form))
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
        TrackingNumber created = attempt.saved().orElseThrow();
        configuring.changed(
                who, req, subject(created), "create", null, config.numbers().wire(created));
        Pages.redirect(res, "/numbers");
    }

    private void update(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        TrackingNumber existing = require(req, who);
        Object before = config.numbers().wire(existing);
        Optional<String> stale = Configuring.conflict(form, before);
        if (stale.isPresent()) {
            show(req, res, who, Status.CONFLICT_409, EDIT.refused(form, "", stale.get()), null);
            return;
        }
        var attempt = Configuring.attempt(
                EDIT,
                form,
                () -> CrudRoutes.update(config.numbers(), who.account(), existing, EDIT.body(form))
                        .value());
        if (attempt.refusal().isPresent()) {
            show(
                    req,
                    res,
                    who,
                    attempt.refusal().get().status(),
                    attempt.refusal().get().form(),
                    null);
            return;
        }
        TrackingNumber saved = attempt.saved().orElseThrow();
        configuring.changed(
                who, req, subject(saved), "update", before, config.numbers().wire(saved));
        Pages.redirect(res, "/numbers/" + saved.id());
    }

    private void delete(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        TrackingNumber existing = require(req, who);
        try {
            config.numbers().delete(who.account(), existing);
        } catch (ApiException.Conflict e) {
            show(req, res, who, Status.CONFLICT_409, null, e.getMessage());
            return;
        }
        configuring.changed(
                who, req, subject(existing), "delete", config.numbers().wire(existing), null);
        Pages.redirect(res, "/campaigns/" + existing.campaignId() + "#numbers");
    }

    static AuditLog.Subject subject(TrackingNumber number) {
        return new AuditLog.Subject("tracking_number", String.valueOf(number.id()), number.number());
    }

    private Object wire(TrackingNumber number) {
        return config.numbers().wire(number);
    }

    private TrackingNumber require(ServerRequest req, SignedIn who) {
        long id = Http.pathId(req, "id", "tracking number");
        return config.numbers()
                .find(who.account(), id)
                .orElseThrow(() -> new ApiException.NotFound("no tracking number " + id));
    }

    private void show(
            ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState form, String refused) {
        TrackingNumber number = require(req, who);
        Object wire = config.numbers().wire(number);
        pages.render(
                res,
                status,
                "number.jte",
                new View(
                        pages.frame(number.number(), "numbers", who),
                        number,
                        EditGuard.stamp(wire),
                        form == null ? EDIT.show(wire) : form,
                        campaigns(req, who),
                        publishers(req, who),
                        Optional.ofNullable(refused)));
    }

    private Map<Long, String> campaigns(ServerRequest req, SignedIn who) {
        Map<Long, String> out = new LinkedHashMap<>();
        config.campaigns()
                .list(who.account(), CampaignsPage.all(), req)
                .items()
                .forEach(c -> out.put(c.id(), c.name()));
        return out;
    }

    private Map<Long, String> publishers(ServerRequest req, SignedIn who) {
        Map<Long, String> out = new LinkedHashMap<>();
        config.publishers()
                .list(who.account(), CampaignsPage.all(), req)
                .items()
                .forEach(p -> out.put(p.id(), p.name()));
        return out;
    }
}
