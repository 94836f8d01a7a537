package org.switchboard.platform.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jspecify.annotations.Nullable;
import org.sqlite.core.CoreResultSet;
import org.sqlite.jdbc3.JDBC3PreparedStatement;

/**
 * One statement of a hot path whose SQL never changes, run with plain JDBC on a handle's connection instead of
 * through JDBI's statement machinery: values bound by position, rows read by position ({@link Row}). JDBI's work
 * around a statement it runs (parsing and rendering the SQL, finding an argument factory for every value, its result
 * iterator, its cleanables) cost the durable-write endpoints several times what SQLite's own execution of their reads
 * did; here only the driver's work is left.
 *
 * <p>On SQLite the statement is the connection's own prepared one ({@link SqliteStatementCache}), lent for the
 * execution and given back after it, as JDBI's statements are; on PostgreSQL it is prepared and closed each time, and
 * the driver keeps the server-side statement per connection (after a few executions of the same SQL). Values are
 * {@code Long}, {@code Integer}, {@code String}, {@code Boolean} or a typed {@link Null}: a NULL is bound with its
 * SQL type, as JDBI binds a null of a known Java type, so PostgreSQL's prepared statement keeps its parameter types.
 *
 * <p>A statement logger on the handle's Jdbi (the statement-counting test, or someone debugging) would not see these
 * statements, so while one is installed they run through JDBI instead: the same SQL and values, seen by the logger.
 * A failure is unchecked ({@link IllegalStateException} with the driver's exception as its cause), as a JDBI
 * statement's is, so a transaction around it rolls back.
 */
public final class FixedStatement {
    /** Reads the current row of a result set by position, in the order the statement's SELECT names its columns. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** An SQL NULL of a given type, for a value that may be absent. */
    public enum Null {
        BIGINT(Types.BIGINT),
        INTEGER(Types.INTEGER),
        VARCHAR(Types.VARCHAR),
        BOOLEAN(Types.BOOLEAN);

        private final int sqlType;

        Null(int sqlType) {
            this.sqlType = sqlType;
        }
    }

    private final String sql;
    /** The column names sqlite-jdbc built at this query's first execution ({@link #executeQuery}). */
    private volatile String @Nullable [] sqliteColumnNames;

    /** {@code sql} with {@code ?} for each value, bound in order. */
    public FixedStatement(String sql) {
        this.sql = sql;
    }

    /** A number that may be absent: the value, or a NULL of type BIGINT. */
    public static Object longOrNull(Optional<Long> value) {
        return value.isPresent() ? value.get() : Null.BIGINT;
    }

    /** Text that may be absent: the value, or a NULL of type VARCHAR. */
    public static Object textOrNull(Optional<String> value) {
        return value.isPresent() ? value.get() : Null.VARCHAR;
    }

    /** The first row the query answers with {@code values} bound, read by {@code row}, on a handle of its own. */
    public <T> Optional<T> first(Jdbi jdbi, Row<T> row, Object... values) {
        return jdbi.withHandle(handle -> first(handle, row, values));
    }

    /** The first row the query answers with {@code values} bound, read by {@code row}, on {@code handle}. */
    public <T> Optional<T> first(Handle handle, Row<T> row, Object... values) {
        if (logged(handle)) {
            return bound(handle.createQuery(sql), values)
                    .map((rs, ctx) -> row.read(rs))
                    .findFirst();
        }
        return query(handle, values, rs -> rs.next() ? Optional.of(row.read(rs)) : Optional.empty());
    }

    /** Every row the query answers with {@code values} bound, read by {@code row}, on {@code handle}. */
    public <T> List<T> all(Handle handle, Row<T> row, Object... values) {
        if (logged(handle)) {
            return bound(handle.createQuery(sql), values)
                    .map((rs, ctx) -> row.read(rs))
                    .list();
        }
        return query(handle, values, rs -> {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.read(rs));
            }
            return rows;
        });
    }

    /** Runs the query with {@code values} bound on a statement lent by {@code handle}, its rows read by {@code read}. */
    private <R> R query(Handle handle, Object[] values, Row<R> read) {
        PreparedStatement statement = lend(handle);
        try {
            bind(statement, values);
            try (ResultSet rs = executeQuery(statement)) {
                return read.read(rs);
            }
        } catch (SQLException e) {
            throw failed(e);
        } finally {
            giveBack(handle, statement);
        }
    }

    /**
     * Runs the query. sqlite-jdbc builds the name of every column (a native call and a string each) at every execution,
     * since closing a result set, which each execution does first, forgets them; they are the same for every execution
     * of the same SQL, and the rows are read by position, so they are kept from the first execution and handed to the
     * driver's result set before it would build them (its {@code colsMeta}, a public field; the result set is the one
     * {@code getMetaData} answers for a prepared statement). Any other driver, or a later sqlite-jdbc that answers
     * otherwise, runs {@code executeQuery} as it is.
     */
    private ResultSet executeQuery(PreparedStatement statement) throws SQLException {
        if (!(statement instanceof JDBC3PreparedStatement sqlite)) {
            return statement.executeQuery();
        }
        String[] names = sqliteColumnNames;
        if (names != null && sqlite.getMetaData() instanceof CoreResultSet result) {
            sqlite.execute(); // closes the previous result set, as executeQuery does, and runs the query
            result.colsMeta = names;
            ResultSet rs = sqlite.getResultSet();
            if (rs != null) {
                return rs;
            }
        }
        ResultSet rs = sqlite.executeQuery();
        if (rs instanceof CoreResultSet result && result.colsMeta != null) {
            sqliteColumnNames = result.colsMeta;
        }
        return rs;
    }

    /**
     * Executes the statement (an INSERT, UPDATE or DELETE) once per row of {@code rows}, each the values of one
     * execution, as one JDBC batch on {@code handle}: one round trip to PostgreSQL, one prepared statement on SQLite.
     */
    public void batch(Handle handle, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        if (logged(handle)) {
            PreparedBatch batch = handle.prepareBatch(sql);
            for (Object[] values : rows) {
                bound(batch, values).add();
            }
            batch.execute();
            return;
        }
        PreparedStatement statement = lend(handle);
        try {
            for (Object[] values : rows) {
                bind(statement, values);
                statement.addBatch();
            }
            statement.executeBatch();
        } catch (SQLException e) {
            throw failed(e);
        } finally {
            giveBack(handle, statement);
        }
    }

    public String sql() {
        return sql;
    }

    @Override
    public String toString() {
        return sql;
    }

    /** Whether a statement logger watches the handle's statements (none does in service). */
    private static boolean logged(Handle handle) {
        return handle.getConfig(SqlStatements.class).getSqlLogger() != SqlLogger.NOP_SQL_LOGGER;
    }

    private PreparedStatement lend(Handle handle) {
        try {
            if (handle.getStatementBuilder() instanceof SqliteStatementCache.Builder cached) {
                return cached.lend(sql);
            }
            return handle.getConnection().prepareStatement(sql);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static void giveBack(Handle handle, PreparedStatement statement) {
        try {
            if (handle.getStatementBuilder() instanceof SqliteStatementCache.Builder cached) {
                cached.giveBack(statement);
            } else {
                statement.close();
            }
        } catch (SQLException e) {
            // a statement that cannot be closed or reset is dropped; the connection finalizes it at the latest
        }
    }

    static void bind(PreparedStatement statement, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            int position = i + 1;
            switch (values[i]) {
                case Long value -> statement.setLong(position, value);
                case Integer value -> statement.setInt(position, value);
                case String value -> statement.setString(position, value);
                case Boolean value -> statement.setBoolean(position, value);
                case Null absent -> statement.setNull(position, absent.sqlType);
                case null -> throw new IllegalArgumentException("a NULL is bound with its type (FixedStatement.Null)");
                default -> throw new IllegalArgumentException("cannot bind a " + values[i].getClass());
            }
        }
    }

    /** The same values bound through JDBI, for a statement logger to see. */
    private static <S extends SqlStatement<S>> S bound(S statement, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            switch (values[i]) {
                case Long value -> statement.bind(i, value);
                case Integer value -> statement.bind(i, value);
                case String value -> statement.bind(i, value);
                case Boolean value -> statement.bind(i, value);
                case Null absent -> statement.bindNull(i, absent.sqlType);
                case null -> throw new IllegalArgumentException("a NULL is bound with its type (FixedStatement.Null)");
                default -> throw new IllegalArgumentException("cannot bind a " + values[i].getClass());
            }
        }
        return statement;
    }

    private IllegalStateException failed(SQLException e) {
        return new IllegalStateException("statement failed: " + sql, e);
    }
}
