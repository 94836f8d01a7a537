package org.switchboard.postback;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.call.Attempt;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

/**
 * Call Data Reading: {@code /data_reading?key=KEY&caller_number=...&map_keys=their:our,...&accept_keys=...} answers a
 * flat JSON object of the call's tag values (the shape a start ping reads back as tags).
 *
 * <p>Only calls offered to a buyer of the key's buyer group can be read: the one named by {@code call_uuid}, else the
 * caller's latest such call. Only the tags on the key's {@code readable_tags} list are answered (an empty list reads
 * nothing); {@code map_keys} renames our tag {@code our} to their name {@code their}, and {@code accept_keys}, when
 * given, keeps only the (renamed) keys it lists. A tag with several values answers them as an array.
 */
public final class DataReadingRoutes {
    /** How many of a caller's latest calls are looked through for one that reached the group. */
    private static final int LOOK_BACK = 20;

    private final KeyedRequests keyed;
    private final CallRepository calls;
    private final BuyerGroupRepository groups;

    public DataReadingRoutes(
            PostbackKeyRepository keys, PostbackLog log, CallRepository calls, BuyerGroupRepository groups) {
        this.keyed = new KeyedRequests(keys, log);
        this.calls = calls;
        this.groups = groups;
    }

    public void register(HttpRules rules) {
        Handler handler = (req, res) -> {
            PostbackRequest request = PostbackRequest.of(req);
            PostbackKey key = keyed.require(request.param("key"), KeyType.CALL_DATA_READING);
            Http.ok(res, keyed.logged(PostbackLog.Source.of(key), "data_reading", request, r -> read(key, r)));
        };
        for (String path : new String[] {"/data_reading", "/data_reading.json"}) {
            rules.get(path, handler);
            rules.post(path, handler);
        }
    }

    private KeyedRequests.Outcome<Map<String, Object>> read(PostbackKey key, PostbackRequest request) {
        PostbackRequest.CallRef ref = request.callRef();
        Optional<String> caller = ref.callerNumber();
        Optional<String> uuid = ref.callUuid();
        Map<String, String> theirNameOf = mapKeys(request.param("map_keys").orElse(""));
        Set<String> accepted = list(request.param("accept_keys").orElse(""));
        Set<Long> members = groups.memberIds(key.accountId(), key.ownerId());

        Call call = (uuid.isPresent()
                        ? calls.find(key.accountId(), uuid.get()).filter(c -> reachedGroup(c, members))
                        : latestReaching(key, caller.get(), members))
                .orElseThrow(() -> new Problem.NotFound(
                        "no call " + uuid.map(u -> u + " ").orElse("") + "that reached this buyer group"
                                + caller.map(c -> " from " + c).orElse("")));

        Set<String> readable = new LinkedHashSet<>();
        key.options().path("readable_tags").forEach(t -> readable.add(t.asText()));
        Map<String, Object> answer = new LinkedHashMap<>();
        TagSet.Builder returned = TagSet.builder();
        for (String ours : call.tags().keys()) {
            if (!readable.contains(ours)) {
                continue;
            }
            String theirs = theirNameOf.getOrDefault(ours, ours);
            if (!accepted.isEmpty() && !accepted.contains(theirs)) {
                continue;
            }
            List<String> values = List.copyOf(call.tags().values(ours));
            answer.put(theirs, values.size() == 1 ? values.getFirst() : values);
            values.forEach(v -> returned.add(ours, v));
        }
        return new KeyedRequests.Outcome<>(
                answer, returned.build(), Optional.of(call.uuid()), "call found, " + answer.size() + " tag(s) read");
    }

    private boolean reachedGroup(Call call, Set<Long> members) {
        return calls.attempts(call.id()).stream().map(Attempt::buyerId).anyMatch(members::contains);
    }

    private Optional<Call> latestReaching(PostbackKey key, String caller, Set<Long> members) {
        return calls
                .list(
                        key.accountId(),
                        CallRepository.Filter.ofCaller(caller, Optional.empty()),
                        new PageRequest(1, LOOK_BACK))
                .items()
                .stream()
                .filter(c -> reachedGroup(c, members))
                .findFirst();
    }

    /** {@code their:our,their2:our2} as our tag key to their name. */
    private static Map<String, String> mapKeys(String raw) {
        Map<String, String> theirNameOf = new LinkedHashMap<>();
        for (String pair : list(raw)) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new Problem.Invalid("map_keys", "'" + pair + "' is not their_key:our_key");
            }
            theirNameOf.put(
                    TagSet.normalizeKey(pair.substring(colon + 1).strip()),
                    pair.substring(0, colon).strip());
        }
        return theirNameOf;
    }

    private static Set<String> list(String raw) {
        Set<String> items = new LinkedHashSet<>();
        for (String item : raw.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }
}
