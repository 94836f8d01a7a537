package org.switchboard.callerlist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;

/**
 * Caller lists of a campaign or a buyer, addressed by name as in the reference platform's caller-list URLs:
 *
 * <pre>
 * /api/v2/{campaigns|buyers}/{id}/caller_lists                                   GET list, POST {"name"}
 * /api/v2/{campaigns|buyers}/{id}/caller_lists/{list_name}                       GET, PUT/PATCH {"name"}, DELETE
 * /api/v2/{campaigns|buyers}/{id}/caller_lists/{list_name}/caller_list_numbers   GET, POST {"numbers": [...]}
 * /api/v2/{campaigns|buyers}/{id}/caller_lists/{list_name}/caller_list_numbers/{number}   GET, DELETE
 * </pre>
 */
public final class CallerListRoutes {
    static final int MAX_NUMBERS_PER_REQUEST = 10_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");

    private final CallerListRepository lists;
    private final Access access;

    /**
     * Who may do an operation on the caller lists of one campaign or buyer: the account's API key may do everything;
     * a caller-list management key only what its permissions allow, on the entities it covers.
     */
    @FunctionalInterface
    public interface Access {
        /** The account the request acts for, or an {@link Problem} saying why it may not. */
        AccountId check(ServerRequest req, CallerList.Owner owner, long ownerId, String permission);

        /** The account's API key alone. */
        static Access accountKey(Function<ServerRequest, AccountId> auth) {
            return (req, owner, ownerId, permission) -> auth.apply(req);
        }
    }

    private final CallerListUploads uploads;

    public CallerListRoutes(CallerListRepository lists, CallerListUploads uploads, Access access) {
        this.lists = lists;
        this.uploads = uploads;
        this.access = access;
    }

    record Check(String number, String status) {}

    record UploadOut(
            long id,
            String status,
            String action,
            boolean clearFirst,
            int lines,
            int applied,
            int errorCount,
            List<CallerListUploads.LineError> errors,
            String createdAt,
            @Nullable String finishedAt) {}

    record CallerListOut(
            long id,
            String name,
            String behaviour,
            String ownerType,
            long ownerId,
            long numberCount,
            String createdAt,
            String updatedAt) {}

    record NumbersAdded(int added, long numberCount) {}

    record Membership(String number, boolean listed) {}

    /**
     * Registers the routes under {@code /api/v2/{collection}}; {@code ownerExists} tells whether the account has the
     * campaign or buyer with that id.
     */
    public void register(
            HttpRules rules, String collection, CallerList.Owner owner, BiPredicate<AccountId, Long> ownerExists) {
        String base = "/api/v2/" + collection + "/{owner_id}/caller_lists";
        String one = base + "/{list_name}";
        String numbers = one + "/caller_list_numbers";
        String what = owner == CallerList.Owner.CAMPAIGN ? "campaign" : "buyer";

        rules.get(base, (req, res) -> {
            Scope scope = scope(req, owner, ownerExists, what, "caller_list__index");
            PageRequest page = Http.pageRequest(req);
            Http.page(
                    req,
                    res,
                    page,
                    lists.list(scope.account(), owner, scope.ownerId(), page).map(this::wire));
        });
        rules.post(base, (req, res) -> {
            Scope scope = scope(req, owner, ownerExists, what, "caller_list__create");
            CallerList created = create(scope.account(), owner, scope.ownerId(), name(req, Optional.<String>empty()));
            Http.created(res, req.path().path() + "/" + created.name(), wire(created));
        });
        rules.get(one, (req, res) -> Http.ok(res, wire(list(req, owner, ownerExists, what, "caller_list__show"))));
        Handler rename = (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list__update");
            String name = name(req, Optional.of(list.name()));
            if (!name.equals(list.name())
                    && lists.findByName(list.accountId(), owner, list.ownerId(), name)
                            .isPresent()) {
                throw new Problem.Conflict("name", "this " + what + " already has a caller list named " + name);
            }
            lists.rename(list.accountId(), list.id(), name);
            Http.ok(
                    res,
                    wire(lists.findByName(list.accountId(), owner, list.ownerId(), name)
                            .orElseThrow()));
        };
        rules.put(one, rename);
        rules.patch(one, rename);
        rules.delete(one, (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list__delete");
            lists.delete(list.accountId(), list.id());
            Http.noContent(res);
        });

        Handler listNumbers = (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list_number__show");
            PageRequest page = Http.pageRequest(req);
            Http.page(req, res, page, lists.numbers(list.id(), page));
        };
        Handler addNumbers = (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list_number__create");
            int added = addNumbers(list, numbersIn(Http.jsonObject(req)));
            Http.ok(res, new NumbersAdded(added, lists.numberCount(list.id())));
        };
        // the reference platform's key URLs end in caller_list_numbers.json
        for (String path : List.of(numbers, numbers + ".json")) {
            rules.get(path, listNumbers);
            rules.post(path, addNumbers);
        }
        Handler check = (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list_check__create");
            String raw = Http.query(req, "number").orElseGet(() -> {
                byte[] body = Http.body(req);
                if (body.length == 0) {
                    return "";
                }
                return new JsonFields(Json.readObject(body)).requiredText("number", 64);
            });
            String number = PhoneNumbers.requireE164("number", raw);
            Http.ok(res, new Check(number, lists.contains(list.id(), number) ? "present" : "not-present"));
        };
        Handler upload = (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list_upload__create");
            CallerListUploads.Upload accepted = acceptUpload(req, list);
            res.status(io.helidon.http.Status.ACCEPTED_202);
            res.header(
                    io.helidon.http.HeaderNames.LOCATION,
                    one.replace("{owner_id}", Long.toString(list.ownerId())).replace("{list_name}", list.name())
                            + "/caller_list_uploads/" + accepted.id());
            res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.write(uploadOut(accepted)));
        };
        for (String path : List.of(one + "/caller_list_checks", one + "/caller_list_checks.json")) {
            rules.post(path, check);
            rules.get(path, check);
        }
        for (String path : List.of(one + "/caller_list_uploads", one + "/caller_list_uploads.json")) {
            rules.post(path, upload);
        }
        rules.get(one + "/caller_list_uploads/{upload_id}", (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list_upload__create");
            long id = Http.pathId(req, "upload_id", "upload");
            Http.ok(
                    res,
                    uploadOut(uploads.find(list.accountId(), list.id(), id)
                            .orElseThrow(() -> new Problem.NotFound("no upload " + id + " on this list"))));
        });
        rules.get(numbers + "/{number}", (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list_number__show");
            String number = pathNumber(req);
            Http.ok(res, new Membership(number, lists.contains(list.id(), number)));
        });
        rules.delete(numbers + "/{number}", (req, res) -> {
            CallerList list = list(req, owner, ownerExists, what, "caller_list_number__delete");
            String number = pathNumber(req);
            if (!lists.removeNumber(list.accountId(), list.id(), number)) {
                throw new Problem.NotFound(number + " is not on caller list " + list.name());
            }
            Http.noContent(res);
        });
    }

    /**
     * A text body (newline- or comma-separated numbers) with {@code action} and {@code clear_first} in the query, or
     * JSON {@code {"numbers": "text" or [...], "action": "create"|"delete", "clear_first": false}}.
     */
    private CallerListUploads.Upload acceptUpload(ServerRequest req, CallerList list) {
        byte[] body = Http.body(req);
        String type =
                req.headers().value(io.helidon.http.HeaderNames.CONTENT_TYPE).orElse("");
        String text;
        String action;
        boolean clearFirst;
        if (type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            JsonFields fields = new JsonFields(Json.readObject(body));
            JsonNode numbers = fields.take("numbers").orElseThrow(() -> new Problem.Invalid("numbers", "is required"));
            if (numbers.isArray()) {
                List<String> values = new ArrayList<>();
                numbers.forEach(n -> values.add(n.asText()));
                text = String.join("\n", values);
            } else if (numbers.isTextual()) {
                text = numbers.asText();
            } else {
                throw new Problem.Invalid("numbers", "must be text or an array of phone numbers");
            }
            action = fields.take("action").map(JsonNode::asText).orElse("create");
            clearFirst = fields.bool("clear_first", false);
            fields.finish();
        } else {
            text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            action = Http.query(req, "action").orElse("create");
            clearFirst = Http.query(req, "clear_first")
                    .map(raw -> switch (raw.toLowerCase(java.util.Locale.ROOT)) {
                        case "true", "1" -> true;
                        case "false", "0" -> false;
                        default -> throw new Problem.Invalid("clear_first", "must be true or false");
                    })
                    .orElse(false);
        }
        if (text.isBlank() && !clearFirst) {
            throw new Problem.Invalid("numbers", "the upload holds no numbers");
        }
        CallerListUploads.Action parsed = switch (action.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "create" -> CallerListUploads.Action.CREATE;
            case "delete" -> CallerListUploads.Action.DELETE;
            default -> throw new Problem.Invalid("action", "must be create or delete");
        };
        return uploads.submit(list, parsed, clearFirst, text);
    }

    private static UploadOut uploadOut(CallerListUploads.Upload u) {
        return new UploadOut(
                u.id(),
                u.status(),
                u.action().name().toLowerCase(java.util.Locale.ROOT),
                u.clearFirst(),
                u.lines(),
                u.applied(),
                u.errorCount(),
                u.errors(),
                u.createdAt().toString(),
                u.finishedAt().map(Instant::toString).orElse(null));
    }

    private record Scope(AccountId account, long ownerId) {}

    private Scope scope(
            ServerRequest req,
            CallerList.Owner owner,
            BiPredicate<AccountId, Long> ownerExists,
            String what,
            String permission) {
        long ownerId = Http.pathId(req, "owner_id", what);
        AccountId account = access.check(req, owner, ownerId, permission);
        if (!ownerExists.test(account, ownerId)) {
            throw new Problem.NotFound("no " + what + " with id " + ownerId);
        }
        return new Scope(account, ownerId);
    }

    private CallerList list(
            ServerRequest req,
            CallerList.Owner owner,
            BiPredicate<AccountId, Long> ownerExists,
            String what,
            String permission) {
        Scope scope = scope(req, owner, ownerExists, what, permission);
        String name = req.path().pathParameters().get("list_name");
        if (!NAME.matcher(name).matches()) {
            throw new Problem.NotFound(
                    "no caller list named " + name.replaceAll("\\p{Cntrl}", "?") + " on this " + what);
        }
        return lists.findByName(scope.account(), owner, scope.ownerId(), name)
                .orElseThrow(() -> new Problem.NotFound("no caller list named " + name + " on this " + what));
    }

    private static String name(ServerRequest req, Optional<String> current) {
        ObjectNode body = Http.jsonObject(req);
        JsonFields fields = new JsonFields(
                body, "id", "behaviour", "owner_type", "owner_id", "number_count", "created_at", "updated_at");
        // an explicit blank name is an error; leaving the field out of an update keeps the name
        String name = (body.has("name") ? Optional.of(fields.requiredText("name", 100)) : current)
                .orElseThrow(() -> new Problem.Invalid("name", "is required"));
        fields.finish();
        return checkName(name);
    }

    /** A list name as the API takes it: letters, digits, '_', '.' and '-'; a 400 on {@code name} otherwise. */
    public static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new Problem.Invalid(
                    "name",
                    "may hold only letters, digits, '_', '.' and '-' (start it with suppressed or accepted to"
                            + " block or allow callers)");
        }
        return name;
    }

    /**
     * Creates a list (the API's and the console's one path): a checked name not yet used on the owner, a 409 on
     * {@code name} otherwise. The owner must exist (the caller checks).
     */
    public CallerList create(AccountId account, CallerList.Owner owner, long ownerId, String name) {
        checkName(name);
        if (lists.findByName(account, owner, ownerId, name).isPresent()) {
            String what = owner == CallerList.Owner.CAMPAIGN ? "campaign" : "buyer";
            throw new Problem.Conflict("name", "this " + what + " already has a caller list named " + name);
        }
        return lists.insert(account, owner, ownerId, name);
    }

    /** Adds numbers already normalised to E.164 (at most {@link #MAX_NUMBERS_PER_REQUEST}); how many were new. */
    public int addNumbers(CallerList list, List<String> e164) {
        return lists.addNumbers(list.accountId(), list.id(), e164);
    }

    /**
     * Accepts an upload of numbers (one a line, or comma-separated) for the list, applied in the background as the
     * API's upload is; its report (lines refused and why) is read with {@link CallerListUploads#find}.
     */
    public CallerListUploads.Upload upload(CallerList list, String text) {
        if (text.isBlank()) {
            throw new Problem.Invalid("numbers", "the upload holds no numbers");
        }
        return uploads.submit(list, CallerListUploads.Action.CREATE, false, text);
    }

    private static String pathNumber(ServerRequest req) {
        String raw = req.path().pathParameters().get("number");
        return PhoneNumbers.toE164(raw).orElseThrow(() -> new Problem.NotFound(raw + " is not a valid phone number"));
    }

    /** {@code {"numbers": [...]}} or {@code {"number": "..."}}, each normalised to E.164. */
    private static List<String> numbersIn(ObjectNode body) {
        JsonFields fields = new JsonFields(body);
        List<JsonNode> raw = new ArrayList<>();
        fields.take("number").ifPresent(raw::add);
        fields.take("numbers").ifPresent(node -> {
            if (!node.isArray()) {
                throw new Problem.Invalid("numbers", "must be an array of phone numbers");
            }
            node.forEach(raw::add);
        });
        fields.finish();
        if (raw.isEmpty()) {
            throw new Problem.Invalid("numbers", "is required");
        }
        if (raw.size() > MAX_NUMBERS_PER_REQUEST) {
            throw new Problem.Invalid("numbers", "at most " + MAX_NUMBERS_PER_REQUEST + " numbers per request");
        }
        var out = new LinkedHashSet<String>();
        for (int i = 0; i < raw.size(); i++) {
            JsonNode node = raw.get(i);
            String field = "numbers[" + i + "]";
            if (!node.isTextual()) {
                throw new Problem.Invalid(field, "must be a phone number string");
            }
            out.add(PhoneNumbers.requireE164(field, node.asText()));
        }
        return List.copyOf(out);
    }

    private CallerListOut wire(CallerList list) {
        return new CallerListOut(
                list.id(),
                list.name(),
                list.behaviour().name().toLowerCase(java.util.Locale.ROOT),
                list.owner().name().toLowerCase(java.util.Locale.ROOT),
                list.ownerId(),
                lists.numberCount(list.id()),
                list.createdAt().toString(),
                list.updatedAt().toString());
    }
}
