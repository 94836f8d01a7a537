package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;

/**
 * Buyer groups ({@code /buyer_groups}, {@code /buyer_groups/{id}}): members, shared caps with their counts now, a tag
 * filter, a new hard-cap period; the group's postback keys and webhooks sections. Through the API's
 * {@code BuyerGroupService}. A group's hourly, daily and monthly windows follow each dialled member's time zone; the
 * counts shown are those of the first member's zone (UTC without members).
 */
public final class BuyerGroupsPage extends EntityPage<BuyerGroup> {
    static final ConfigForm FORM = new ConfigForm(List.of(
            ConfigForm.field("name", ConfigForm.Kind.TEXT),
            ConfigForm.field("buyer_ids", ConfigForm.Kind.IDS),
            ConfigForm.field("concurrency_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("hourly_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("daily_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("monthly_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("hard_cap", ConfigForm.Kind.INTEGER),
            ConfigForm.field("tag_filters", ConfigForm.Kind.LINES)));

    public record Row(long id, String name, String members) {}

    public record ListView(Frame frame, List<Row> groups, FormState form, Map<Long, String> buyers) {}

    public record View(
            Frame frame,
            BuyerGroup group,
            String version,
            FormState form,
            Map<Long, String> buyers,
            Map<String, String> capCounts,
            String zone,
            Optional<String> refused) {}

    private final ConsoleRoutes.Configuration config;
    private final Clock clock;

    BuyerGroupsPage(Configuring configuring, ConsoleRoutes.Configuration config, Clock clock) {
        super(configuring, config.groups(), "/buyer_groups", FORM);
        this.config = config;
        this.clock = clock;
    }

    @Override
    void register(HttpRules rules) {
        super.register(rules);
        pages.post(rules, "/buyer_groups/{id}/reset_hard_cap", Pages.Need.CHANGE, (req, res, who, form) -> {
            BuyerGroup group = require(req, who);
            BuyerGroup saved = config.groups().resetHardCap(who.account(), group);
            configuring.changed(who, req, object(group), "reset hard cap", wire(group), wire(saved));
            Pages.redirect(res, "/buyer_groups/" + group.id() + "#caps");
        });
    }

    @Override
    String nameOf(BuyerGroup value) {
        return value.name();
    }

    @Override
    void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState state) {
        Map<Long, String> buyers = buyers(req, who);
        List<Row> rows = CampaignsPage.listAll(config.groups(), who, req).items().stream()
                .map(g -> new Row(
                        g.id(),
                        g.name(),
                        String.join(
                                ", ",
                                g.buyerIds().stream()
                                        .map(id -> buyers.getOrDefault(id, "#" + id))
                                        .toList())))
                .toList();
        pages.render(
                res,
                status,
                "buyer_groups.jte",
                new ListView(pages.frame("Buyer groups", "buyer_groups", who), rows, state, buyers));
    }

    @Override
    void item(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            BuyerGroup group,
            String version,
            FormState state,
            Optional<String> refused) {
        ZoneId zone = group.buyerIds().stream()
                .findFirst()
                .flatMap(id -> config.buyers().find(who.account(), id))
                .map(Buyer::timeZone)
                .orElse(ZoneOffset.UTC);
        Map<String, String> counts = CapCounts.of(
                config.routing(), "group", group.id(), group.caps(), zone, group.hardCapResetAt(), clock.instant());
        pages.render(
                res,
                status,
                "buyer_group.jte",
                new View(
                        pages.frame(group.name(), "buyer_groups", who),
                        group,
                        version,
                        state,
                        buyers(req, who),
                        counts,
                        zone.getId(),
                        refused));
    }

    private Map<Long, String> buyers(ServerRequest req, SignedIn who) {
        Map<Long, String> out = new LinkedHashMap<>();
        CampaignsPage.listAll(config.buyers(), who, req).items().forEach(b -> out.put(b.id(), b.name()));
        return out;
    }
}
