package org.switchboard.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Fixed statements against a real SQLite file pooled as {@link Database} pools it, with its statement cache: they
 * answer and write what JDBI's own statements do (read back through a second, plain JDBI on the same file), on the
 * connection's one cached statement, which goes back to the cache whatever happened to its execution.
 */
class FixedStatementTest {
    private static final FixedStatement BY_KIND =
            new FixedStatement("SELECT id, name, qty, flag FROM item WHERE kind = ? ORDER BY id");
    private static final FixedStatement INSERT =
            new FixedStatement("INSERT INTO item (name, kind, qty, flag) VALUES (?, ?, ?, ?)");

    @TempDir
    Path dir;

    private HikariDataSource pool;
    private HikariDataSource freshPool;
    private SqliteStatementCache cache;
    private Jdbi jdbi;
    private Jdbi fresh;
    /** The JDBC statements the fixed statements' rows were read from, in order. */
    private final List<Statement> readFrom = new ArrayList<>();

    private record Item(long id, String name, Optional<Long> qty, boolean flag) {}

    @BeforeEach
    void open() {
        pool = pool();
        cache = new SqliteStatementCache(8);
        jdbi = Jdbi.create(pool).setStatementBuilderFactory(cache);
        freshPool = pool();
        fresh = Jdbi.create(freshPool);
        fresh.useHandle(handle -> {
            handle.execute("CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
                    + " kind TEXT NOT NULL, qty INTEGER, flag BOOLEAN NOT NULL)");
            for (int i = 0; i < 6; i++) {
                handle.execute(
                        "INSERT INTO item (name, kind, qty, flag) VALUES (?, ?, ?, ?)",
                        "item" + i,
                        "ab".substring(i % 2, i % 2 + 1),
                        i,
                        i % 3 == 0);
            }
        });
    }

    @AfterEach
    void close() {
        pool.close();
        freshPool.close();
    }

    private HikariDataSource pool() {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setBusyTimeout(300);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        sqlite.setGetGeneratedKeys(false);
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl("jdbc:sqlite:" + dir.resolve("fixed.db"));
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(source);
        hikari.setMaximumPoolSize(1);
        return new HikariDataSource(hikari);
    }

    private Item item(ResultSet rs) throws SQLException {
        readFrom.add(rs.getStatement());
        return new Item(rs.getLong(1), rs.getString(2), Columns.optionalLong(rs, 3), rs.getBoolean(4));
    }

    private Optional<Item> firstOfKind(String kind) {
        return BY_KIND.first(jdbi, this::item, kind);
    }

    private List<Map<String, Object>> freshRows(String where) {
        return fresh.withHandle(
                handle -> handle.createQuery("SELECT name, kind, qty, flag FROM item WHERE " + where + " ORDER BY id")
                        .mapToMap()
                        .list());
    }

    @Test
    void firstShouldAnswerTheFirstRowOnTheConnectionsOneStatement() {
        // when: each read on a handle of its own, on the pool's one connection
        Optional<Item> a = firstOfKind("a");
        Optional<Item> b = firstOfKind("b");
        Optional<Item> missing = firstOfKind("missing");
        Optional<Item> again = firstOfKind("a");

        // then
        assertThat(a).contains(new Item(1, "item0", Optional.of(0L), true));
        assertThat(b).contains(new Item(2, "item1", Optional.of(1L), false));
        assertThat(missing).isEmpty();
        assertThat(again).isEqualTo(a);
        assertThat(readFrom).hasSize(3);
        assertThat(readFrom).allSatisfy(statement -> assertThat(statement).isSameAs(readFrom.getFirst()));
        assertThat(cache.idle()).isEqualTo(1);
    }

    @Test
    void aBatchShouldInsertEveryRowWithItsTypedNulls() {
        // given
        List<Object[]> rows = List.of(
                new Object[] {"x1", "x", 7L, true},
                new Object[] {"x2", "x", FixedStatement.Null.BIGINT, false},
                new Object[] {"x3", "x", FixedStatement.longOrNull(Optional.empty()), true});

        // when
        jdbi.useTransaction(handle -> INSERT.batch(handle, rows));
        Optional<Item> first = firstOfKind("x");

        // then
        assertThat(freshRows("kind = 'x'"))
                .extracting(row -> row.get("name"), row -> row.get("qty"))
                .containsExactly(tuple("x1", 7), tuple("x2", null), tuple("x3", null));
        assertThat(first).map(Item::flag).contains(true);
        assertThat(cache.idle()).isEqualTo(2);
    }

    @Test
    void aFailedBatchShouldFailItsTransactionAndLeaveTheStatementUsable() {
        // when: a name taken already, then a good batch
        assertThatThrownBy(() -> jdbi.useTransaction(handle -> INSERT.batch(
                        handle, List.of(new Object[] {"y1", "y", 1L, true}, new Object[] {"item0", "y", 1L, true}))))
                .isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(SQLException.class);
        jdbi.useTransaction(handle -> INSERT.batch(handle, List.<Object[]>of(new Object[] {"y2", "y", 2L, false})));

        // then: nothing of the failed transaction, all of the next one
        assertThat(freshRows("kind = 'y'")).extracting(row -> row.get("name")).containsExactly("y2");
        assertThat(cache.idle()).isEqualTo(1);
    }

    @Test
    void aReaderThatFailsShouldStillGiveTheStatementBack() {
        // when
        assertThatThrownBy(() -> BY_KIND.first(
                        jdbi,
                        rs -> {
                            readFrom.add(rs.getStatement());
                            throw new IllegalArgumentException("unreadable");
                        },
                        "a"))
                .isInstanceOf(IllegalArgumentException.class);
        Optional<Item> next = firstOfKind("a");

        // then
        assertThat(next).map(Item::name).contains("item0");
        assertThat(readFrom).hasSize(2);
        assertThat(readFrom.get(1)).isSameAs(readFrom.getFirst());
        assertThat(cache.idle()).isEqualTo(1);
    }

    @Test
    void aStatementLoggerShouldSeeTheStatementsAndTheirAnswersStayTheSame() {
        // given
        List<String> logged = new ArrayList<>();
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                logged.add(context.getRenderedSql());
            }
        });

        // when
        Optional<Item> a = firstOfKind("a");
        jdbi.useTransaction(handle ->
                INSERT.batch(handle, List.<Object[]>of(new Object[] {"z1", "z", FixedStatement.Null.BIGINT, true})));

        // then
        assertThat(logged).containsExactly(BY_KIND.sql(), INSERT.sql());
        assertThat(a).contains(new Item(1, "item0", Optional.of(0L), true));
        assertThat(freshRows("kind = 'z'")).extracting(row -> row.get("qty")).containsExactly((Object) null);
    }

    @Test
    void theColumnNamesKeptFromTheFirstExecutionShouldStillAnswerReadsByName() {
        // given: a first execution, whose column names the statement keeps
        Optional<Item> a = firstOfKind("a");
        List<String> names = new ArrayList<>();

        // when: executions that hand the driver those names
        Optional<String> byName = BY_KIND.first(
                jdbi,
                rs -> {
                    names.add(rs.getMetaData().getColumnName(2));
                    return rs.getString("name") + "/" + rs.getLong("qty") + "/" + rs.findColumn("flag");
                },
                "b");
        Optional<Item> missing = firstOfKind("missing");
        Optional<Item> again = firstOfKind("a");

        // then
        assertThat(byName).contains("item1/1/4");
        assertThat(names).containsExactly("name");
        assertThat(missing).isEmpty();
        assertThat(again).isEqualTo(a).contains(new Item(1, "item0", Optional.of(0L), true));
        assertThat(cache.idle()).isEqualTo(1);
    }

    @Test
    void aNullWithoutItsTypeShouldBeRefused() {
        // when / then
        assertThatThrownBy(() -> jdbi.useTransaction(
                        handle -> INSERT.batch(handle, List.<Object[]>of(new Object[] {"n1", "n", null, true}))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FixedStatement.Null");
        assertThat(freshRows("kind = 'n'")).isEmpty();
    }
}
