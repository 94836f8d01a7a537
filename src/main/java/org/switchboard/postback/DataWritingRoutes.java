package org.switchboard.postback;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.call.CallService;
import org.switchboard.call.LiveCall;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonText;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.secret.Secrets;
import org.switchboard.tag.SystemTags;
import org.switchboard.tag.TagSet;

/**
 * Call Data Writing: {@code /data_writing?key=KEY&caller_number=...&tag=value} or {@code /data_writing/KEY?...} (GET
 * or POST, query, form or JSON),
 * writing every parameter other than {@code key}, {@code caller_number} and {@code call_uuid} as a tag, named with
 * the key's {@code tag_prefix}.
 *
 * <p>The call written to is the one named by {@code call_uuid}, else the caller's latest call; a publisher's key only
 * sees that publisher's calls, a company key every call of the account. A live call takes the tags at once ("in-progress
 * call found, tags may be ignored": routing may already be decided). An ended call takes them only if it started
 * within the key's {@code start_seconds} and ended within its {@code end_seconds} ("completed call found, tags
 * applied"). Otherwise the tags wait for the caller's next call, for a day ("call not found, tags stored").
 *
 * <p>Without a postback key, {@code call_uuid} with that call's {@code call_key} (given to its buyer by webhook token or
 * SIP header) writes tags onto that one call, unprefixed, while it is live and for 7 days after it ends.
 */
public final class DataWritingRoutes {
    static final String COMPLETED = "completed call found, tags applied";
    static final String IN_PROGRESS = "in-progress call found, tags may be ignored";
    static final String STORED = "call not found, tags stored";
    private static final Set<String> RESERVED = Set.of("key", "call_key", "caller_number", "call_uuid");
    static final Duration CALL_KEY_WINDOW = Duration.ofDays(7);

    private final KeyedRequests keyed;
    private final CallRepository calls;
    private final CallService callService;
    private final CallerTagCache cache;
    private final Clock clock;

    public DataWritingRoutes(
            PostbackKeyRepository keys,
            PostbackLog log,
            CallRepository calls,
            CallService callService,
            CallerTagCache cache,
            Clock clock) {
        this.keyed = new KeyedRequests(keys, log);
        this.calls = calls;
        this.callService = callService;
        this.cache = cache;
        this.clock = clock;
    }

    /** The answer: the tags written (a key's one value as a string, several as an array), the caller, the status. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"tag_values", "caller_number", "status"})
    record Response(@JsonIgnore TagSet tags, String callerNumber, String status) {
        @JsonProperty("tag_values")
        Map<String, Object> tagValues() {
            Map<String, Object> values = new LinkedHashMap<>();
            tags.asMap().forEach((tagKey, list) -> values.put(tagKey, list.size() == 1 ? list.getFirst() : list));
            return values;
        }

        /**
         * The answer's JSON as the mapper writes it ({@code tag_values}, {@code caller_number}, {@code status}), written
         * by hand: the mapper's reflective walk of the record and its map was a tenth of a data write's answer. A text
         * holding a surrogate goes through the mapper, as {@link JsonText} requires.
         */
        byte[] json() {
            JsonText json =
                    new JsonText(128).startObject().plainName("tag_values").startObject();
            for (String tagKey : tags.keys()) {
                Set<String> values = tags.values(tagKey);
                json.plainName(tagKey); // a tag key is [a-z0-9_.-]: nothing to escape
                if (values.size() == 1) {
                    json.value(values.iterator().next());
                } else {
                    json.startArray();
                    values.forEach(json::value);
                    json.endArray();
                }
            }
            json.endObject().plainName("caller_number");
            if (callerNumber == null) {
                json.nullValue();
            } else {
                json.value(callerNumber);
            }
            json.plainName("status").value(status).endObject();
            return json.matchesMapper() ? json.toString().getBytes(StandardCharsets.UTF_8) : Json.write(this);
        }
    }

    public void register(HttpRules rules) {
        Handler handler = (req, res) -> {
            PostbackRequest request = PostbackRequest.of(req);
            Optional<String> presented =
                    req.path().pathParameters().first("key").asOptional().or(() -> request.param("key"));
            Optional<String> callKey = request.param("call_key");
            if (presented.isEmpty() && callKey.isPresent()) {
                Call call = callKeyHolder(request, callKey.get());
                PostbackLog.Source source = new PostbackLog.Source(call.accountId(), Optional.empty(), "call key");
                ok(res, keyed.logged(source, "data_writing", request, r -> writeWithCallKey(call, r)));
                return;
            }
            PostbackKey key = keyed.require(presented, KeyType.CALL_DATA_WRITING);
            ok(res, keyed.logged(PostbackLog.Source.of(key), "data_writing", request, r -> write(key, r)));
        };
        for (String path : new String[] {"/data_writing", "/data_writing.json", "/data_writing/{key}"}) {
            rules.get(path, handler);
            rules.post(path, handler);
        }
    }

    private static void ok(ServerResponse res, Response response) {
        Http.sendJson(res, Status.OK_200, response.json());
    }

    private KeyedRequests.Plan<Response> write(PostbackKey key, PostbackRequest request) {
        PostbackRequest.CallRef ref = request.callRef();
        Optional<String> callerParam = ref.callerNumber();
        Optional<String> uuid = ref.callUuid();
        TagSet tags = tags(key.option("tag_prefix", ""), request);
        Optional<Long> publisher =
                key.owner() == KeyType.Owner.PUBLISHER ? Optional.of(key.ownerId()) : Optional.empty();
        boolean reuse = key.options().path("reuse_tags_on_repeat_calls").asBoolean(false);
        if (uuid.isEmpty()) {
            return toLatestCall(key, callerParam.orElseThrow(), publisher, tags, reuse);
        }
        Optional<Call> call = calls.find(key.accountId(), uuid.get())
                .filter(c -> publisher.isEmpty() || c.publisherId().equals(publisher));
        String caller = callerParam
                .or(() -> call.map(Call::callerNumber))
                .orElseThrow(() ->
                        new Problem.NotFound("no call with call_uuid " + uuid.get() + " that this key may write to"));
        return toFound(key, call, caller, publisher, tags, reuse);
    }

    /**
     * Tags for the caller's latest call, read inside the request's transaction on the writer's connection together with
     * the latest calls of every other caller of its batch ({@link CallRepository#LATEST_OF_CALLERS}): one read for the
     * batch, and none on a connection of the request's own. Tags that wait for the next call are stored there and
     * then; a call that takes them is written in a second transaction, under its lock.
     */
    private KeyedRequests.Plan<Response> toLatestCall(
            PostbackKey key, String caller, Optional<Long> publisher, TagSet tags, boolean reuse) {
        return keyed.decidedInTransaction(
                new DurableWrites.Prefetch<>(
                        CallRepository.LATEST_OF_CALLERS,
                        new CallRepository.CallerOf(key.accountId(), caller, publisher)),
                (handle, call) -> toFound(key, call, caller, publisher, tags, reuse));
    }

    /** Tags onto {@code call} when the key may write to it, else stored for {@code caller}'s next call. */
    private KeyedRequests.Plan<Response> toFound(
            PostbackKey key, Optional<Call> call, String caller, Optional<Long> publisher, TagSet tags, boolean reuse) {
        Optional<String> status = call.flatMap(c -> writable(key, c));
        return status.isPresent()
                ? toCall(key, call.get(), status.get(), publisher, tags, reuse)
                : stored(key, caller, publisher, tags, reuse);
    }

    /** Tags onto {@code call}, which takes them with {@code status}; kept for the caller's next calls if reused. */
    private KeyedRequests.Plan<Response> toCall(
            PostbackKey key, Call call, String status, Optional<Long> publisher, TagSet tags, boolean reuse) {
        KeyedRequests.Outcome<Response> outcome = outcome(tags, call.callerNumber(), status, Optional.of(call.uuid()));
        return onCall(call, "data-writing key " + key.name(), tags, outcome, handle -> {
            if (reuse && !tags.isEmpty()) {
                cache.store(handle, key.accountId(), call.callerNumber(), publisher, tags, true);
            }
        });
    }

    /** Tags no call takes: stored for the caller's next call, for a day. */
    private KeyedRequests.Plan<Response> stored(
            PostbackKey key, String caller, Optional<Long> publisher, TagSet tags, boolean reuse) {
        KeyedRequests.Outcome<Response> outcome = outcome(tags, caller, STORED, Optional.empty());
        if (tags.isEmpty()) {
            return outcome;
        }
        return handle -> {
            cache.store(handle, key.accountId(), caller, publisher, tags, reuse);
            return outcome;
        };
    }

    /**
     * Writes {@code tags} onto the call (and whatever {@code also} writes) in the request's transaction, committed
     * under the call's lock so no other change of its tags is lost.
     */
    private KeyedRequests.Plan<Response> onCall(
            Call call, String source, TagSet tags, KeyedRequests.Outcome<Response> outcome, Consumer<Handle> also) {
        LiveCall live = callService.liveCall(call.uuid());
        return new KeyedRequests.Plan<>() {
            @Override
            public KeyedRequests.Result<Response> write(Handle handle) {
                live.changeTags(handle, source, current -> overwrite(current, tags));
                also.accept(handle);
                return outcome;
            }

            @Override
            public <R> R around(Supplier<R> commit) {
                return live.underLock(commit);
            }

            @Override
            public boolean locks() {
                return true;
            }
        };
    }

    /** The call whose UUID and call key were given; anything else is a 401 that does not say which was wrong. */
    private Call callKeyHolder(PostbackRequest request, String callKey) {
        Problem refused = new Problem.Unauthorized("call_uuid and call_key do not match a call");
        String uuid = request.param("call_uuid").orElseThrow(() -> refused);
        String digest = Secrets.digest(callKey);
        boolean matches = calls.keyDigest(uuid)
                .map(stored -> Secrets.constantTimeEquals(stored, digest))
                .orElse(false);
        return calls.findByUuid(uuid).filter(call -> matches).orElseThrow(() -> refused);
    }

    /** The buyer's data postback: tags onto the one call whose key was given, live or ended within a week. */
    private KeyedRequests.Plan<Response> writeWithCallKey(Call call, PostbackRequest request) {
        if (call.endedAt().isPresent()
                && call.endedAt().get().isBefore(clock.instant().minus(CALL_KEY_WINDOW))) {
            throw new Problem.Forbidden("the call ended more than 7 days ago; its key no longer writes to it");
        }
        TagSet tags = tags("", request);
        String status = call.endedAt().isPresent() ? COMPLETED : IN_PROGRESS;
        return onCall(
                call,
                "the buyer's data postback (call key)",
                tags,
                outcome(tags, call.callerNumber(), status, Optional.of(call.uuid())),
                handle -> {});
    }

    /** The status of writing to {@code call}, or empty when the key's time windows leave it out. */
    private Optional<String> writable(PostbackKey key, Call call) {
        if (call.endedAt().isEmpty()) {
            return Optional.of(IN_PROGRESS);
        }
        Instant now = clock.instant();
        Instant ended = call.endedAt().get();
        boolean startedRecently = !call.startedAt().isBefore(now.minusSeconds(key.longOption("start_seconds", 0)));
        boolean endedRecently = !ended.isBefore(now.minusSeconds(key.longOption("end_seconds", 3_600)));
        return startedRecently && endedRecently ? Optional.of(COMPLETED) : Optional.empty();
    }

    private static TagSet tags(String prefix, PostbackRequest request) {
        ObjectNode named = Json.MAPPER.createObjectNode();
        request.params().forEach((name, value) -> {
            if (RESERVED.contains(name) || value.isBlank()) {
                return;
            }
            String tagKey = prefix.isEmpty() ? name : prefix + name;
            // the call's identity and routing tags are Switchboard's: a postback does not change who sent or took
            // the call (the same rule as for webhook responses)
            if (!SystemTags.PROTECTED.contains(TagSet.normalizeKey(tagKey))) {
                named.put(tagKey, value);
            }
        });
        return TagSet.parse("tags", named);
    }

    private static TagSet overwrite(TagSet current, TagSet written) {
        TagSet result = current;
        for (String tagKey : written.keys()) {
            result = result.replacing(tagKey, written.values(tagKey));
        }
        return result;
    }

    private static KeyedRequests.Outcome<Response> outcome(
            TagSet tags, String callerNumber, String status, Optional<String> callUuid) {
        return new KeyedRequests.Outcome<>(new Response(tags, callerNumber, status), tags, callUuid, status);
    }
}
