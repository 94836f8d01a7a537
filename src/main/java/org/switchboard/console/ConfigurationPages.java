package org.switchboard.console;

import io.helidon.webserver.http.HttpRules;
import org.switchboard.call.CallRepository;
import org.switchboard.callerlist.CallerListRepository;
import org.switchboard.callerlist.CallerListRoutes;
import org.switchboard.callerlist.CallerListUploads;
import org.switchboard.configurator.Configurator;
import org.switchboard.conversion.ConversionCriterionRoutes;
import org.switchboard.postback.PostbackKeyRoutes;
import org.switchboard.webhook.DeliveryWorker;
import org.switchboard.webhook.WebhookRoutes;

/**
 * The console's configuration pages for what hangs off campaigns, numbers, buyers, groups, publishers and the
 * company: webhooks (with the test-fire wizard and the configurator), postback keys, conversion criteria and caller
 * lists. Each saves through the API routes' own code, handed in here.
 */
public final class ConfigurationPages {
    /** What the pages save through and read. */
    public record Sources(
            ConfigOwners owners,
            WebhookRoutes webhooks,
            PostbackKeyRoutes postbackKeys,
            ConversionCriterionRoutes criteria,
            CallerListRoutes callerLists,
            CallerListRepository callerListRepository,
            CallerListUploads uploads,
            CallRepository calls,
            AuditLog audit,
            DeliveryWorker deliveryWorker) {}

    private final Pages pages;
    private final Sources sources;

    public ConfigurationPages(Pages pages, Sources sources) {
        this.pages = pages;
        this.sources = sources;
    }

    public void register(HttpRules rules) {
        new ConfigurationPage(pages, sources.owners()).register(rules);
        new WebhookPages(
                        pages,
                        sources.webhooks(),
                        sources.owners(),
                        sources.calls(),
                        sources.audit(),
                        sources.deliveryWorker())
                .register(rules);
        new PostbackKeyPages(pages, sources.postbackKeys(), sources.owners(), sources.audit()).register(rules);
        new CriterionPages(pages, sources.criteria(), sources.owners(), sources.audit()).register(rules);
        new CallerListPages(
                        pages,
                        sources.callerLists(),
                        sources.callerListRepository(),
                        sources.uploads(),
                        sources.owners(),
                        sources.audit())
                .register(rules);
        new ConfiguratorPage(
                        pages,
                        Configurator::bundled,
                        sources.webhooks(),
                        sources.criteria(),
                        sources.owners(),
                        sources.audit())
                .register(rules);
    }
}
