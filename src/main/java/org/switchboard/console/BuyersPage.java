package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.buyer.Buyer;

/**
 * Buyers ({@code /buyers}, {@code /buyers/{id}}): destination (number or SIP URI), ring timeout, priority and weight,
 * the weekly hours grid in the buyer's time zone, every cap with its count now beside it (and a new hard-cap period),
 * tags, tag filters, the campaigns it takes, pause; its webhooks and postback keys sections. Through the API's
 * {@code BuyerService}.
 */
public final class BuyersPage extends EntityPage<Buyer> {
    static final ConfigForm FORM = new ConfigForm(List.of(
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("cid", ConfigForm.Kind.TEXT),
            ConfigForm.field("dba_name", ConfigForm.Kind.TEXT),
            ConfigForm.field("destination", ConfigForm.Kind.TEXT),
            ConfigForm.field("ring_timeout_seconds", ConfigForm.Kind.INTEGER),
            ConfigForm.field("priority", ConfigForm.Kind.INTEGER),
            ConfigForm.field("weight", ConfigForm.Kind.INTEGER),
            ConfigForm.field("time_zone", ConfigForm.Kind.TEXT),
            ConfigForm.field("hours", ConfigForm.Kind.HOURS),
            ConfigForm.field("concurrency_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("hourly_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("daily_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("monthly_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("hard_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("paused", ConfigForm.Kind.BOOL),
            ConfigForm.field("tags", ConfigForm.Kind.LINES),
            ConfigForm.field("tag_filters", ConfigForm.Kind.LINES),
            ConfigForm.field("campaign_ids", ConfigForm.Kind.IDS)));

    public record Row(
            long id, String name, String destination, int priority, int weight, boolean paused, String campaigns) {}

    public record ListView(
            Frame frame, List<Row> buyers, FormState form, Map<Long, String> campaigns, HoursView hours) {}

    public record View(
            Frame frame,
            Buyer buyer,
            String version,
            FormState form,
            Map<Long, String> campaigns,
            HoursView hours,
            Map<String, String> capCounts,
            Optional<String> refused) {}

    private final ConsoleRoutes.Configuration config;
    private final Clock clock;

    BuyersPage(Configuring configuring, ConsoleRoutes.Configuration config, Clock clock) {
        super(configuring, config.buyers(), "/buyers", FORM);
        this.config = config;
        this.clock = clock;
    }

    @Override
    void register(HttpRules rules) {
        super.register(rules);
        pages.post(rules, "/buyers/{id}/reset_hard_cap", Pages.Need.CHANGE, (req, res, who, form) -> {
            Buyer buyer = require(req, who);
            Buyer saved = config.buyers().resetHardCap(who.account(), buyer);
            configuring.changed(who, req, object(buyer), "reset hard cap", wire(buyer), wire(saved));
            Pages.redirect(res, "/buyers/" + buyer.id() + "#caps");
        });
    }

    @Override
    FormState fresh() {
        return FormState.of(Map.of("ring_timeout_seconds", "30", "priority", "1", "weight", "1", "time_zone", "UTC"));
    }

    @Override
    String nameOf(Buyer value) {
        return value.name();
    }

    @Override
    void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState state) {
        Map<Long, String> campaigns = campaigns(req, who);
        List<Row> rows = CampaignsPage.listAll(config.buyers(), who, req).items().stream()
                .map(b -> new Row(
                        b.id(),
                        b.name(),
                        b.destination(),
                        b.priority(),
                        b.weight(),
                        b.paused(),
                        String.join(
                                ", ",
                                b.campaignIds().stream()
                                        .map(id -> campaigns.getOrDefault(id, "#" + id))
                                        .toList())))
                .toList();
        pages.render(
                res,
                status,
                "buyers.jte",
                new ListView(
                        pages.frame("Buyers", "buyers", who), rows, state, campaigns, HoursView.of(Optional.empty())));
    }

    @Override
    void item(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            Buyer buyer,
            String version,
            FormState state,
            Optional<String> refused) {
        Map<String, String> counts = CapCounts.of(
                config.routing(),
                "buyer",
                buyer.id(),
                buyer.caps(),
                buyer.timeZone(),
                buyer.hardCapResetAt(),
                clock.instant());
        pages.render(
                res,
                status,
                "buyer.jte",
                new View(
                        pages.frame(buyer.name(), "buyers", who),
                        buyer,
                        version,
                        state,
                        campaigns(req, who),
                        HoursView.of(buyer.hours()),
                        counts,
                        refused));
    }

    private Map<Long, String> campaigns(ServerRequest req, SignedIn who) {
        Map<Long, String> out = new LinkedHashMap<>();
        CampaignsPage.listAll(config.campaigns(), who, req).items().forEach(c -> out.put(c.id(), c.name()));
        return out;
    }
}
