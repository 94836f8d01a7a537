package org.switchboard.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.account.Account;
import org.switchboard.account.AccountRoutes;
import org.switchboard.account.Feature;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

/**
 * The company settings ({@code /company}): the account's name and features (Real Time Bidding, live call control),
 * through the API's own update ({@link AccountRoutes#update}); its default webhooks and company-level postback keys as
 * sections. Features decide which keys partners can be given, so only admins change them; everyone sees them.
 */
public final class CompanyPage {
    public record View(Frame frame, Account account, String stamp, FormState form, List<String> features) {}

    private final Configuring configuring;
    private final Pages pages;
    private final ConsoleRoutes.Configuration config;

    CompanyPage(Configuring configuring, ConsoleRoutes.Configuration config) {
        this.configuring = configuring;
        this.pages = configuring.pages();
        this.config = config;
    }

    void register(HttpRules rules) {
        pages.get(rules, "/company", (req, res, who) -> show(res, who, Status.OK_200, null));
        pages.post(rules, "/company", Pages.Need.ADMIN, this::update);
    }

    private Account account(SignedIn who) {
        return config.accounts().find(who.account()).orElseThrow(() -> new Problem.NotFound("no account"));
    }

    private void update(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        Account existing = account(who);
        Object before = AccountRoutes.wire(existing);
        Optional<String> conflict = Configuring.conflict(form, before);
        if (conflict.isPresent()) {
            show(res, who, Status.CONFLICT_409, typed(form, Map.of("", conflict.get())));
            return;
        }
        try {
            Account saved = AccountRoutes.update(config.accounts(), who.account(), body(form));
            configuring.changed(
                    who,
                    req,
                    new AuditLog.Subject("company", String.valueOf(saved.id().value()), saved.name()),
                    "update",
                    before,
                    AccountRoutes.wire(saved));
        } catch (Problem.Invalid e) {
            show(res, who, Status.BAD_REQUEST_400, typed(form, Map.of(e.field().orElse(""), e.getMessage())));
            return;
        }
        Pages.redirect(res, "/company");
    }

    /** The API body: {@code {"name", "features": {"real_time_bidding": true, ...}}}. */
    private static ObjectNode body(Form form) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", form.first("name").orElse(""));
        ObjectNode features = body.putObject("features");
        for (Feature feature : Feature.values()) {
            String name = "features." + feature.word();
            features.put(feature.word(), ConfigForm.ticked(form.keyToValues().getOrDefault(name, List.of())));
        }
        return body;
    }

    private static FormState typed(Form form, Map<String, String> errors) {
        return new FormState(form.keyToValues(), errors);
    }

    private static FormState stored(Account account) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        values.put("name", List.of(account.name()));
        for (Feature feature : account.features()) {
            values.put("features." + feature.word(), List.of("true"));
        }
        return new FormState(values, Map.of());
    }

    private void show(ServerResponse res, SignedIn who, Status status, @Nullable FormState form) {
        Account account = account(who);
        pages.render(
                res,
                status,
                "company.jte",
                new View(
                        pages.frame("Company", "company", who),
                        account,
                        EditGuard.stamp(AccountRoutes.wire(account)),
                        form == null ? stored(account) : form,
                        Arrays.stream(Feature.values()).map(Feature::word).toList()));
    }
}
