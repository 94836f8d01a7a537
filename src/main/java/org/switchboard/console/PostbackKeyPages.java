package org.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;
import org.switchboard.postback.KeyType;
import org.switchboard.postback.PostbackKey;
import org.switchboard.postback.PostbackKeyRoutes;

/**
 * Postback keys in the console: the Postback Keys section of an entity ({@code /sections/postback_keys?owner=...})
 * with "+ Add &lt;Type&gt; Key" for the types valid there, the type's own fields, the generated URL with a copy button,
 * pause, delete with a confirmation, and a caller-list key's secret behind a reveal control. Saved through
 * {@link PostbackKeyRoutes}, the API's own checks.
 */
public final class PostbackKeyPages {
    /** One type-specific input: its API path under {@code options.}, how it is entered, and what it means. */
    public record Option(String path, String label, String input, FormJson.Kind kind, String help) {
        public String name() {
            return "options." + path;
        }
    }

    /** A key as its section lists it. */
    public record Row(
            long id, String name, String type, String typeLabel, boolean paused, String url, Optional<String> secret) {}

    /** The section. */
    public record Section(
            String csrf,
            OwnerRef owner,
            String ownerName,
            boolean canChange,
            List<Type> addable,
            List<Row> rows,
            Optional<String> note,
            String back) {}

    /** A key type as the console names it. */
    public record Type(String word, String label) {}

    /** The add/edit form. */
    public record Editor(
            Frame frame,
            OwnerRef owner,
            String ownerName,
            Type type,
            Optional<Row> key,
            List<Option> options,
            Map<String, String> form,
            Map<String, String> errors,
            List<ConfigOwners.Choice> publishers,
            List<ConfigOwners.Choice> directories,
            String back,
            Optional<String> loaded,
            Optional<EditGuard.Conflict> conflict) {
        public String value(String name) {
            return form.getOrDefault(name, "");
        }

        public boolean checked(String name, String value) {
            return ("\n" + form.getOrDefault(name, "") + "\n").contains("\n" + value + "\n");
        }
    }

    /** The URL holds the key: recorded as changed, never with its value. */
    private static final Set<String> SECRET = Set.of("url");

    private final Pages pages;
    private final PostbackKeyRoutes keys;
    private final ConfigOwners owners;
    private final AuditLog audit;

    public PostbackKeyPages(Pages pages, PostbackKeyRoutes keys, ConfigOwners owners, AuditLog audit) {
        this.pages = pages;
        this.keys = keys;
        this.owners = owners;
        this.audit = audit;
    }

    private static AuditLog.Subject subject(PostbackKey key) {
        return new AuditLog.Subject("postback_key", Long.toString(key.id()), key.name());
    }

    /** The fields of a type, as the reference platform's key forms ask them. */
    public static List<Option> options(KeyType type, OwnerRef owner) {
        return switch (type) {
            case REAL_TIME_BIDDING -> rtbOptions(owner);
            case CALL_DATA_WRITING -> dataWritingOptions();
            case CALL_DATA_READING ->
                List.of(new Option(
                        "readable_tags",
                        "Readable tags",
                        "lines",
                        FormJson.Kind.LINES,
                        "the tag keys this key may read, one a line"));
            case CALLER_LIST_MANAGEMENT -> callerListOptions();
            case CALL_TRANSFER ->
                List.of(new Option(
                        "directory_id",
                        "Directory",
                        "directory",
                        FormJson.Kind.INTEGER,
                        "the directory of transfer destinations"));
            case CONVERSION, CALL_REJECTION -> List.of();
        };
    }

    /** An RTB key's fields: the publisher (on a campaign's key), the reservation's terms, then the ping shield. */
    private static List<Option> rtbOptions(OwnerRef owner) {
        List<Option> o = new ArrayList<>();
        if (owner.kind() == OwnerRef.Kind.CAMPAIGN) {
            o.add(new Option(
                    "publisher_id",
                    "Publisher",
                    "publisher",
                    FormJson.Kind.INTEGER,
                    "bind the key to one publisher (else the ping names it in publisher_id)"));
        }
        o.addAll(rtbTermOptions());
        o.addAll(pingShieldOptions());
        return o;
    }

    /** How an RTB key reserves and answers: TTL, timeout, tags, the number answered and the cap and routing flags. */
    private static List<Option> rtbTermOptions() {
        return List.of(
                new Option(
                        "ttl_seconds",
                        "Reservation TTL (seconds)",
                        "number",
                        FormJson.Kind.INTEGER,
                        "10 to 999; how long a reserved buyer waits for the call (default 15)"),
                new Option(
                        "timeout_seconds",
                        "Timeout (seconds)",
                        "number",
                        FormJson.Kind.INTEGER,
                        "1 to 30; how long passthrough pings may take (default 5)"),
                new Option(
                        "tag_prefix",
                        "Tag prefix",
                        "text",
                        FormJson.Kind.TEXT,
                        "prepended to the keys of tags the ping sends"),
                new Option(
                        "inbound_number",
                        "Inbound number",
                        "text",
                        FormJson.Kind.TEXT,
                        "the tracking number answered to callers (E.164); else the campaign's first"),
                new Option(
                        "return_dba",
                        "Return DBA",
                        "checkbox",
                        FormJson.Kind.BOOLEAN,
                        "answer the buyer's doing-business-as name"),
                new Option(
                        "add_to_caps_on_status_reserved",
                        "add_to_caps_on_status_reserved",
                        "checkbox",
                        FormJson.Kind.BOOLEAN,
                        "count a reservation in the buyer's caps at once"),
                new Option(
                        "route_only_to_reserved_target",
                        "route_only_to_reserved_target",
                        "checkbox",
                        FormJson.Kind.BOOLEAN,
                        "the call goes only to the buyer reserved for it"),
                new Option(
                        "allow_no_caller_number",
                        "allow_no_caller_number",
                        "checkbox",
                        FormJson.Kind.BOOLEAN,
                        "accept pings without a caller number"));
    }

    /** An RTB key's ping shield: the per-caller limit and window, and the claim-rate shield. */
    private static List<Option> pingShieldOptions() {
        return List.of(
                new Option(
                        "ping_shield_outbound_count_limit",
                        "Ping shield: pings per caller",
                        "number",
                        FormJson.Kind.INTEGER,
                        "limit repeated pings for one caller (blank: none)"),
                new Option(
                        "ping_shield_outbound_ms_limit",
                        "Ping shield: window (ms)",
                        "number",
                        FormJson.Kind.INTEGER,
                        "the window the count applies to"),
                new Option(
                        "claim_percent_threshold",
                        "Ping shield: claim % threshold",
                        "number",
                        FormJson.Kind.INTEGER,
                        "below this share of reservations claimed, pings are shielded"),
                new Option(
                        "blocked_inbound_percent",
                        "Ping shield: blocked inbound %",
                        "number",
                        FormJson.Kind.INTEGER,
                        "share of shielded pings refused"));
    }

    private static List<Option> dataWritingOptions() {
        return List.of(
                new Option(
                        "tag_prefix",
                        "Tag prefix",
                        "text",
                        FormJson.Kind.TEXT,
                        "prepended to the keys of the tags written"),
                new Option(
                        "start_seconds",
                        "Start",
                        "start",
                        FormJson.Kind.INTEGER,
                        "how far back a call may have started and still take the data"),
                new Option(
                        "end_seconds",
                        "End (seconds)",
                        "number",
                        FormJson.Kind.INTEGER,
                        "how long data waits for the caller's next call (60 to 86400, default 3600)"),
                new Option(
                        "reuse_tags_on_repeat_calls",
                        "Reuse tags on repeat calls",
                        "checkbox",
                        FormJson.Kind.BOOLEAN,
                        "a caller's later calls take the data too"));
    }

    private static List<Option> callerListOptions() {
        return List.of(
                new Option("permissions", "Permissions", "permissions", FormJson.Kind.CHOICES, "what the key may do"),
                new Option(
                        "require_secret_key",
                        "Require the secret key",
                        "checkbox",
                        FormJson.Kind.BOOLEAN,
                        "requests must also send Authorization: Bearer <secret>"));
    }

    /** The caller-list permissions, in the reference platform's words. */
    public static List<String> permissions() {
        return List.of(
                "caller_list__show",
                "caller_list__index",
                "caller_list__create",
                "caller_list__delete",
                "caller_list__update",
                "caller_list_number__show",
                "caller_list_number__create",
                "caller_list_number__delete",
                "caller_list_upload__create",
                "caller_list_check__create");
    }

    /** The look-back choices of a data-writing key. */
    public static List<ConfigOwners.Choice> startChoices() {
        return List.of(
                new ConfigOwners.Choice("0", "none"),
                new ConfigOwners.Choice("1800", "30 minutes"),
                new ConfigOwners.Choice("3600", "1 hour"),
                new ConfigOwners.Choice("7200", "2 hours"),
                new ConfigOwners.Choice("10800", "3 hours"),
                new ConfigOwners.Choice("14400", "4 hours"),
                new ConfigOwners.Choice("43200", "12 hours"),
                new ConfigOwners.Choice("86400", "24 hours"));
    }

    static Type type(KeyType t) {
        String label = switch (t) {
            case REAL_TIME_BIDDING -> "Real-Time Bidding";
            case CALLER_LIST_MANAGEMENT -> "Caller List";
            case CALL_DATA_WRITING -> "Call Data Writing";
            case CONVERSION -> "Conversion";
            case CALL_REJECTION -> "Call Rejection";
            case CALL_TRANSFER -> "Call Transfer";
            case CALL_DATA_READING -> "Call Data Reading";
        };
        return new Type(t.word(), label);
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/sections/postback_keys", (req, res, who) -> section(req, res, who));
        pages.get(rules, "/postback_keys/new", this::showNew);
        pages.post(rules, "/postback_keys/new", Pages.Need.CHANGE, this::create);
        pages.get(rules, "/postback_keys/{id}", this::show);
        pages.post(rules, "/postback_keys/{id}", Pages.Need.CHANGE, this::update);
        pages.post(rules, "/postback_keys/{id}/pause", Pages.Need.CHANGE, this::pause);
        pages.post(rules, "/postback_keys/{id}/delete", Pages.Need.CHANGE, this::delete);
    }

    // --- the routes ---------------------------------------------------------------------------------------------

    /** The "new" form of the asked type, named after the type. */
    private void showNew(ServerRequest req, ServerResponse res, SignedIn who) {
        OwnerRef owner = OwnerRef.parse(Http.query(req, "owner"));
        KeyType type = allowedType(owner, Http.query(req, "type"));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", type(type).label() + " key");
        editor(res, Status.OK_200, who, owner, type, Optional.empty(), form, Map.of(), WebhookPages.back(req, owner));
    }

    /** Creates the key, then opens it so its URL (and any secret) can be copied. */
    private void create(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        OwnerRef owner = OwnerRef.parse(form.first("owner"));
        KeyType type = allowedType(owner, form.first("type"));
        String back = WebhookPages.back(form, owner);
        SaveFlow.create(
                form,
                inputs(type, owner),
                (status, values, errors, conflict) ->
                        editor(res, status, who, owner, type, Optional.empty(), values, errors, back),
                () -> {
                    ObjectNode body = json(form, type, owner);
                    body.put("type", type.word());
                    return keys.create(who.account(), storedOwner(owner), owner.id(), body);
                },
                created -> {
                    audit.record(who, req, "created", subject(created), null, keys.wire(created), SECRET);
                    Pages.redirect(
                            res,
                            "/postback_keys/" + created.id() + "?back="
                                    + URLEncoder.encode(back, StandardCharsets.UTF_8));
                });
    }

    private void show(ServerRequest req, ServerResponse res, SignedIn who) {
        PostbackKey key = require(req, who);
        OwnerRef owner = ownerOf(key);
        editor(
                res,
                Status.OK_200,
                who,
                owner,
                key.type(),
                Optional.of(row(key)),
                values(key),
                Map.of(),
                WebhookPages.back(req, owner));
    }

    private void update(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        PostbackKey key = require(req, who);
        OwnerRef owner = ownerOf(key);
        String back = WebhookPages.back(form, owner);
        SaveFlow.update(
                form,
                keys.wire(key),
                inputs(key.type(), owner),
                (status, values, errors, conflict) -> editor(
                        res,
                        status,
                        who,
                        owner,
                        key.type(),
                        Optional.of(row(key)),
                        values,
                        errors,
                        back,
                        Optional.of(key),
                        conflict),
                () -> keys.update(key, json(form, key.type(), owner)),
                updated -> {
                    audit.record(who, req, "updated", subject(key), keys.wire(key), keys.wire(updated), SECRET);
                    Pages.redirect(res, back);
                });
    }

    /** Pauses or (with {@code paused=false}) resumes the key. */
    private void pause(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        PostbackKey key = require(req, who);
        var body = Json.MAPPER.createObjectNode();
        boolean paused = form.first("paused").orElse("true").equals("true");
        body.put("paused", paused);
        PostbackKey updated = keys.update(key, body);
        audit.record(who, req, paused ? "paused" : "resumed", subject(key), keys.wire(key), keys.wire(updated), SECRET);
        Pages.redirect(res, WebhookPages.back(form, ownerOf(key)));
    }

    private void delete(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        PostbackKey key = require(req, who);
        keys.delete(key);
        audit.record(who, req, "deleted", subject(key), keys.wire(key), null, SECRET);
        Pages.redirect(res, WebhookPages.back(form, ownerOf(key)));
    }

    private void section(ServerRequest req, ServerResponse res, SignedIn who) {
        OwnerRef owner = OwnerRef.parse(Http.query(req, "owner"));
        String name = owners.requireName(who.account(), owner);
        String back = WebhookPages.back(req, owner);
        if (owner.kind() == OwnerRef.Kind.NUMBER) {
            pages.render(
                    res,
                    "postback_keys_section.jte",
                    new Section(
                            who.csrfToken(),
                            owner,
                            name,
                            false,
                            List.of(),
                            List.of(),
                            Optional.of("Keys live on the number's campaign or publisher."),
                            back));
            return;
        }
        KeyType.Owner stored = storedOwner(owner);
        List<Type> addable = Arrays.stream(KeyType.values())
                .filter(t -> t.allowedOn(stored))
                .map(PostbackKeyPages::type)
                .toList();
        List<Row> rows = keys.ofOwner(who.account(), stored, owner.id()).stream()
                .map(this::row)
                .toList();
        pages.render(
                res,
                "postback_keys_section.jte",
                new Section(
                        who.csrfToken(), owner, name, who.role().canChange(), addable, rows, Optional.empty(), back));
    }

    private Row row(PostbackKey key) {
        return new Row(
                key.id(),
                key.name(),
                key.type().word(),
                type(key.type()).label(),
                key.paused(),
                keys.url(key),
                keys.secretKey(key));
    }

    private void editor(
            ServerResponse res,
            Status status,
            SignedIn who,
            OwnerRef owner,
            KeyType type,
            Optional<Row> key,
            Map<String, String> form,
            Map<String, String> errors,
            String back) {
        Optional<PostbackKey> loaded = key.flatMap(k -> keys.find(who.account(), k.id()));
        editor(res, status, who, owner, type, key, form, errors, back, loaded, Optional.empty());
    }

    private void editor(
            ServerResponse res,
            Status status,
            SignedIn who,
            OwnerRef owner,
            KeyType type,
            Optional<Row> key,
            Map<String, String> form,
            Map<String, String> errors,
            String back,
            Optional<PostbackKey> loaded,
            Optional<EditGuard.Conflict> conflict) {
        AccountId account = who.account();
        pages.render(
                res,
                status,
                "postback_key_form.jte",
                new Editor(
                        pages.frame(
                                key.map(Row::name).orElse("New " + type(type).label() + " key"), "configuration", who),
                        owner,
                        owners.requireName(account, owner),
                        type(type),
                        key,
                        options(type, owner),
                        form,
                        errors,
                        owners.publishers(account),
                        owners.directories(account),
                        back,
                        loaded.map(k -> EditGuard.stamp(keys.wire(k))),
                        conflict));
    }

    private static ObjectNode json(Form form, KeyType type, OwnerRef owner) {
        Map<String, FormJson.Kind> fields = new LinkedHashMap<>();
        fields.put("name", FormJson.Kind.TEXT);
        options(type, owner).forEach(o -> fields.put(o.name(), o.kind()));
        ObjectNode body = FormJson.build(form, fields);
        if (!body.has("options")) {
            body.putObject("options");
        }
        return body;
    }

    private static Set<String> inputs(KeyType type, OwnerRef owner) {
        Set<String> inputs = options(type, owner).stream().map(Option::name).collect(Collectors.toSet());
        inputs.add("name");
        inputs.add("type");
        return inputs;
    }

    /** The form of a saved key: its name and options as typed. */
    private static Map<String, String> values(PostbackKey key) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", key.name());
        ObjectNode options = PostbackKeyRoutes.shownOptions(key);
        options.properties().forEach(e -> {
            JsonNode v = e.getValue();
            String text = v.isArray()
                    ? String.join(
                            "\n",
                            StreamSupport.stream(v.spliterator(), false)
                                    .map(JsonNode::asText)
                                    .toList())
                    : v.isBoolean() ? (v.asBoolean() ? "true" : "") : v.asText();
            form.put("options." + e.getKey(), text);
        });
        return form;
    }

    private static KeyType allowedType(OwnerRef owner, Optional<String> word) {
        KeyType type = word.flatMap(KeyType::fromWord)
                .orElseThrow(() -> new Problem.Invalid("type", "is not a postback key type"));
        if (owner.kind() == OwnerRef.Kind.NUMBER || !type.allowedOn(storedOwner(owner))) {
            throw new Problem.Invalid(
                    "type",
                    "a " + type.word() + " key cannot be issued on a "
                            + owner.kind().label());
        }
        return type;
    }

    private static KeyType.Owner storedOwner(OwnerRef owner) {
        return switch (owner.kind()) {
            case COMPANY -> KeyType.Owner.COMPANY;
            case CAMPAIGN -> KeyType.Owner.CAMPAIGN;
            case PUBLISHER -> KeyType.Owner.PUBLISHER;
            case BUYER -> KeyType.Owner.BUYER;
            case BUYER_GROUP -> KeyType.Owner.BUYER_GROUP;
            case NUMBER -> throw new Problem.Invalid("owner", "a tracking number has no postback keys of its own");
        };
    }

    private static OwnerRef ownerOf(PostbackKey key) {
        return switch (key.owner()) {
            case COMPANY -> OwnerRef.COMPANY;
            case CAMPAIGN -> new OwnerRef(OwnerRef.Kind.CAMPAIGN, key.ownerId());
            case PUBLISHER -> new OwnerRef(OwnerRef.Kind.PUBLISHER, key.ownerId());
            case BUYER -> new OwnerRef(OwnerRef.Kind.BUYER, key.ownerId());
            case BUYER_GROUP -> new OwnerRef(OwnerRef.Kind.BUYER_GROUP, key.ownerId());
        };
    }

    private PostbackKey require(ServerRequest req, SignedIn who) {
        long id = Http.pathId(req, "id", "postback key");
        PostbackKey key = keys.find(who.account(), id).orElseThrow(() -> new Problem.NotFound("no postback key " + id));
        owners.requireName(who.account(), ownerOf(key));
        return key;
    }
}
