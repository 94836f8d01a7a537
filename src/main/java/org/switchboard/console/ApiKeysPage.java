package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.account.ApiKey;
import org.switchboard.account.ApiKeys;
import org.switchboard.account.NewApiKey;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;

/**
 * The account's API keys, for admins ({@code /api_keys}): the keys with their names and hints, a new key (its secret
 * shown once, on the page that creates it), deleting one. The rules are the API's ({@link ApiKeys}): the last key
 * cannot be deleted.
 */
public final class ApiKeysPage {
    /** A key as listed: its name and last characters, never the key. */
    public record Row(long id, String name, String hint, String createdAt) {
        static Row of(ApiKey key) {
            return new Row(key.id(), key.name(), key.hint(), Format.instant(key.createdAt()));
        }
    }

    /**
     * {@code created}: the key just made, whose secret is shown this once; {@code refused}: why a deletion did not
     * happen.
     */
    public record View(
            Frame frame,
            List<Row> keys,
            Map<String, String> form,
            Map<String, String> fieldToError,
            Optional<String> createdName,
            Optional<String> createdSecret,
            Optional<String> refused) {}

    private final Pages pages;
    private final ApiKeys keys;

    public ApiKeysPage(Pages pages, ApiKeys keys) {
        this.pages = pages;
        this.keys = keys;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/api_keys", (req, res, who) -> {
            if (!who.role().managesUsers()) {
                throw new Problem.Forbidden("Only admins manage API keys.");
            }
            show(res, Status.OK_200, who, Map.of(), Map.of(), Optional.empty(), Optional.empty());
        });
        pages.post(rules, "/api_keys", Pages.Need.ADMIN, (req, res, who, form) -> {
            String name = form.first("name").orElse("");
            try {
                NewApiKey created = keys.create(who.account(), name);
                show(res, Status.OK_200, who, Map.of(), Map.of(), Optional.of(created), Optional.empty());
            } catch (Problem.Invalid e) {
                show(
                        res,
                        Status.BAD_REQUEST_400,
                        who,
                        Map.of("name", name),
                        Map.of(e.field().orElse("name"), e.getMessage()),
                        Optional.empty(),
                        Optional.empty());
            }
        });
        pages.post(rules, "/api_keys/{id}/delete", Pages.Need.ADMIN, (req, res, who, form) -> {
            try {
                keys.delete(who.account(), Http.pathId(req, "id", "API key"));
            } catch (Problem.Conflict e) {
                show(res, Status.CONFLICT_409, who, Map.of(), Map.of(), Optional.empty(), Optional.of(e.getMessage()));
                return;
            }
            Pages.redirect(res, "/api_keys");
        });
    }

    private void show(
            ServerResponse res,
            Status status,
            SignedIn who,
            Map<String, String> form,
            Map<String, String> errors,
            Optional<NewApiKey> created,
            Optional<String> refused) {
        pages.render(
                res,
                status,
                "api_keys.jte",
                new View(
                        pages.frame("API keys", "api_keys", who),
                        keys.list(who.account()).stream().map(Row::of).toList(),
                        form,
                        errors,
                        created.map(c -> c.key().name()),
                        created.map(NewApiKey::secret),
                        refused));
    }
}
