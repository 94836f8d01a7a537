package org.switchboard.platform.db;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A new SQLite store (a first start) migrated as Flyway migrates it, without Flyway: the same schema history table
 * with the same rows, and the same schema, in one transaction as {@link Database#open} has Flyway apply a new store's
 * migrations. Flyway on a first start is a third of the main thread's way to the first answer (loading its 400
 * classes, scanning the jar, parsing each script into statements, its info service and validation, none of which has
 * anything to check on an empty store); SQLite runs a script's statements itself, and the texts and checksums come
 * from the listing {@link Migrations} reads anyway.
 *
 * <p>Only the simple case, else Flyway as before: an SQLite store with nothing in it (Flyway would refuse a store
 * with tables and no history; it still does), every bundled migration a versioned SQL script named {@code
 * V<number>__<words>.sql} using no placeholder but the engine's. Any failure rolls the transaction back (the store is
 * empty again) and leaves the store to Flyway, which applies the migrations or reports what fails in its own words.
 * The transaction is SQLite's immediate one (the store's transaction mode): a second process opening the same new
 * store waits for it and then finds the history, as it would have waited for Flyway's. {@code MigrationsIT} compares
 * the result with Flyway's, table by table and row by row.
 */
final class NewSqliteStore {
    /** Flyway's schema history table on SQLite, as Flyway 13 creates it (its text, so the stores are identical). */
    static final String HISTORY_TABLE_SQL = """
            CREATE TABLE "flyway_schema_history" (
                "installed_rank" INT NOT NULL PRIMARY KEY,
                "version" VARCHAR(50),
                "description" VARCHAR(200) NOT NULL,
                "type" VARCHAR(20) NOT NULL,
                "script" VARCHAR(1000) NOT NULL,
                "checksum" INT,
                "installed_by" VARCHAR(100) NOT NULL,
                "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
                "execution_time" INT NOT NULL,
                "success" BOOLEAN NOT NULL
            )""";

    static final String HISTORY_INDEX_SQL =
            "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\")";

    /** Flyway's row for an applied migration; {@code installed_on} is the column's default, as in Flyway's. */
    private static final String HISTORY_ROW_SQL = "INSERT INTO \"flyway_schema_history\" (\"installed_rank\","
            + " \"version\", \"description\", \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\","
            + " \"success\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** A script name whose version and description Flyway reads as this class does: V1__words_with_underscores.sql */
    private static final Pattern SIMPLE = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9]+(?:_[A-Za-z0-9]+)*)\\.sql");

    private NewSqliteStore() {}

    /** A bundled migration as its history row names it. */
    private record Migration(BigInteger version, String description, Migrations.Script script) {}

    /**
     * Applies every bundled migration to the empty SQLite store behind {@code dataSource}, in one transaction; false
     * when it did not (see the class comment), the store then as it was.
     */
    static boolean migrate(DataSource dataSource, Map<String, String> placeholders) {
        Optional<List<Migration>> migrations = Migrations.scripts().flatMap(NewSqliteStore::simple);
        if (migrations.isEmpty()) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // the store's transaction mode is IMMEDIATE: this takes the write lock before it looks
            connection.setAutoCommit(false);
            try {
                boolean applied = isEmpty(connection) && apply(connection, migrations.get(), placeholders);
                if (applied) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return applied;
            } catch (SQLException e) {
                connection.rollback();
                return false;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** The scripts in Flyway's order with their versions and descriptions, or empty when one is not simple. */
    private static Optional<List<Migration>> simple(List<Migrations.Script> scripts) {
        var migrations = new ArrayList<Migration>();
        for (Migrations.Script script : scripts) {
            Matcher name = SIMPLE.matcher(script.name());
            if (!name.matches()) {
                return Optional.empty();
            }
            migrations.add(
                    new Migration(new BigInteger(name.group(1)), name.group(2).replace('_', ' '), script));
        }
        migrations.sort(Comparator.comparing(Migration::version));
        for (int i = 1; i < migrations.size(); i++) {
            if (migrations.get(i).version().equals(migrations.get(i - 1).version())) {
                return Optional.empty();
            }
        }
        return migrations.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(migrations));
    }

    /** Whether the store holds no table, index, view or trigger at all. */
    private static boolean isEmpty(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
            return rows.next() && rows.getLong(1) == 0;
        }
    }

    /**
     * The history table, then each migration and its history row, as Flyway writes them; false when a script holds a
     * placeholder other than {@code placeholders}.
     */
    private static boolean apply(Connection connection, List<Migration> migrations, Map<String, String> placeholders)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(HISTORY_TABLE_SQL);
            statement.executeUpdate(HISTORY_INDEX_SQL);
        }
        // prepared once the table exists (SQLite checks a statement's tables when it prepares it)
        try (Statement statement = connection.createStatement();
                PreparedStatement history = connection.prepareStatement(HISTORY_ROW_SQL)) {
            int rank = 0;
            for (Migration migration : migrations) {
                String sql = migration.script().text();
                for (var placeholder : placeholders.entrySet()) {
                    sql = sql.replace("${" + placeholder.getKey() + "}", placeholder.getValue());
                }
                if (sql.contains("${")) {
                    return false;
                }
                long started = System.nanoTime();
                // sqlite-jdbc hands the text to sqlite3_exec, which runs its statements one after the other
                statement.executeUpdate(sql);
                long millis = (System.nanoTime() - started) / 1_000_000;
                history.setInt(1, ++rank);
                history.setString(2, migration.version().toString());
                history.setString(3, migration.description());
                history.setString(4, "SQL");
                history.setString(5, migration.script().name());
                history.setInt(6, migration.script().checksum());
                history.setString(7, "");
                history.setInt(8, (int) millis);
                history.setBoolean(9, true);
                history.executeUpdate();
            }
            return true;
        }
    }
}
