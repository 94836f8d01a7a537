package org.switchboard.platform.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;

/**
 * The conditions of a filtered log list (the RTB log, the postback log, fired pixels, webhook deliveries): always the
 * account, then each filter the request gave, its value bound under a name; then one page, newest first, and the
 * total. Conditions and names come from code, never from a request.
 */
public final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> binds = new LinkedHashMap<>();

    private Where() {}

    /** The account's rows. */
    public static Where account(AccountId account) {
        return new Where().and("account_id = :account", "account", account.value());
    }

    /** A condition with no value of its own (or whose values were bound with {@link #bind}). */
    public Where and(String condition) {
        conditions.add(condition);
        return this;
    }

    /** A condition naming {@code :name}, bound to {@code value}. */
    public Where and(String condition, String name, Object value) {
        binds.put(name, value);
        return and(condition);
    }

    /** {@link #and(String, String, Object)} when the filter was given. */
    public Where and(String condition, String name, Optional<?> value) {
        value.ifPresent(v -> and(condition, name, v));
        return this;
    }

    /** Rows whose {@code column} (epoch milliseconds) lies in {@code [from, to)}, each bound given. */
    public Where between(String column, Optional<Instant> from, Optional<Instant> to) {
        and(column + " >= :from", "from", from.map(Instant::toEpochMilli));
        return and(column + " < :to", "to", to.map(Instant::toEpochMilli));
    }

    /** A value a condition added with {@link #and(String)} names. */
    public Where bind(String name, Object value) {
        binds.put(name, value);
        return this;
    }

    /** One page of {@code table}'s matching rows, newest first by {@code timeColumn} then id, and their total. */
    public <T> Page<T> page(Jdbi jdbi, String table, String timeColumn, RowMapper<T> mapper, PageRequest page) {
        String where = " WHERE " + String.join(" AND ", conditions);
        return jdbi.withHandle(handle -> new Page<>(
                handle.createQuery("SELECT * FROM " + table + where + " ORDER BY " + timeColumn
                                + " DESC, id DESC LIMIT :limit OFFSET :offset")
                        .bindMap(binds)
                        .bind("limit", page.perPage())
                        .bind("offset", page.offset())
                        .map(mapper)
                        .list(),
                handle.createQuery("SELECT COUNT(*) FROM " + table + where)
                        .bindMap(binds)
                        .mapTo(Long.class)
                        .one()));
    }
}
