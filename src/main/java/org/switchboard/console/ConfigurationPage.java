package org.switchboard.console;

import io.helidon.webserver.http.HttpRules;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.http.Http;

/**
 * {@code /configuration}: the configuration sections of one owner on a page of their own ({@code ?owner=campaign:12}),
 * each loaded from its section URL as the entity pages embed it; without an owner, the account's owners to choose
 * from.
 */
public final class ConfigurationPage {
    /** The page: an owner's sections, or the choice of owners. */
    public record View(
            Frame frame,
            Optional<OwnerRef> owner,
            String ownerName,
            List<ConfigOwners.Choice> campaigns,
            List<ConfigOwners.Choice> buyers,
            List<ConfigOwners.Choice> publishers) {}

    private final Pages pages;
    private final ConfigOwners owners;

    public ConfigurationPage(Pages pages, ConfigOwners owners) {
        this.pages = pages;
        this.owners = owners;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/configuration", (req, res, who) -> {
            Optional<OwnerRef> owner = Http.query(req, "owner").map(o -> OwnerRef.parse(Optional.of(o)));
            String name = owner.map(o -> owners.requireName(who.account(), o)).orElse("");
            pages.render(
                    res,
                    "configuration.jte",
                    new View(
                            pages.frame(owner.isPresent() ? name : "Configuration", "configuration", who),
                            owner,
                            name,
                            owners.campaigns(who.account()),
                            owners.buyers(who.account()),
                            owners.publishers(who.account())));
        });
    }
}
