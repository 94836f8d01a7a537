package org.switchboard.postback;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.db.FixedStatement;
import org.switchboard.platform.db.Where;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonText;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

/**
 * The postback log: every request that reached a keyed endpoint with a valid key, with the key's name (never the
 * key), the endpoint, its parameters, the tags parsed from them, and the result; read back newest first, filtered
 * ({@link PostbackLogRoutes} answers it as {@code GET /api/v2/postback_logs}).
 */
public final class PostbackLog {
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final Clock clock;

    private final DurableWrites writes;
    /** endpoint → [success, error] counters of {@code switchboard.postbacks}. */
    private final Map<String, Counter[]> endpointToCounters = new HashMap<>();

    /** {@code writes}: the shared commits an entry is written in, with the rows of the request it logs. */
    public PostbackLog(Jdbi jdbi, DurableWrites writes, Clock clock, Metrics metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.writes = writes;
        for (Type type : Type.values()) {
            for (String endpoint : type.endpoints) {
                Counter[] counters = new Counter[2];
                for (Outcome outcome : Outcome.values()) {
                    counters[outcome.ordinal()] = metrics.counter(
                            "switchboard.postbacks",
                            "Keyed requests (conversion postbacks, data writes and reads, caller lists, call control)"
                                    + " made with a valid key, by endpoint and outcome",
                            "endpoint",
                            endpoint,
                            "outcome",
                            outcome.word());
                }
                endpointToCounters.put(endpoint, counters);
            }
        }
    }

    /** A logged request as the log shows it ({@code key_id} null: a call's key, not a postback key). */
    public record Entry(
            long id,
            @Nullable Long keyId,
            String keyName,
            String endpoint,
            String method,
            Map<String, String> params,
            Map<String, List<String>> tags,
            String callUuid,
            String result,
            String createdAt) {}

    /** Who made a logged request: a postback key, or the holder of a call's key (no key id). */
    record Source(AccountId account, Optional<Long> keyId, String name) {
        static Source of(PostbackKey key) {
            return new Source(key.accountId(), Optional.of(key.id()), key.name());
        }
    }

    /** Logs a request that wrote nothing else, answering once the entry is committed. */
    void record(
            Source source,
            String endpoint,
            String method,
            Map<String, String> params,
            TagSet tags,
            Optional<String> callUuid,
            String result) {
        Row row = row(source, endpoint, method, params, tags, callUuid, result);
        writes.commit(handle -> insert(handle, row));
        counted(row);
    }

    /** The shared commits keyed requests write their rows in, with their entries ({@link #insert}). */
    DurableWrites writes() {
        return writes;
    }

    /** An entry to write with {@link #insert} in the request's transaction, then to {@link #counted count}. */
    Row row(
            Source source,
            String endpoint,
            String method,
            Map<String, String> params,
            TagSet tags,
            Optional<String> callUuid,
            String result) {
        return new Row(
                source,
                endpoint,
                method,
                params,
                tags,
                callUuid,
                result.length() > 500 ? result.substring(0, 500) : result,
                clock.millis());
    }

    /** Counts a committed entry in {@code switchboard.postbacks}. */
    void counted(Row row) {
        Counter[] counters = endpointToCounters.get(row.endpoint());
        if (counters != null) {
            counters[(isError(row.result()) ? Outcome.ERROR : Outcome.SUCCESS).ordinal()].increment();
        }
    }

    /** A result logged for a request answered with a 4xx or 5xx starts with that status and a space. */
    private static boolean isError(String result) {
        return result.length() > 4
                && (result.charAt(0) == '4' || result.charAt(0) == '5')
                && Character.isDigit(result.charAt(1))
                && Character.isDigit(result.charAt(2))
                && result.charAt(3) == ' ';
    }

    record Row(
            Source source,
            String endpoint,
            String method,
            Map<String, String> params,
            TagSet tags,
            Optional<String> callUuid,
            String result,
            long at) {}

    private static final FixedStatement INSERT = new FixedStatement("""
            INSERT INTO postback_logs (account_id, key_id, key_name, endpoint, method, params, tags, call_uuid, result,
                created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");

    /**
     * Writes the entry in the caller's transaction, one of {@link #writes}: with the other entries of that transaction
     * when it commits ({@link DurableWrites#insertAtCommit}).
     */
    Void insert(Handle handle, Row row) {
        writes.insertAtCommit(
                handle,
                INSERT,
                row.source().account().value(),
                FixedStatement.longOrNull(row.source().keyId()),
                row.source().name(),
                row.endpoint(),
                row.method(),
                paramsText(row.params()),
                row.tags().toStored(),
                FixedStatement.textOrNull(row.callUuid()),
                row.result(),
                row.at());
        return null;
    }

    /**
     * The entry's parameters as the mapper writes them ({@code {"name":"value",...}} in the map's order), written by
     * hand: through the mapper they were a fifth of the writer's time. A name or value holding a surrogate (or a
     * null) goes through the mapper, whose text the hand-written one must equal ({@link JsonText}).
     */
    static String paramsText(Map<String, String> params) {
        JsonText text = new JsonText(16 + 32 * params.size()).startObject();
        for (Map.Entry<String, String> param : params.entrySet()) {
            if (param.getKey() == null || param.getValue() == null) {
                return Json.writeString(params);
            }
            text.name(param.getKey()).value(param.getValue());
        }
        return text.matchesMapper() ? text.endObject().toString() : Json.writeString(params);
    }

    /** Filters of the postback log; empty ones do not filter. */
    public record Filter(
            Optional<Long> keyId,
            Optional<String> endpoint,
            Optional<Type> type,
            Optional<Outcome> outcome,
            Optional<Instant> from,
            Optional<Instant> to,
            Optional<String> callUuid) {
        /** The postbacks of one call. */
        public static Filter call(String callUuid) {
            return new Filter(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(callUuid));
        }

        /**
         * The filters from request parameters ({@code query} answers a parameter's stripped, non-blank value), shared
         * by the API and the console's page; a bad value is a 400 naming its parameter. {@code from} and {@code to}
         * take an instant or a date ({@link Http#parseFrom}, {@link Http#parseTo}).
         */
        public static Filter parse(Function<String, Optional<String>> query) {
            return new Filter(
                    query.apply("key_id").map(raw -> Http.parseId("key_id", raw)),
                    query.apply("endpoint"),
                    query.apply("type")
                            .map(word -> Type.fromWord(word)
                                    .orElseThrow(() -> new Problem.Invalid(
                                            "type", "must be one of " + String.join(", ", Type.words())))),
                    query.apply("outcome")
                            .map(word -> Outcome.fromWord(word)
                                    .orElseThrow(() -> new Problem.Invalid("outcome", "must be success or error"))),
                    query.apply("from").map(raw -> Http.parseFrom("from", raw)),
                    query.apply("to").map(raw -> Http.parseTo("to", raw)),
                    Optional.empty());
        }
    }

    /** What kind of keyed request an entry is: the endpoints of one key type. */
    public enum Type {
        CONVERSION(List.of("conversion")),
        DATA_WRITING(List.of("data_writing")),
        DATA_READING(List.of("data_reading")),
        CALLER_LISTS(List.of("caller_lists")),
        CALL_CONTROL(List.of("call_rejection", "call_transfer"));

        private final List<String> endpoints;

        Type(List<String> endpoints) {
            this.endpoints = endpoints;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static List<String> words() {
            return Arrays.stream(values()).map(Type::word).toList();
        }

        static Optional<Type> fromWord(String word) {
            return Arrays.stream(values()).filter(t -> t.word().equals(word)).findFirst();
        }
    }

    /**
     * What became of a request: an {@code error} was answered with a 4xx or 5xx (its logged result starts with that
     * status, as every refused or failed request's does), a {@code success} with what it did.
     */
    public enum Outcome {
        SUCCESS,
        ERROR;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static List<String> words() {
            return Arrays.stream(values()).map(Outcome::word).toList();
        }

        static Optional<Outcome> fromWord(String word) {
            return Arrays.stream(values()).filter(o -> o.word().equals(word)).findFirst();
        }
    }

    /** A result logged for a request answered with a 4xx or 5xx: its status, a space, the message. */
    private static final String ERROR_RESULT = "(result LIKE '4__ %' OR result LIKE '5__ %')";

    /** The account's logged requests matching {@code filter}, newest first. */
    public Page<Entry> list(AccountId account, Filter filter, PageRequest page) {
        Where where = Where.account(account)
                .and("key_id = :key", "key", filter.keyId())
                .and("endpoint = :endpoint", "endpoint", filter.endpoint());
        filter.type().ifPresent(type -> {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < type.endpoints.size(); i++) {
                names.add(":type" + i);
                where.bind("type" + i, type.endpoints.get(i));
            }
            where.and("endpoint IN (" + String.join(", ", names) + ")");
        });
        filter.outcome()
                .ifPresent(outcome -> where.and(outcome == Outcome.ERROR ? ERROR_RESULT : "NOT " + ERROR_RESULT));
        return where.between("created_at", filter.from(), filter.to())
                .and("call_uuid = :call", "call", filter.callUuid())
                .page(jdbi, "postback_logs", "created_at", PostbackLog::entry, page);
    }

    private static Entry entry(ResultSet rs, StatementContext ctx) throws SQLException {
        try {
            return new Entry(
                    rs.getLong("id"),
                    Columns.nullableLong(rs, "key_id"),
                    rs.getString("key_name"),
                    rs.getString("endpoint"),
                    rs.getString("method"),
                    Json.MAPPER.readValue(rs.getString("params"), PARAMS),
                    TagSet.fromStored(rs.getString("tags")).asMap(),
                    rs.getString("call_uuid"),
                    rs.getString("result"),
                    Instant.ofEpochMilli(rs.getLong("created_at")).toString());
        } catch (IOException e) {
            throw new SQLException("unreadable postback log entry", e);
        }
    }
}
