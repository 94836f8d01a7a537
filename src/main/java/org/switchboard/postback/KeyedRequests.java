package org.switchboard.postback;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

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

    /**
     * Runs {@code work} for a request made by {@code source} and logs what became of it, errors included. The rows
     * the work plans are written with the log entry in one shared transaction ({@link DurableWrites}), and the answer
     * comes once that is committed: answered means durable, and a request's rows are all stored or none are.
     */
    <T> T logged(
            PostbackLog.Source source,
            String endpoint,
            PostbackRequest request,
            Function<PostbackRequest, ? extends Plan<T>> work) {
        Plan<T> plan;
        try {
            plan = work.apply(request);
        } catch (Problem e) {
            log.record(
                    source,
                    endpoint,
                    request.method(),
                    request.loggable(),
                    TagSet.empty(),
                    Optional.empty(),
                    HttpErrors.status(e) + " " + e.getMessage());
            throw e;
        }
        Map<String, String> params = request.loggable();
        Logged<T> logged = plan.around(() -> log.writes().commit(handle -> {
            Result<T> result = plan.write(handle);
            PostbackLog.Row row = switch (result) {
                case Outcome<T> outcome ->
                    log.row(
                            source,
                            endpoint,
                            request.method(),
                            params,
                            outcome.tags(),
                            outcome.callUuid(),
                            outcome.result());
                case Refused<T> refused ->
                    log.row(
                            source,
                            endpoint,
                            request.method(),
                            params,
                            TagSet.empty(),
                            Optional.empty(),
                            HttpErrors.status(refused.problem()) + " "
                                    + refused.problem().getMessage());
            };
            log.insert(handle, row);
            return new Logged<>(result, row);
        }));
        log.counted(logged.row());
        return switch (logged.result()) {
            case Outcome<T> outcome -> outcome.response();
            case Refused<T> refused -> throw refused.problem();
        };
    }

    private record Logged<T>(Result<T> result, PostbackLog.Row row) {}

    /**
     * What a checked request writes: run inside the shared transaction on the writer's thread, with only the handle
     * it is given (see {@link DurableWrites}); it answers the outcome, or a refusal decided by what it found there.
     */
    @FunctionalInterface
    interface Plan<T> {
        Result<T> write(Handle handle);

        /** Runs the commit of the plan's transaction; a plan that changes a call's tags commits under its lock. */
        default <R> R around(Supplier<R> commit) {
            return commit.get();
        }
    }

    /** What became of a request: an outcome, or a refusal answered with its error (and logged with it). */
    sealed interface Result<T> permits Outcome, Refused {}

    /**
     * What a keyed request did: the response, the tags it wrote, the call it touched and the logged result. As a plan
     * it writes nothing but the log entry.
     */
    record Outcome<T>(T response, TagSet tags, Optional<String> callUuid, String result) implements Plan<T>, Result<T> {
        @Override
        public Result<T> write(Handle handle) {
            return this;
        }
    }

    /** A request refused by what its transaction found (a conflict, say): answered with this error. */
    record Refused<T>(Problem problem) implements Result<T> {}
}
