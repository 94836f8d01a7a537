package org.switchboard.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.routing.RoutingService;
import org.switchboard.tag.TagSet;

/**
 * The live part of calls kept where every node of a deployment sees it (the shared live state, Redis), so a call's
 * carrier callbacks and call-control requests may reach any node: one lock per call across the nodes, and the call's
 * held caps, claimed reservation and call key (sealed under the master key, never in plain text) stored between them.
 *
 * <p>The lock is a value set-if-absent with a random token and a TTL (so a node that dies holding it cannot block
 * the call for longer), let go only by its holder. A thread that holds it may take it again (a call's operations nest).
 */
public final class SharedCalls {
    /** How long a lock outlives a node that died holding it. */
    static final Duration LOCK_TTL = Duration.ofSeconds(60);

    /** How long a call's live part is kept without a change (longer than any call may stay connected). */
    static final Duration RECORD_TTL = Duration.ofHours(5);

    private static final long MAX_WAIT_NANOS = Duration.ofSeconds(70).toNanos();

    private final LiveState live;
    private final SecretBox secrets;
    private final ThreadLocal<Map<String, Held>> held = ThreadLocal.withInitial(HashMap::new);

    private record Held(String token, int depth) {}

    public SharedCalls(LiveState live, SecretBox secrets) {
        this.live = live;
        this.secrets = secrets;
    }

    /**
     * Runs {@code body} holding the deployment-wide lock of {@code key}; {@code outermost} is told whether this is
     * the first hold of the key on this thread (so the caller loads and stores the call's state once).
     */
    <T> T withLock(String key, Function<Boolean, T> body) {
        Map<String, Held> mine = held.get();
        Held current = mine.get(key);
        if (current != null) {
            mine.put(key, new Held(current.token(), current.depth() + 1));
            try {
                return body.apply(false);
            } finally {
                mine.put(key, current);
            }
        }
        String token = UUID.randomUUID().toString();
        acquire(key, token);
        mine.put(key, new Held(token, 1));
        try {
            return body.apply(true);
        } finally {
            mine.remove(key);
            live.deleteIfEquals(lockKey(key), token);
        }
    }

    private void acquire(String key, String token) {
        long started = System.nanoTime();
        long pauseNanos = 200_000;
        while (!live.putIfAbsent(lockKey(key), token, LOCK_TTL)) {
            if (System.nanoTime() - started > MAX_WAIT_NANOS) {
                throw new IllegalStateException("call " + key + " stayed locked by another node for over 70 s");
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, 20_000_000);
        }
    }

    private static String lockKey(String key) {
        return "call:lock:" + key;
    }

    private static String recordKey(String uuid) {
        return "call:live:" + uuid;
    }

    /** What a call holds between its requests, as {@link CallService} keeps it. */
    record State(String callKey, RoutingService.Hold hold, Optional<RoutingService.Claim> claim) {}

    /** The call's stored live part, if it is live (a call that ended, or never was, has none). */
    Optional<State> load(String uuid) {
        return live.get(recordKey(uuid)).map(this::decode);
    }

    void store(String uuid, State state) {
        live.put(recordKey(uuid), encode(state), RECORD_TTL);
    }

    void remove(String uuid) {
        live.delete(recordKey(uuid));
    }

    private String encode(State state) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("key", state.callKey().isEmpty() ? "" : secrets.seal(state.callKey()));
        out.put("hold", state.hold().encode());
        state.claim().ifPresent(claim -> {
            ObjectNode c = out.putObject("claim");
            c.put("reservation", claim.reservationUuid());
            c.put("buyer", claim.buyerId());
            c.put("only", claim.onlyReservedBuyer());
            claim.hold().ifPresent(h -> c.put("hold", h.encode()));
            c.put("tags", claim.tags().toStored());
            claim.publisherId().ifPresent(p -> c.put("publisher", p));
            c.put("number_tags", claim.numberTags());
        });
        return Json.writeString(out);
    }

    private State decode(String stored) {
        JsonNode in = Json.read(stored);
        String sealed = in.path("key").asText("");
        Optional<RoutingService.Claim> claim = Optional.empty();
        JsonNode c = in.path("claim");
        if (c.isObject()) {
            claim = Optional.of(new RoutingService.Claim(
                    c.path("reservation").asText(),
                    c.path("buyer").asLong(),
                    c.path("only").asBoolean(),
                    c.has("hold")
                            ? Optional.of(
                                    RoutingService.Hold.decode(c.path("hold").asText()))
                            : Optional.empty(),
                    TagSet.fromStored(c.path("tags").asText("{}")),
                    c.has("publisher") ? Optional.of(c.path("publisher").asLong()) : Optional.empty(),
                    c.path("number_tags").asBoolean(true)));
        }
        return new State(
                sealed.isEmpty() ? "" : secrets.open(sealed),
                RoutingService.Hold.decode(in.path("hold").asText("")),
                claim);
    }
}
