package org.switchboard.console;

import io.helidon.webserver.http.HttpRules;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.account.AccountRepository;
import org.switchboard.account.ApiKeys;
import org.switchboard.buyer.BuyerGroupService;
import org.switchboard.buyer.BuyerService;
import org.switchboard.call.CallRepository;
import org.switchboard.campaign.Campaign;
import org.switchboard.conversion.ConversionRepository;
import org.switchboard.conversion.ReportRepository;
import org.switchboard.directory.Directory;
import org.switchboard.number.TrackingNumber;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.platform.config.PublicUrl;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.secret.Secrets;
import org.switchboard.postback.PostbackLog;
import org.switchboard.publisher.Publisher;
import org.switchboard.routing.RoutingService;
import org.switchboard.rtb.RtbLog;
import org.switchboard.webhook.DeliveryRepository;
import org.switchboard.webhook.DeliveryWorker;
import org.switchboard.webhook.FiredPixelRepository;
import org.switchboard.webhook.NumberWebhookLock;

/**
 * The web console: builds the pages and their shared parts and registers them. Pages call the same repositories and
 * services as the JSON API (handed in by the composition root); this class only assembles.
 */
public final class ConsoleRoutes {
    private final UserRepository users;
    private final ConsoleSessions sessions;
    private final Passwords passwords = new Passwords();
    private final Assets assets = new Assets();
    private final Pages pages;
    private final AuditLog auditLog;
    private final PublicUrl publicUrl;
    private final LiveState live;
    private final Clock clock;

    /**
     * @param live where sign-in failures are counted (shared by the nodes when it is in Redis)
     * @param publicUrl the console's public base URL (set-password links start with it; https makes cookies Secure)
     */
    public ConsoleRoutes(Jdbi jdbi, LiveState live, Clock clock, PublicUrl publicUrl) {
        this.live = live;
        this.clock = clock;
        this.publicUrl = publicUrl;
        this.users = new UserRepository(jdbi, clock);
        this.sessions = new ConsoleSessions(users, clock, publicUrl.secure());
        this.pages = new Pages(new Templates(), sessions, assets);
        this.auditLog = new AuditLog(jdbi, clock);
    }

    /** Where the configuration pages record every change. */
    public AuditLog auditLog() {
        return auditLog;
    }

    public ConsoleSessions sessions() {
        return sessions;
    }

    public Pages pages() {
        return pages;
    }

    /** What the pages read: the same repositories the JSON API reads. */
    public record Sources(
            Names.Sources names,
            CallRepository calls,
            FiredPixelRepository pixels,
            ConversionRepository conversions,
            ReportRepository reports,
            PostbackLog postbackLog,
            RtbLog rtbLog,
            ApiKeys apiKeys,
            DeliveryRepository deliveries,
            DeliveryWorker deliveryWorker) {}

    /**
     * What the configuration pages change, through the API's own services (their rules are the pages' rules; their
     * writes announce the change to the caches, as an API write does).
     */
    public record Configuration(
            CrudRoutes.Resource<Campaign> campaigns,
            CrudRoutes.Resource<TrackingNumber> numbers,
            TrackingNumberRepository numberRepository,
            CrudRoutes.Resource<Publisher> publishers,
            BuyerService buyers,
            BuyerGroupService groups,
            CrudRoutes.Resource<Directory> directories,
            AccountRepository accounts,
            NumberWebhookLock numberLocks,
            RoutingService routing) {}

    /** Registers the configuration pages (campaigns, numbers, buyers and groups, publishers, directories, company). */
    public void registerConfiguration(HttpRules rules, Configuration config) {
        var configuring = new Configuring(pages, auditLog);
        new CampaignsPage(configuring, config).register(rules);
        new NumbersPage(configuring, config).register(rules);
        new PublishersPage(configuring, config).register(rules);
        new BuyersPage(configuring, config, clock).register(rules);
        new BuyerGroupsPage(configuring, config, clock).register(rules);
        new DirectoriesPage(configuring, config).register(rules);
        new CompanyPage(configuring, config).register(rules);
        new AuditLogPage(pages, auditLog, users).register(rules);
    }

    /**
     * Registers the pages; before the API's own {@code /call_reservations/{uuid}}, whose HTML form for browsers this
     * adds.
     */
    public void register(HttpRules rules, Sources sources) {
        assets.register(rules);
        rules.get("/", (req, res) -> Pages.redirect(res, "/dashboard"));
        new SignInPage(pages, users, passwords, new SignInThrottle(live, clock)).register(rules);
        new UsersPage(pages, users, publicUrl).register(rules);
        new ApiKeysPage(pages, sources.apiKeys()).register(rules);
        new DashboardPage(pages, sources.reports(), sources.rtbLog(), clock).register(rules);
        new ReportsPage(pages, sources.reports(), sources.names(), clock).register(rules);
        new CallLogPage(pages, sources.calls(), sources.pixels(), sources.conversions(), sources.names())
                .register(rules);
        var postbacks = new PostbackLogPage(pages, sources.postbackLog());
        postbacks.register(rules);
        new CallPage(
                        pages,
                        sources.calls(),
                        sources.pixels(),
                        sources.conversions(),
                        sources.names(),
                        postbacks,
                        new CallPage.Replays(sources.deliveries(), sources.deliveryWorker(), auditLog))
                .register(rules);
        new RtbPage(pages, sources.rtbLog(), sources.names(), clock).register(rules);
    }

    /** A user with a password already set (the demo admin; tests sign people in this way). */
    public User addUser(AccountId account, String email, String displayName, Role role, String password) {
        User user = users.create(account, email, displayName, role);
        users.setPassword(account, user.id(), passwords.hash(password));
        return users.find(account, user.id()).orElseThrow();
    }

    /**
     * Gives the first account its first admin when no user exists yet (a new store, or one from before the console):
     * a one-time set-password link to print, or with {@code demo} a demo admin whose password is printed.
     */
    public Optional<String> ensureFirstAdmin(boolean demo) {
        if (users.countUsers() > 0) {
            return Optional.empty();
        }
        Optional<AccountId> account = users.firstAccount();
        if (account.isEmpty()) {
            return Optional.empty();
        }
        if (demo) {
            String password = Secrets.randomBase58(16);
            User user = addUser(account.get(), "demo@switchboard.local", "Demo Admin", Role.ADMIN, password);
            return Optional.of("  Console: " + publicUrl.get() + "/sign_in as " + user.email() + " with password "
                    + password + " (shown only now)\n");
        }
        User user = users.create(account.get(), "admin@switchboard.local", "Admin", Role.ADMIN);
        return Optional.of("  Console: set the password of " + user.email() + " (admin) at " + publicUrl.get()
                + "/set_password/" + users.newPasswordLink(user) + " (one-time link, shown only now, valid "
                + UserRepository.LINK_LIFETIME.toDays() + " days)\n");
    }
}
