package org.switchboard.postback;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.switchboard.account.AccountRepository;
import org.switchboard.account.Feature;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.call.CallService;
import org.switchboard.call.CallState;
import org.switchboard.call.CarrierControl;
import org.switchboard.call.LiveControl;
import org.switchboard.directory.Directory;
import org.switchboard.directory.DirectoryRepository;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

/**
 * Live call control with a buyer group's keys, answered in plain text like the reference platform.
 *
 * <pre>
 * /handler_groups/{id}/call_control/reject?key=KEY&amp;caller_number=...    SUCCESS call UUID rejected | FAILED rejected: why
 * /handler_groups/{id}/transfers/interface?key=KEY&amp;caller_number=...     the directory (JSON, or HTML for a browser)
 * /handler_groups/{id}/transfers/interface?key=KEY&amp;caller_number=...&amp;entry=2
 *                                                      SUCCESS call UUID transferred to +1... | FAILED transferred: why
 * </pre>
 *
 * The call is the one named by {@code call_uuid}, else the caller's latest call that is connected to a buyer of the
 * group. Rejection works within 90 seconds of the buyer answering and sends the call to another buyer; transfer needs
 * the account's {@code live_call_control} feature and sends the caller to an entry of the key's directory
 * ({@code entry} or {@code number}: the entry's name, position or number). Either way the carrier holding the call is
 * told at once. Failures keep their HTTP status (400, 401, 403, 404, 409, 502) with the {@code FAILED} line as body.
 */
public final class LiveCallControlRoutes {
    /** How many of a caller's latest calls are looked through for the connected one. */
    private static final int LOOK_BACK = 20;

    private final KeyedRequests keyed;
    private final CallRepository calls;
    private final CallService callService;
    private final BuyerGroupRepository groups;
    private final DirectoryRepository directories;
    private final AccountRepository accounts;
    private final CarrierControl carriers;

    public LiveCallControlRoutes(
            KeyedAccess access,
            CallRepository calls,
            CallService callService,
            BuyerGroupRepository groups,
            DirectoryRepository directories,
            AccountRepository accounts,
            CarrierControl carriers) {
        this.keyed = new KeyedRequests(access.keys(), access.log());
        this.calls = calls;
        this.callService = callService;
        this.groups = groups;
        this.directories = directories;
        this.accounts = accounts;
        this.carriers = carriers;
    }

    /** The postback keys and their log, as the keyed endpoints share them. */
    public record KeyedAccess(PostbackKeyRepository keys, PostbackLog log) {}

    public void register(HttpRules rules) {
        Handler reject = (req, res) -> plainText(res, "FAILED rejected", () -> {
            PostbackRequest request = PostbackRequest.of(req);
            PostbackKey key = keyed.require(request.param("key"), KeyType.CALL_REJECTION);
            return keyed.logged(PostbackLog.Source.of(key), "call_rejection", request, r -> {
                return reject(key, requireGroup(req, key), r);
            });
        });
        Handler transfer = (req, res) -> {
            PostbackRequest request;
            try {
                request = PostbackRequest.of(req);
            } catch (Problem e) {
                send(res, HttpErrors.status(e), "FAILED transferred: " + e.getMessage());
                return;
            }
            boolean chosen =
                    request.param("entry").or(() -> request.param("number")).isPresent();
            if (!chosen) {
                directoryPage(req, res, request);
                return;
            }
            plainText(res, "FAILED transferred", () -> {
                PostbackKey key = keyed.require(request.param("key"), KeyType.CALL_TRANSFER);
                return keyed.logged(PostbackLog.Source.of(key), "call_transfer", request, r -> {
                    return transfer(key, requireTransfers(req, key), r);
                });
            });
        };
        for (String path :
                List.of("/handler_groups/{id}/call_control/reject", "/buyer_groups/{id}/call_control/reject")) {
            rules.get(path, reject);
            rules.post(path, reject);
        }
        for (String path :
                List.of("/handler_groups/{id}/transfers/interface", "/buyer_groups/{id}/transfers/interface")) {
            rules.get(path, transfer);
            rules.post(path, transfer);
        }
    }

    private KeyedRequests.Outcome<String> reject(PostbackKey key, Set<Long> members, PostbackRequest request) {
        Call call = connectedCall(key, request, members);
        return switch (carriersTold(callService.reject(call.uuid(), members))) {
            case LiveControl.Changed changed -> {
                String text = "SUCCESS call " + call.uuid() + " rejected";
                yield new KeyedRequests.Outcome<>(text, TagSet.empty(), Optional.of(call.uuid()), text);
            }
            case LiveControl.Refused refused -> throw new Problem.Conflict(null, refused.reason());
        };
    }

    private KeyedRequests.Outcome<String> transfer(PostbackKey key, Set<Long> members, PostbackRequest request) {
        Directory directory = directoryOf(key);
        String choice = request.param("entry").or(() -> request.param("number")).orElseThrow();
        Directory.Entry entry = directory
                .entry(choice)
                .orElseThrow(() -> new Problem.Invalid(
                        request.param("entry").isPresent() ? "entry" : "number",
                        "'" + choice + "' is not an entry of directory " + directory.name()));
        Call call = connectedCall(key, request, members);
        return switch (carriersTold(callService.transfer(call.uuid(), members, entry.name(), entry.destination()))) {
            case LiveControl.Changed changed -> {
                String text = "SUCCESS call " + call.uuid() + " transferred to " + entry.destination();
                yield new KeyedRequests.Outcome<>(text, TagSet.empty(), Optional.of(call.uuid()), text);
            }
            case LiveControl.Refused refused -> throw new Problem.Conflict(null, refused.reason());
        };
    }

    /** Sends a change to the call's carrier; a carrier that cannot be told at all is checked before anything moves. */
    private LiveControl carriersTold(LiveControl change) {
        if (change instanceof LiveControl.Changed changed) {
            Optional<String> failed = carriers.redirect(changed.call(), changed.next());
            if (failed.isPresent()) {
                throw new Problem.PartnerFailed("the call changed but its carrier was not told: " + failed.get());
            }
        }
        return change;
    }

    /** A key is used on its own buyer group's URL only; answers the ids of the group's buyers. */
    private Set<Long> requireGroup(ServerRequest req, PostbackKey key) {
        long groupId = Http.pathId(req, "id", "buyer group");
        if (key.ownerId() != groupId) {
            throw new Problem.Forbidden("this key belongs to another buyer group");
        }
        return groups.find(key.accountId(), groupId)
                .<Set<Long>>map(group -> Set.copyOf(group.buyerIds()))
                .orElseThrow(() -> new Problem.NotFound("no buyer group with id " + groupId));
    }

    private Set<Long> requireTransfers(ServerRequest req, PostbackKey key) {
        Set<Long> members = requireGroup(req, key);
        if (!accounts.hasFeature(key.accountId(), Feature.LIVE_CALL_CONTROL)) {
            throw new Problem.Forbidden("live call control is not enabled on this account");
        }
        return members;
    }

    private Directory directoryOf(PostbackKey key) {
        return Optional.of(key.longOption("directory_id", 0))
                .filter(id -> id > 0)
                .flatMap(id -> directories.find(key.accountId(), id))
                .orElseThrow(() -> new Problem.Conflict(null, "this key has no directory to transfer to"));
    }

    /**
     * The call named by {@code call_uuid}, else the caller's latest call connected to a buyer of the group (or, when
     * none is, the caller's latest call the group's buyers were dialled for, whose refusal then says why). A call
     * that never reached the group is not found, alike whether it exists or not: a group's key learns nothing of the
     * account's other calls.
     */
    private Call connectedCall(PostbackKey key, PostbackRequest request, Set<Long> members) {
        return available(findCall(key, request, members));
    }

    /** The call, unless its carrier cannot be told to move it (a conflict saying why). */
    private Call available(Call call) {
        carriers.unavailable(call).ifPresent(why -> {
            throw new Problem.Conflict(null, why);
        });
        return call;
    }

    private Call findCall(PostbackKey key, PostbackRequest request, Set<Long> members) {
        PostbackRequest.CallRef ref = request.callRef();
        Predicate<Call> reachedGroup =
                c -> c.buyerId().filter(members::contains).isPresent()
                        || calls.attempts(c.id()).stream().anyMatch(a -> members.contains(a.buyerId()));
        if (ref.callUuid().isPresent()) {
            return calls.find(key.accountId(), ref.callUuid().get())
                    .filter(reachedGroup)
                    .orElseThrow(LiveCallControlRoutes::noCallOfTheGroup);
        }
        List<Call> recent = calls.list(
                        key.accountId(),
                        CallRepository.Filter.ofCaller(ref.callerNumber().orElseThrow(), Optional.empty()),
                        new PageRequest(1, LOOK_BACK))
                .items();
        return recent.stream()
                .filter(c -> c.state() == CallState.CONNECTED
                        && c.buyerId().filter(members::contains).isPresent())
                .findFirst()
                .or(() -> recent.stream().filter(reachedGroup).findFirst())
                .orElseThrow(LiveCallControlRoutes::noCallOfTheGroup);
    }

    private static Problem noCallOfTheGroup() {
        return new Problem.NotFound("no call of this group's buyers from that caller or with that UUID");
    }

    /** The transfer interface: the call and the directory's entries to choose from. */
    private void directoryPage(ServerRequest req, ServerResponse res, PostbackRequest request) {
        PostbackKey key;
        Directory directory;
        Call call;
        try {
            key = keyed.require(request.param("key"), KeyType.CALL_TRANSFER);
            Set<Long> members = requireTransfers(req, key);
            directory = directoryOf(key);
            Call found = findCall(key, request, members);
            if (found.buyerId().filter(members::contains).isEmpty()) {
                // the page shows the call: only while the group has it (reject and transfer refuse with a reason)
                throw noCallOfTheGroup();
            }
            call = available(found);
        } catch (Problem e) {
            send(res, HttpErrors.status(e), "FAILED transferred: " + e.getMessage());
            return;
        }
        boolean html = req.headers()
                .value(HeaderNames.ACCEPT)
                .filter(accept -> accept.contains("text/html"))
                .isPresent();
        if (!html) {
            Http.ok(res, directoryJson(call, directory));
            return;
        }
        String page = directoryHtml(call, directory);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        // the page's form posts back to this URL, key included: it must not be cached or sent on as a referrer
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("Referrer-Policy", "no-referrer");
        res.send(page.getBytes(StandardCharsets.UTF_8));
    }

    /** The transfer interface as JSON: the call and the directory's entries, numbered from 1. */
    private static Map<String, Object> directoryJson(Call call, Directory directory) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < directory.entries().size(); i++) {
            Directory.Entry entry = directory.entries().get(i);
            entries.add(Map.of("position", i + 1, "name", entry.name(), "destination", entry.destination()));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("call_uuid", call.uuid());
        page.put("caller_number", call.callerNumber());
        page.put("status", call.status());
        page.put("directory", Map.of("id", directory.id(), "name", directory.name()));
        page.put("entries", entries);
        return page;
    }

    /** The transfer interface as an HTML page: one button per directory entry, each a form posting the choice. */
    private static String directoryHtml(Call call, Directory directory) {
        StringBuilder page = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Transfer "
                        + "call</title></head><body><h1>Transfer call from ")
                .append(escape(call.callerNumber()))
                .append("</h1><p>")
                .append(escape(directory.name()))
                .append("</p>");
        for (int i = 0; i < directory.entries().size(); i++) {
            Directory.Entry entry = directory.entries().get(i);
            page.append("<form method=\"post\"><input type=\"hidden\" name=\"call_uuid\" value=\"")
                    .append(escape(call.uuid()))
                    .append("\"><input type=\"hidden\" name=\"entry\" value=\"")
                    .append(i + 1)
                    .append("\"><button type=\"submit\">")
                    .append(escape(entry.name()))
                    .append(" (")
                    .append(escape(entry.destination()))
                    .append(")</button></form>");
        }
        page.append("</body></html>");
        return page.toString();
    }

    /** Runs a keyed action answering plain text; a request error becomes {@code failure: message} with its status. */
    private static void plainText(ServerResponse res, String failure, Supplier<String> action) {
        String text;
        int status;
        try {
            text = action.get();
            status = 200;
        } catch (Problem e) {
            text = failure + ": " + e.getMessage();
            status = HttpErrors.status(e);
        }
        send(res, status, text);
    }

    private static void send(ServerResponse res, int status, String text) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
