package org.switchboard.postback;

import java.util.Optional;
import java.util.function.Function;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.problem.Problem;

/**
 * Turns the key a keyed endpoint was given into the stored key, or the error the caller should see: no key or an
 * unknown key is a 401, a key of another type or a paused key a 403. The key is never echoed back or logged.
 */
final class KeyedRequests {
    private final PostbackKeyRepository keys;
    private final PostbackLog log;

    KeyedRequests(PostbackKeyRepository keys, PostbackLog log) {
        this.keys = keys;
        this.log = log;
    }

    PostbackKey require(Optional<String> presented, KeyType type) {
        String key = presented.orElseThrow(() -> new Problem.Unauthorized("key is required"));
        PostbackKey found =
                keys.findByKey(key).orElseThrow(() -> new Problem.Unauthorized("key is not a valid postback key"));
        if (found.type() != type) {
            throw new Problem.Forbidden("this key is a " + found.type().word().replace('_', ' ') + " key, not a "
                    + type.word().replace('_', ' ') + " key");
        }
        if (found.paused()) {
            throw new Problem.Forbidden("this key is paused");
        }
        return found;
    }

    /** Runs {@code work} for a request made by {@code source}, logging what became of it, errors included. */
    <T> T logged(
            PostbackLog.Source source,
            String endpoint,
            PostbackRequest request,
            Function<PostbackRequest, Outcome<T>> work) {
        Outcome<T> outcome;
        try {
            outcome = work.apply(request);
        } catch (Problem e) {
            log.record(
                    source,
                    endpoint,
                    request.method(),
                    request.loggable(),
                    org.switchboard.tag.TagSet.empty(),
                    Optional.empty(),
                    HttpErrors.status(e) + " " + e.getMessage());
            throw e;
        }
        log.record(
                source,
                endpoint,
                request.method(),
                request.loggable(),
                outcome.tags(),
                outcome.callUuid(),
                outcome.result());
        return outcome.response();
    }

    /** What a keyed request did: the response, the tags it wrote, the call it touched and the logged result. */
    record Outcome<T>(T response, org.switchboard.tag.TagSet tags, Optional<String> callUuid, String result) {}
}
