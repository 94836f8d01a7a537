package org.switchboard.platform.db;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilderFactory;
import org.jdbi.v3.core.statement.StatementContext;
import org.sqlite.SQLiteConnection;

/**
 * Prepared statements kept per SQLite connection, so that a statement JDBI runs again on the same pooled connection
 * skips SQLite's parse and the driver's building of every column's name, which a fresh statement pays each time (in a
 * profile of the durable-write endpoints, about a fifth of the request's CPU). PostgreSQL's driver keeps its own
 * server-side statements, so only SQLite gets this.
 *
 * <p>Statements are prepared on the pool's physical {@link SQLiteConnection}, not on the pool's proxy of it: the pool
 * closes every statement made through its proxy when the connection goes back to it, which would empty the cache at the
 * end of every handle. The pool therefore neither tracks them nor sees their errors (SQLite raises none that should
 * retire a connection). Each physical connection keeps at most {@code capacity} idle statements, the least recently
 * used closed first (some SQL is built per request, such as the console's filters). A statement is lent to one
 * statement of one handle at a time: the same SQL opened again while it is out (a query inside the iteration of
 * another) gets a statement of its own, of which one is kept afterwards. On its return a statement is kept only if it
 * is still open and carries nothing of its use: parameters and batch cleared, and no row limit, fetch size or timeout
 * set (a statement given one is closed instead). Its result set was closed by JDBI, which resets it, so an idle
 * statement holds no read snapshot. A statement whose execution failed is reset by the driver and kept; one the driver
 * finalized after an error is dropped. A connection the pool retires is closed by it, which finalizes its statements in
 * SQLite; its entry goes when the next physical connection appears.
 *
 * <p>Statements with generated keys by column name, updatable result sets and calls are not cached. A {@link
 * FixedStatement} run on a handle borrows from the same statements through the handle's builder ({@code lend}, {@code
 * giveBack}), under the same rules.
 */
final class SqliteStatementCache implements StatementBuilderFactory {
    /** Idle statements per connection: the distinct SQL a connection runs in steady use, with room to spare. */
    static final int DEFAULT_CAPACITY = 128;

    private final int capacity;
    /**
     * Physical connection (by identity) → its statements. Read on every handle without a lock: a new map replaces it
     * when a connection appears, which the pool does only when it opens or retires one.
     */
    private volatile IdentityHashMap<SQLiteConnection, Statements> connectionToStatements = new IdentityHashMap<>();

    SqliteStatementCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a statement cache needs room for a statement, not " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public StatementBuilder createStatementBuilder(Connection connection) {
        SQLiteConnection sqlite;
        try {
            sqlite = connection.unwrap(SQLiteConnection.class);
            if (sqlite.isClosed()) {
                return new DefaultStatementBuilder();
            }
        } catch (SQLException e) {
            return new DefaultStatementBuilder();
        }
        Statements statements = connectionToStatements.get(sqlite);
        return new Builder(statements != null ? statements : add(sqlite));
    }

    /** A physical connection seen for the first time: the pool may have retired one, whose entry goes now. */
    private synchronized Statements add(SQLiteConnection sqlite) {
        IdentityHashMap<SQLiteConnection, Statements> next = new IdentityHashMap<>(connectionToStatements);
        next.values().removeIf(Statements::dropIfClosed);
        Statements statements = next.computeIfAbsent(sqlite, connection -> new Statements(connection, capacity));
        connectionToStatements = next;
        return statements;
    }

    /** The physical connections with an entry (for tests). */
    int connections() {
        return connectionToStatements.size();
    }

    /** The idle statements kept, over every connection (for tests). */
    int idle() {
        return connectionToStatements.values().stream()
                .mapToInt(Statements::idle)
                .sum();
    }

    /** Which statement: its SQL, and whether it was prepared to answer generated keys. */
    private record Key(String sql, boolean generatedKeys) {}

    /** The idle statements of one physical connection, least recently returned first. */
    private static final class Statements {
        private final SQLiteConnection connection;
        private final int capacity;
        private final LinkedHashMap<Key, PreparedStatement> idle = new LinkedHashMap<>();

        Statements(SQLiteConnection connection, int capacity) {
            this.connection = connection;
            this.capacity = capacity;
        }

        /** An idle statement of {@code key}, now lent out, else a new one. */
        synchronized PreparedStatement take(Key key) throws SQLException {
            PreparedStatement statement = idle.remove(key);
            if (statement != null) {
                return statement;
            }
            return key.generatedKeys()
                    ? connection.prepareStatement(key.sql(), Statement.RETURN_GENERATED_KEYS)
                    : connection.prepareStatement(key.sql());
        }

        /** Takes back a statement lent out: kept if clean and none of its SQL is idle, else closed. */
        synchronized void give(Key key, PreparedStatement statement) throws SQLException {
            if (!clean(statement) || idle.containsKey(key)) {
                statement.close();
                return;
            }
            idle.put(key, statement);
            if (idle.size() > capacity) {
                Iterator<PreparedStatement> eldest = idle.values().iterator();
                PreparedStatement evicted = eldest.next();
                eldest.remove();
                evicted.close();
            }
        }

        /** Whether {@code statement} is open and left as new; clears its parameters and batch. */
        private static boolean clean(PreparedStatement statement) {
            try {
                if (statement.isClosed()
                        || statement.getMaxRows() != 0
                        || statement.getFetchSize() != 0
                        || statement.getQueryTimeout() != 0) {
                    return false;
                }
                statement.clearBatch();
                statement.clearParameters();
                return true;
            } catch (SQLException e) {
                return false; // finalized by the driver after an error, say: closed by the caller
            }
        }

        /** If the connection is closed (its statements finalized with it), forgets them and answers true. */
        synchronized boolean dropIfClosed() {
            try {
                if (!connection.isClosed()) {
                    return false;
                }
            } catch (SQLException e) {
                // cannot say: treat it as closed, its statements are no use then either
            }
            idle.clear();
            return true;
        }

        synchronized int idle() {
            return idle.size();
        }
    }

    /**
     * One handle's builder: lends the connection's statements and takes them back when JDBI closes them, or when a
     * {@link FixedStatement} run on the handle gives back the one it was lent.
     */
    static final class Builder implements StatementBuilder {
        private final Statements statements;
        /** The statements lent to this handle and not given back yet, with their keys. */
        private final IdentityHashMap<PreparedStatement, Key> lent = new IdentityHashMap<>();

        private Builder(Statements statements) {
            this.statements = statements;
        }

        @Override
        public Statement create(Connection connection, StatementContext context) throws SQLException {
            return connection.createStatement();
        }

        @Override
        public PreparedStatement create(Connection connection, String sql, StatementContext context)
                throws SQLException {
            String[] keyColumns = context.getGeneratedKeysColumnNames();
            if (context.isConcurrentUpdatable()
                    || (context.isReturningGeneratedKeys() && keyColumns != null && keyColumns.length > 0)) {
                return new DefaultStatementBuilder().create(connection, sql, context);
            }
            Key key = new Key(sql, context.isReturningGeneratedKeys());
            PreparedStatement statement = statements.take(key);
            lent.put(statement, key);
            return statement;
        }

        /**
         * The connection's statement of {@code sql} (no generated keys), lent to the caller outside JDBI until {@link
         * #giveBack}; one never given back is closed with the handle, as JDBI's are.
         */
        PreparedStatement lend(String sql) throws SQLException {
            Key key = new Key(sql, false);
            PreparedStatement statement = statements.take(key);
            lent.put(statement, key);
            return statement;
        }

        /** Takes back a statement {@link #lend} lent: kept for the next use of its SQL if clean, else closed. */
        void giveBack(PreparedStatement statement) throws SQLException {
            Key key = lent.remove(statement);
            if (key == null) {
                statement.close();
            } else {
                statements.give(key, statement);
            }
        }

        @Override
        public CallableStatement createCall(Connection connection, String sql, StatementContext context)
                throws SQLException {
            return connection.prepareCall(sql);
        }

        /** JDBI passes the SQL before rendering here, not the SQL prepared: the statement itself says which it is. */
        @Override
        public void close(Connection connection, String sql, Statement statement) throws SQLException {
            if (statement == null) {
                return;
            }
            Key key = statement instanceof PreparedStatement prepared ? lent.remove(prepared) : null;
            if (key == null) {
                statement.close();
            } else {
                statements.give(key, (PreparedStatement) statement);
            }
        }

        /** The handle is closing: what it never gave back is in an unknown state, so it is closed. */
        @Override
        public void close(Connection connection) {
            List<PreparedStatement> left = new ArrayList<>(lent.keySet());
            lent.clear();
            for (PreparedStatement statement : left) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    // the handle is closing anyway; the driver finalizes it with the connection at the latest
                }
            }
        }
    }
}
