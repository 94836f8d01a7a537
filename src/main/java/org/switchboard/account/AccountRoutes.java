package org.switchboard.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.secret.Secrets;

/**
 * The caller's own account and its API keys, and account creation by the operator. A new key's secret appears in
 * exactly one response, the one that created it.
 */
public final class AccountRoutes {
    private final AccountRepository accounts;
    private final ApiKeys keys;
    private final Authenticator auth;
    private final Optional<String> operatorToken;

    public AccountRoutes(AccountRepository accounts, Authenticator auth, Optional<String> operatorToken) {
        this.accounts = accounts;
        this.keys = new ApiKeys(accounts);
        this.auth = auth;
        this.operatorToken = operatorToken;
    }

    record AccountOut(long id, String name, Map<String, Boolean> features, String createdAt) {
        static AccountOut of(Account account) {
            Map<String, Boolean> features = new LinkedHashMap<>();
            for (Feature feature : Feature.values()) {
                features.put(feature.word(), account.has(feature));
            }
            return new AccountOut(
                    account.id().value(),
                    account.name(),
                    features,
                    account.createdAt().toString());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ApiKeyOut(
            long id,
            String name,
            String hint,
            String createdAt,
            @Nullable String key) {
        static ApiKeyOut of(ApiKey key, @Nullable String secret) {
            return new ApiKeyOut(
                    key.id(), key.name(), key.hint(), key.createdAt().toString(), secret);
        }
    }

    record NewAccountOut(AccountOut account, ApiKeyOut apiKey) {}

    public void register(HttpRules rules) {
        rules.get("/api/v2/account", (req, res) -> Http.ok(res, AccountOut.of(current(auth.require(req)))));
        io.helidon.webserver.http.Handler rename = (req, res) -> {
            AccountId account = auth.require(req);
            Http.ok(res, AccountOut.of(update(accounts, account, Http.jsonObject(req))));
        };
        rules.put("/api/v2/account", rename);
        rules.patch("/api/v2/account", rename);

        rules.get(
                "/api/v2/api_keys",
                (req, res) -> Http.ok(
                        res,
                        keys.list(auth.require(req)).stream()
                                .map(key -> ApiKeyOut.of(key, null))
                                .toList()));
        rules.post("/api/v2/api_keys", (req, res) -> {
            AccountId account = auth.require(req);
            JsonFields fields = new JsonFields(Http.jsonObject(req));
            String name = fields.requiredText("name", ApiKeys.MAX_NAME);
            fields.finish();
            NewApiKey created = keys.create(account, name);
            Http.created(res, "/api/v2/api_keys/" + created.key().id(), ApiKeyOut.of(created.key(), created.secret()));
        });
        rules.delete("/api/v2/api_keys/{id}", (req, res) -> {
            AccountId account = auth.require(req);
            keys.delete(account, Http.pathId(req, "id", "API key"));
            Http.noContent(res);
        });

        rules.post("/api/v2/accounts", (req, res) -> {
            requireOperator(req);
            ObjectNode body = Http.jsonObject(req);
            JsonFields fields = new JsonFields(body);
            String name = fields.requiredText("name", 200);
            fields.finish();
            AccountRepository.NewAccount created = accounts.create(name, "first key", newSecret());
            Http.created(
                    res,
                    "/api/v2/account",
                    new NewAccountOut(
                            AccountOut.of(created.account()),
                            ApiKeyOut.of(created.key().key(), created.key().secret())));
        });
    }

    /**
     * Renames the account and turns its features on or off from {@code body} ({@code name}, {@code features}); fields
     * left out keep their value. The API's {@code PUT /api/v2/account} and the console's company page share this.
     */
    public static Account update(AccountRepository accounts, AccountId account, ObjectNode body) {
        Account current =
                accounts.find(account).orElseThrow(() -> new Problem.Unauthorized("the account no longer exists"));
        JsonFields fields = new JsonFields(body, "id", "created_at");
        // an explicit blank name is an error; leaving the field out keeps the name
        String name = body.has("name") ? fields.requiredText("name", 200) : current.name();
        Set<Feature> features = features(fields.take("features"), current.features());
        fields.finish();
        accounts.rename(account, name);
        accounts.setFeatures(account, features);
        return accounts.find(account).orElseThrow();
    }

    /** The account as the API shows it ({@code id, name, features, created_at}). */
    public static Object wire(Account account) {
        return AccountOut.of(account);
    }

    /**
     * The features after applying {@code {"live_call_control": true, ...}} to {@code current}: features left out keep
     * their state. The account turns its own features on: on a self-hosted platform the account owner is the one
     * who decides to let partners move live calls or ping for reservations.
     */
    private static Set<Feature> features(Optional<JsonNode> given, Set<Feature> current) {
        Set<Feature> features = current.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(current);
        if (given.isEmpty() || given.get().isNull()) {
            return features;
        }
        if (!given.get().isObject()) {
            throw new Problem.Invalid("features", "must be an object of feature names to true or false");
        }
        for (var entry : given.get().properties()) {
            Feature feature = Feature.fromWord(entry.getKey())
                    .orElseThrow(() -> new Problem.Invalid(
                            "features." + entry.getKey(), "is not a feature (real_time_bidding, live_call_control)"));
            if (!entry.getValue().isBoolean()) {
                throw new Problem.Invalid("features." + entry.getKey(), "must be true or false");
            }
            if (entry.getValue().asBoolean()) {
                features.add(feature);
            } else {
                features.remove(feature);
            }
        }
        return features;
    }

    /** API keys: "sb_" and 40 base58 characters (about 234 bits). */
    public static String newSecret() {
        return "sb_" + Secrets.randomBase58(40);
    }

    private Account current(AccountId account) {
        return accounts.find(account).orElseThrow(() -> new Problem.Unauthorized("the account no longer exists"));
    }

    private void requireOperator(ServerRequest req) {
        String expected = operatorToken.orElseThrow(() ->
                new Problem.NotFound("account creation is disabled; set SWITCHBOARD_OPERATOR_TOKEN to enable it"));
        String presented = Authenticator.bearer(req)
                .orElseThrow(() -> new Problem.Unauthorized("the operator token is required as a Bearer token"));
        if (!Secrets.constantTimeEquals(expected, presented)) {
            throw new Problem.Unauthorized("the operator token is not valid");
        }
    }
}
