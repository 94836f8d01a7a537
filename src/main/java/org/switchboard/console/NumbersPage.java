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
import org.switchboard.platform.http.Form;

/**
 * Tracking numbers ({@code /numbers}, {@code /numbers/{id}}): every number with its campaign, publisher, tags and
 * webhook lock; adding one (normalised to E.164 by the API's rules, the problem named beside the field); a number's
 * page to edit, move or delete it; the lock icon that unlocks its webhooks (copying the campaign's) and locks them
 * again ({@code NumberWebhookLock}, as the API's {@code unlock_webhooks} / {@code lock_webhooks}).
 */
public final class NumbersPage extends EntityPage<TrackingNumber> {
    /** A new number on its campaign's page (the campaign is the page's). */
    static final ConfigForm NEW = new ConfigForm(List.of(
            ConfigForm.field("number", ConfigForm.Kind.TEXT),
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("publisher_id", ConfigForm.Kind.INTEGER),
            ConfigForm.field("tags", ConfigForm.Kind.LINES)));

    static final ConfigForm FORM = new ConfigForm(List.of(
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

    private final ConsoleRoutes.Configuration config;

    public NumbersPage(Configuring configuring, ConsoleRoutes.Configuration config) {
        super(configuring, config.numbers(), "/numbers", FORM);
        this.config = config;
    }

    @Override
    void register(HttpRules rules) {
        super.register(rules);
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

    @Override
    String nameOf(TrackingNumber value) {
        return value.number();
    }

    static AuditLog.Subject subject(TrackingNumber number) {
        return new AuditLog.Subject("tracking_number", String.valueOf(number.id()), number.number());
    }

    /** Where a lock button goes back to: a local page it names, else the number's page. */
    private static String back(Form form, TrackingNumber number) {
        return form.first("back")
                .filter(b -> b.startsWith("/") && !b.startsWith("//") && !b.startsWith("/\\"))
                .orElse("/numbers/" + number.id());
    }

    @Override
    void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState form) {
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

    @Override
    void item(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            TrackingNumber number,
            String version,
            FormState form,
            Optional<String> refused) {
        pages.render(
                res,
                status,
                "number.jte",
                new View(
                        pages.frame(number.number(), "numbers", who),
                        number,
                        version,
                        form,
                        campaigns(req, who),
                        publishers(req, who),
                        refused));
    }

    private Map<Long, String> campaigns(ServerRequest req, SignedIn who) {
        Map<Long, String> out = new LinkedHashMap<>();
        CampaignsPage.listAll(config.campaigns(), who, req).items().forEach(c -> out.put(c.id(), c.name()));
        return out;
    }

    private Map<Long, String> publishers(ServerRequest req, SignedIn who) {
        Map<Long, String> out = new LinkedHashMap<>();
        CampaignsPage.listAll(config.publishers(), who, req).items().forEach(p -> out.put(p.id(), p.name()));
        return out;
    }
}
