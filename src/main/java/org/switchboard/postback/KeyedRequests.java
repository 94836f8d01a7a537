package org.switchboard.postback;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
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

    /** Whether one writer commits every request ({@link DurableWrites#oneWriter}): reads belong in its transaction. */
    boolean oneWriter() {
        return log.writes().oneWriter();
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
        Logged<T> logged = commit(source, endpoint, request.method(), params, plan);
        if (logged.result() instanceof Again<T> again) {
            logged = commit(source, endpoint, request.method(), params, again.plan());
        }
        return switch (logged.result()) {
            case Outcome<T> outcome -> {
                log.counted(logged.row().orElseThrow());
                yield outcome.response();
            }
            case Refused<T> refused -> {
                log.counted(logged.row().orElseThrow());
                throw refused.problem();
            }
            case Again<T> again -> throw new IllegalStateException("a plan run again asked to be run again");
        };
    }

    /**
     * Commits {@code plan}'s rows with the log entry of what became of them; a plan that answers {@link Again} is
     * committed with no entry and nothing written.
     */
    private <T> Logged<T> commit(
            PostbackLog.Source source, String endpoint, String method, Map<String, String> params, Plan<T> plan) {
        DurableWrites writes = log.writes();
        DurableWrites.Work<Logged<T>> work = handle -> {
            Result<T> result = plan.write(handle);
            Optional<PostbackLog.Row> row = switch (result) {
                case Outcome<T> outcome ->
                    Optional.of(log.row(
                            source, endpoint, method, params, outcome.tags(), outcome.callUuid(), outcome.result()));
                case Refused<T> refused ->
                    Optional.of(log.row(
                            source,
                            endpoint,
                            method,
                            params,
                            TagSet.empty(),
                            Optional.empty(),
                            HttpErrors.status(refused.problem()) + " "
                                    + refused.problem().getMessage()));
                case Again<T> again -> Optional.empty();
            };
            row.ifPresent(entry -> log.insert(handle, entry));
            return new Logged<>(result, row);
        };
        Optional<DurableWrites.Prefetch<?, ?>> prefetch = plan.prefetch();
        return plan.around(() -> prefetch.isPresent() ? writes.commit(prefetch.get(), work) : writes.commit(work));
    }

    private record Logged<T>(Result<T> result, Optional<PostbackLog.Row> row) {}

    /**
     * What a checked request writes: run inside the shared transaction on the writer's thread, with only the handle
     * it is given (see {@link DurableWrites}); it answers the outcome, or a refusal decided by what it found there,
     * or the plan to commit instead ({@link Again}).
     */
    @FunctionalInterface
    interface Plan<T> {
        Result<T> write(Handle handle);

        /** Runs the commit of the plan's transaction; a plan that changes a call's tags commits under its lock. */
        default <R> R around(Supplier<R> commit) {
            return commit.get();
        }

        /** Whether {@link #around} takes a lock, which the writer's thread may not wait for. */
        default boolean locks() {
            return false;
        }

        /** The read to make for this plan with the others of its batch, before any of them is written. */
        default Optional<DurableWrites.Prefetch<?, ?>> prefetch() {
            return Optional.empty();
        }
    }

    /**
     * A plan decided by what {@code reads} find inside the request's transaction, on the writer's connection (a read
     * through the Jdbi on the writer's thread gets it too): no pooled connection for the request thread. A refusal the
     * reads throw is answered and logged in that transaction. A plan that {@link Plan#locks} is committed again in a
     * transaction of its own ({@link Again}), the writer's having written nothing.
     */
    static <T> Plan<T> decidedInTransaction(Function<Handle, Plan<T>> reads) {
        return handle -> {
            Plan<T> plan;
            try {
                plan = reads.apply(handle);
            } catch (Problem refused) {
                return new Refused<>(refused);
            }
            return plan.locks() ? new Again<>(plan) : plan.write(handle);
        };
    }

    /**
     * As {@link #decidedInTransaction(Function)}, decided by what {@code prefetch} finds, read at the start of the
     * request's transaction together with the same read of every other request of its batch ({@link
     * DurableWrites#commit(DurableWrites.Prefetch, DurableWrites.Work)}): one read for the batch, not one per request.
     */
    <T, K, V> Plan<T> decidedInTransaction(
            DurableWrites.Prefetch<K, V> prefetch, BiFunction<Handle, Optional<V>, Plan<T>> reads) {
        DurableWrites writes = log.writes();
        Plan<T> decided = decidedInTransaction(handle -> reads.apply(handle, writes.prefetched(handle, prefetch)));
        return new Plan<>() {
            @Override
            public Result<T> write(Handle handle) {
                return decided.write(handle);
            }

            @Override
            public Optional<DurableWrites.Prefetch<?, ?>> prefetch() {
                return Optional.of(prefetch);
            }
        };
    }

    /**
     * What became of a request: an outcome, or a refusal answered with its error (and logged with it), or a plan to
     * commit instead, in a transaction of its own.
     */
    sealed interface Result<T> permits Outcome, Refused, Again {}

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

    /**
     * What the transaction found must be written by {@code plan} (one that never answers {@code Again}), which needs
     * its own transaction: to commit under a call's lock, say, which the writer's thread may not wait for. The work
     * that answers it must have written nothing.
     */
    record Again<T>(Plan<T> plan) implements Result<T> {}
}
