package org.switchboard.postback;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.switchboard.account.AccountRepository;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.platform.secret.Secrets;

/**
 * Postback keys through the admin API.
 *
 * <pre>
 * /api/v2/{campaigns|publishers|buyers|buyer_groups}/{owner_id}/postback_keys   GET, POST {"type", "name", "options"}
 * /api/v2/postback_keys                                                           company keys: GET, POST
 * /api/v2/postback_keys/{id}                                                      GET (with URL), PATCH/PUT, DELETE
 * </pre>
 *
 * A type not allowed on the entity is refused. Keys are random UUIDs (122 bits), looked up by digest and stored
 * sealed under the master key so their URL can be shown again; caller-list keys also get a 24-character base58
 * secret for the {@code Authorization: Bearer} header. Deleting a key stops its URL at once; pausing it makes its URL
 * answer that it is paused.
 */
public final class PostbackKeyRoutes {
    private final PostbackKeyRepository keys;
    private final SecretBox secrets;
    private final KeyUrls urls;
    private final AccountRepository accounts;
    private final References references;
    private final Function<ServerRequest, AccountId> auth;

    public PostbackKeyRoutes(
            PostbackKeyRepository keys,
            SecretBox secrets,
            KeyUrls urls,
            AccountRepository accounts,
            References references,
            Function<ServerRequest, AccountId> auth) {
        this.keys = keys;
        this.secrets = secrets;
        this.urls = urls;
        this.accounts = accounts;
        this.references = references;
        this.auth = auth;
    }

    /**
     * The account-scoped look-ups a key's options are checked against: every object an option names (publisher,
     * directory, tracking number) must be the caller's own, as top-level references must.
     */
    public interface References {
        boolean publisherExists(AccountId account, long publisherId);

        boolean directoryExists(AccountId account, long directoryId);

        /** The campaign of the account's tracking number {@code e164}; empty when the account has no such number. */
        Optional<Long> campaignOfNumber(AccountId account, String e164);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyOut(
            long id,
            String ownerType,
            @Nullable Long ownerId,
            String type,
            String name,
            boolean paused,
            ObjectNode options,
            String key,
            String url,
            @Nullable String secretKey,
            String createdAt,
            String updatedAt) {}

    public void register(HttpRules rules, Map<KeyType.Owner, BiPredicate<AccountId, Long>> ownerExists) {
        Map<String, KeyType.Owner> collections = Map.of(
                "campaigns", KeyType.Owner.CAMPAIGN,
                "publishers", KeyType.Owner.PUBLISHER,
                "buyers", KeyType.Owner.BUYER,
                "buyer_groups", KeyType.Owner.BUYER_GROUP);
        collections.forEach((collection, owner) -> {
            String path = "/api/v2/" + collection + "/{owner_id}/postback_keys";
            BiPredicate<AccountId, Long> exists =
                    Objects.requireNonNull(ownerExists.get(owner), () -> "no look-up of " + collection + " given");
            rules.get(path, (req, res) -> {
                AccountId account = auth.apply(req);
                long ownerId = owner(req, account, exists, owner);
                list(req, res, account, owner, ownerId);
            });
            rules.post(path, (req, res) -> {
                AccountId account = auth.apply(req);
                long ownerId = owner(req, account, exists, owner);
                create(req, res, account, owner, ownerId);
            });
        });
        rules.get("/api/v2/postback_keys", (req, res) -> list(req, res, auth.apply(req), KeyType.Owner.COMPANY, 0));
        rules.post("/api/v2/postback_keys", (req, res) -> create(req, res, auth.apply(req), KeyType.Owner.COMPANY, 0));
        rules.get("/api/v2/postback_keys/{id}", (req, res) -> Http.ok(res, out(require(req))));
        Handler update = (req, res) -> Http.ok(res, out(update(require(req), Http.jsonObject(req))));
        rules.put("/api/v2/postback_keys/{id}", update);
        rules.patch("/api/v2/postback_keys/{id}", update);
        rules.delete("/api/v2/postback_keys/{id}", (req, res) -> {
            delete(require(req));
            Http.noContent(res);
        });
    }

    private void list(ServerRequest req, ServerResponse res, AccountId account, KeyType.Owner owner, long ownerId) {
        PageRequest page = Http.pageRequest(req);
        Http.page(req, res, page, keys.list(account, owner, ownerId, page).map(this::out));
    }

    private void create(ServerRequest req, ServerResponse res, AccountId account, KeyType.Owner owner, long ownerId) {
        PostbackKey created = create(account, owner, ownerId, Http.jsonObject(req));
        Http.created(res, "/api/v2/postback_keys/" + created.id(), out(created));
    }

    /**
     * Issues a key from the API's JSON fields ({@code type}, {@code name}, {@code paused}, {@code options}), the
     * console's forms sending the same: the one place they are checked. The owner must exist (the caller checks).
     */
    public PostbackKey create(AccountId account, KeyType.Owner owner, long ownerId, ObjectNode body) {
        JsonFields fields = new JsonFields(body);
        String typeWord = fields.requiredText("type", 32);
        KeyType type =
                KeyType.fromWord(typeWord).orElseThrow(() -> new Problem.Invalid("type", "is not a postback key type"));
        if (!type.allowedOn(owner)) {
            throw new Problem.Invalid(
                    "type",
                    "a " + type.word() + " key cannot be issued on a "
                            + owner.word().replace('_', ' '));
        }
        type.feature().filter(feature -> !accounts.hasFeature(account, feature)).ifPresent(feature -> {
            throw new Problem.Forbidden("a " + type.word() + " key needs the " + feature.word()
                    + " feature on the account (PATCH /api/v2/account {\"features\": {\"" + feature.word()
                    + "\": true}})");
        });
        String name = fields.requiredText("name", 200);
        boolean paused = fields.bool("paused", false);
        ObjectNode options = KeyOptions.parse(type, fields.take("options").orElse(null));
        fields.finish();
        checkReferences(account, owner, ownerId, options);
        if (type == KeyType.CALLER_LIST_MANAGEMENT) {
            options.put("sealed_secret_key", secrets.seal(Secrets.randomBase58(24)));
        }
        String key = UUID.randomUUID().toString();
        return keys.insert(account, owner, ownerId, type, name, paused, options, key, secrets.seal(key));
    }

    /** Updates a key with the fields given ({@code name}, {@code paused}, {@code options} replaced whole). */
    public PostbackKey update(PostbackKey existing, ObjectNode body) {
        JsonFields fields = new JsonFields(
                body, "id", "owner_type", "owner_id", "type", "key", "url", "secret_key", "created_at", "updated_at");
        String name = body.has("name") ? fields.requiredText("name", 200) : existing.name();
        boolean paused = fields.bool("paused", existing.paused());
        ObjectNode options = body.has("options")
                ? keepSealed(
                        existing,
                        KeyOptions.parse(existing.type(), fields.take("options").orElse(null)))
                : existing.options();
        fields.finish();
        checkReferences(existing.accountId(), existing.owner(), existing.ownerId(), options);
        return keys.update(existing.accountId(), existing.id(), name, paused, options);
    }

    public void delete(PostbackKey existing) {
        keys.delete(existing.accountId(), existing.id());
    }

    public Optional<PostbackKey> find(AccountId account, long id) {
        return keys.find(account, id);
    }

    /** The keys of one owner (0 for the company), oldest first (at most a page of {@link PageRequest#MAX_PER_PAGE}). */
    public List<PostbackKey> ofOwner(AccountId account, KeyType.Owner owner, long ownerId) {
        return keys.list(account, owner, ownerId, new PageRequest(1, PageRequest.MAX_PER_PAGE))
                .items();
    }

    /**
     * The key as the API writes it, secrets included ({@code key}, {@code url}, {@code secret_key}): the console's edit
     * guard compares it; the audit log records those fields without values.
     */
    public ObjectNode wire(PostbackKey key) {
        return (ObjectNode) Json.tree(out(key));
    }

    /** The key's full URL, as the API shows it. */
    public String url(PostbackKey key) {
        return urls.of(key, secrets.open(key.sealedKey()));
    }

    /** A caller-list key's secret for the Authorization header; empty for other types. */
    public Optional<String> secretKey(PostbackKey key) {
        return Optional.ofNullable(key.options().path("sealed_secret_key").textValue())
                .map(secrets::open);
    }

    /** The options as shown (no sealed secret). */
    public static ObjectNode shownOptions(PostbackKey key) {
        ObjectNode shown = key.options().deepCopy();
        shown.remove("sealed_secret_key");
        return shown;
    }

    /**
     * Objects an option names must be the account's own (a 400 naming the option otherwise); the inbound number of a
     * campaign's key must be one of that campaign's tracking numbers, as a ping's {@code inbound_number} must.
     */
    private void checkReferences(AccountId account, KeyType.Owner owner, long ownerId, ObjectNode options) {
        if (options.has("publisher_id")
                && !references.publisherExists(
                        account, options.get("publisher_id").asLong())) {
            throw new Problem.Invalid("options.publisher_id", "is not a publisher of this account");
        }
        if (options.has("directory_id")
                && !references.directoryExists(
                        account, options.get("directory_id").asLong())) {
            throw new Problem.Invalid("options.directory_id", "is not a directory of this account");
        }
        if (options.has("inbound_number")) {
            String number = options.get("inbound_number").asText();
            long campaign = references
                    .campaignOfNumber(account, number)
                    .orElseThrow(() -> new Problem.Invalid(
                            "options.inbound_number", number + " is not a tracking number of this account"));
            if (owner == KeyType.Owner.CAMPAIGN && campaign != ownerId) {
                throw new Problem.Invalid(
                        "options.inbound_number", number + " is not a tracking number of campaign " + ownerId);
            }
        }
    }

    private static ObjectNode keepSealed(PostbackKey existing, ObjectNode options) {
        if (existing.options().has("sealed_secret_key")) {
            options.set("sealed_secret_key", existing.options().get("sealed_secret_key"));
        }
        return options;
    }

    private KeyOut out(PostbackKey k) {
        String key = secrets.open(k.sealedKey());
        ObjectNode shown = k.options().deepCopy();
        String secretKey = shown.has("sealed_secret_key")
                ? secrets.open(shown.remove("sealed_secret_key").asText())
                : null;
        return new KeyOut(
                k.id(),
                k.owner().word(),
                k.owner() == KeyType.Owner.COMPANY ? null : k.ownerId(),
                k.type().word(),
                k.name(),
                k.paused(),
                shown,
                key,
                urls.of(k, key),
                secretKey,
                k.createdAt().toString(),
                k.updatedAt().toString());
    }

    private static long owner(
            ServerRequest req, AccountId account, BiPredicate<AccountId, Long> exists, KeyType.Owner owner) {
        String what = owner.word().replace('_', ' ');
        long id = Http.pathId(req, "owner_id", what);
        if (!exists.test(account, id)) {
            throw new Problem.NotFound("no " + what + " with id " + id);
        }
        return id;
    }

    private PostbackKey require(ServerRequest req) {
        AccountId account = auth.apply(req);
        long id = Http.pathId(req, "id", "postback key");
        return keys.find(account, id).orElseThrow(() -> new Problem.NotFound("no postback key with id " + id));
    }
}
