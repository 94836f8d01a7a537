package org.switchboard.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;
import org.switchboard.testing.Await;

/**
 * The SQLite statement cache against a real SQLite file, pooled as {@link Database} pools it: what a reused statement
 * answers is what a fresh one answers (JDBI's default builder on a second pool of the same file), whatever the
 * statement before it left behind.
 */
class SqliteStatementCacheTest {
    private static final int CAPACITY = 8;
    private static final String BY_KIND = "SELECT id, name, qty FROM item WHERE kind = :kind ORDER BY id";
    private static final String NAMES_BY_KIND = "SELECT name FROM item WHERE kind = :kind ORDER BY id";
    private static final String INSERT = "INSERT INTO item (name, kind, qty) VALUES (:name, :kind, :qty)";

    @TempDir
    Path dir;

    private HikariDataSource pool;
    private HikariDataSource freshPool;
    private SqliteStatementCache cache;
    private Jdbi jdbi;
    private Jdbi fresh;
    /** The JDBC statements the cached JDBI executed, in order. */
    private final List<Statement> executed = new ArrayList<>();

    @BeforeEach
    void open() {
        pool = pool(1);
        cache = new SqliteStatementCache(CAPACITY);
        jdbi = Jdbi.create(pool).setStatementBuilderFactory(cache);
        freshPool = pool(1);
        fresh = Jdbi.create(freshPool);
        fresh.useHandle(handle -> handle.execute("CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, qty INTEGER NOT NULL)"));
        fresh.useHandle(handle -> {
            for (int i = 0; i < 12; i++) {
                insert(handle, "item" + i, "abc".substring(i % 3, i % 3 + 1), i);
            }
        });
    }

    @AfterEach
    void close() {
        pool.close();
        freshPool.close();
    }

    private HikariDataSource pool(int size) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setBusyTimeout(300);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl("jdbc:sqlite:" + dir.resolve("cache.db"));
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(source);
        hikari.setMaximumPoolSize(size);
        return new HikariDataSource(hikari);
    }

    private static int insert(Handle handle, String name, String kind, int qty) {
        return handle.createUpdate(INSERT)
                .bind("name", name)
                .bind("kind", kind)
                .bind("qty", qty)
                .execute();
    }

    /** Records the statement JDBI executes, changing nothing of it. */
    private <S extends SqlStatement<S>> S seen(S statement) {
        return statement.addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement stmt, StatementContext ctx) {
                executed.add(stmt);
            }
        });
    }

    private List<Map<String, Object>> freshByKind(String kind) {
        return fresh.withHandle(handle -> byKind(handle, kind));
    }

    private long freshLong(String sql) {
        return count(fresh, sql);
    }

    private static long count(Jdbi on, String sql) {
        return on.withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    private static boolean closed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> byKind(Handle handle, String kind) {
        return handle.createQuery(BY_KIND).bind("kind", kind).mapToMap().list();
    }

    @Test
    void reusedStatementsShouldAnswerWhatFreshOnesAnswer() {
        // given
        List<String> kinds = List.of("a", "b", "a", "c", "missing", "b");

        // when: each query in a handle of its own, on the pool's one connection
        List<List<Map<String, Object>>> cached = new ArrayList<>();
        List<List<Map<String, Object>>> expected = new ArrayList<>();
        for (String kind : kinds) {
            cached.add(jdbi.withHandle(handle -> seen(handle.createQuery(BY_KIND))
                    .bind("kind", kind)
                    .mapToMap()
                    .list()));
            expected.add(freshByKind(kind));
        }

        // then: the same rows, from one statement prepared once
        assertThat(cached).isEqualTo(expected);
        assertThat(expected.getFirst()).hasSize(4);
        assertThat(executed).hasSize(kinds.size());
        assertThat(executed).allSatisfy(statement -> assertThat(statement).isSameAs(executed.getFirst()));
    }

    @Test
    void updatesThroughAReusedStatementShouldCountAndChangeWhatFreshOnesDo() {
        // given
        String update = "UPDATE item SET qty = qty + :by WHERE kind = :kind";

        // when
        List<Integer> counts = new ArrayList<>();
        for (String kind : List.of("a", "b", "missing", "a")) {
            counts.add(jdbi.withHandle(handle -> seen(handle.createUpdate(update))
                    .bind("by", 100)
                    .bind("kind", kind)
                    .execute()));
        }

        // then
        assertThat(counts).containsExactly(4, 4, 0, 4);
        assertThat(freshLong("SELECT SUM(qty) FROM item")).isEqualTo(66L + 1200);
        assertThat(executed).allSatisfy(statement -> assertThat(statement).isSameAs(executed.getFirst()));
    }

    @Test
    void theSameSqlOpenedWhileItsStatementIsInUseShouldGetAStatementOfItsOwn() {
        // given
        List<String> outer = new ArrayList<>();
        List<List<String>> inner = new ArrayList<>();

        // when: the same query inside the iteration of another, in one handle
        jdbi.useHandle(handle -> seen(handle.createQuery(NAMES_BY_KIND))
                .bind("kind", "a")
                .mapTo(String.class)
                .forEach(name -> {
                    outer.add(name);
                    inner.add(seen(handle.createQuery(NAMES_BY_KIND))
                            .bind("kind", "b")
                            .mapTo(String.class)
                            .list());
                }));
        Statement outerStatement = executed.getFirst();
        Statement innerStatement = executed.get(1);
        executed.clear();
        List<String> again = jdbi.withHandle(handle -> seen(handle.createQuery(NAMES_BY_KIND))
                .bind("kind", "c")
                .mapTo(String.class)
                .list());

        // then: each saw its own rows; one of the two statements is kept
        assertThat(outer).containsExactly("item0", "item3", "item6", "item9");
        assertThat(inner)
                .hasSize(4)
                .allSatisfy(names -> assertThat(names).containsExactly("item1", "item4", "item7", "item10"));
        assertThat(innerStatement).isNotSameAs(outerStatement);
        assertThat(again).containsExactly("item2", "item5", "item8", "item11");
        assertThat(executed.getFirst()).isIn(outerStatement, innerStatement);
        assertThat(cache.idle()).isEqualTo(1);
    }

    @Test
    void twoHandlesOnTwoConnectionsShouldEachUseTheirOwnStatements() {
        // given: a pool of two, both connections in use at once
        pool.close();
        pool = pool(2);
        jdbi = Jdbi.create(pool).setStatementBuilderFactory(cache);

        // when
        List<String> names = new ArrayList<>();
        try (Handle first = jdbi.open();
                Handle second = jdbi.open()) {
            seen(first.createQuery(NAMES_BY_KIND))
                    .bind("kind", "a")
                    .mapTo(String.class)
                    .forEach(name -> {
                        names.add(name);
                        names.addAll(seen(second.createQuery(NAMES_BY_KIND))
                                .bind("kind", "b")
                                .mapTo(String.class)
                                .list()
                                .subList(0, 1));
                    });
        }

        // then
        assertThat(names).containsExactly("item0", "item1", "item3", "item1", "item6", "item1", "item9", "item1");
        assertThat(executed.get(1)).isNotSameAs(executed.getFirst());
        assertThat(cache.connections()).isEqualTo(2);
        assertThat(cache.idle()).isEqualTo(2);
    }

    @Test
    void aBatchShouldLeaveNothingForTheNextUseOfItsStatement() {
        // when: a batch of three, a batch of two, a batch that fails on its second row (rolled back), a batch of one
        jdbi.useHandle(handle -> batch(handle, "x1", "x2", "x3").execute());
        jdbi.useHandle(handle -> batch(handle, "y1", "y2").execute());
        assertThatThrownBy(() -> jdbi.useTransaction(
                        handle -> batch(handle, "z1", "item0", "z2").execute()))
                .isInstanceOf(UnableToExecuteStatementException.class);
        jdbi.useHandle(handle -> batch(handle, "w1").execute());

        // then: exactly the rows of the batches that succeeded, through one statement
        List<String> added =
                fresh.withHandle(handle -> handle.createQuery("SELECT name FROM item WHERE kind = 'batch' ORDER BY id")
                        .mapTo(String.class)
                        .list());
        assertThat(added).containsExactly("x1", "x2", "x3", "y1", "y2", "w1");
        assertThat(executed).hasSize(4);
        assertThat(executed).allSatisfy(statement -> assertThat(statement).isSameAs(executed.getFirst()));
    }

    private PreparedBatch batch(Handle handle, String... names) {
        PreparedBatch batch = seen(handle.prepareBatch(INSERT));
        for (String name : names) {
            batch.bind("name", name).bind("kind", "batch").bind("qty", 1).add();
        }
        return batch;
    }

    @Test
    void generatedKeysShouldBeThoseOfEachInsert() {
        // when: inserts answering their keys, and the same SQL without keys in between
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "key" + i;
            keys.add(jdbi.withHandle(handle -> seen(handle.createUpdate(INSERT))
                    .bind("name", name)
                    .bind("kind", "keys")
                    .bind("qty", 0)
                    .executeAndReturnGeneratedKeys()
                    .mapTo(Long.class)
                    .one()));
            jdbi.useHandle(handle -> insert(handle, "plain" + name, "keys", 0));
        }

        // then
        List<Long> stored =
                fresh.withHandle(handle -> handle.createQuery("SELECT id FROM item WHERE name LIKE 'key%' ORDER BY id")
                        .mapTo(Long.class)
                        .list());
        assertThat(keys).isEqualTo(stored);
        assertThat(executed).hasSize(3);
        assertThat(executed).allSatisfy(statement -> assertThat(statement).isSameAs(executed.getFirst()));
    }

    @Test
    void aStatementWhoseExecutionFailedShouldServeTheNextOne() {
        // when: a duplicate name, a transaction rolled back after its insert, then the same insert succeeding
        assertThatThrownBy(() -> jdbi.useHandle(handle -> insert(handle, "item0", "a", 0)))
                .isInstanceOf(UnableToExecuteStatementException.class);
        assertThatThrownBy(() -> jdbi.useTransaction(handle -> {
                    insert(handle, "rolled-back", "a", 0);
                    throw new IllegalStateException("roll it back");
                }))
                .isInstanceOf(IllegalStateException.class);
        jdbi.useHandle(handle -> insert(handle, "after", "a", 0));

        // then
        assertThat(freshByKind("a"))
                .extracting(row -> row.get("name"))
                .containsExactly("item0", "item3", "item6", "item9", "after");
    }

    @Test
    void anInsertRefusedWhileTheStoreIsBusyShouldSucceedOnceItIsFree() throws SQLException {
        // given: another connection holds the write lock for longer than the busy timeout
        jdbi.useHandle(handle -> insert(handle, "warm", "busy", 0));
        try (Connection other = freshPool.getConnection()) {
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                statement.executeUpdate("UPDATE item SET qty = qty WHERE id = 1");
            }

            // when
            assertThatThrownBy(() -> jdbi.useHandle(handle -> insert(handle, "refused", "busy", 0)))
                    .isInstanceOf(UnableToExecuteStatementException.class)
                    .hasMessageContaining("SQLITE_BUSY");
            other.commit();
        }
        jdbi.useHandle(handle -> insert(handle, "accepted", "busy", 0));

        // then
        assertThat(freshByKind("busy")).extracting(row -> row.get("name")).containsExactly("warm", "accepted");
    }

    @Test
    void aQueryReadOnlyInPartShouldLeaveNoSnapshotBehind() {
        // given: a query whose first row only is read, on the pool's one connection
        Optional<String> first = jdbi.withHandle(handle -> handle.createQuery("SELECT name FROM item ORDER BY id")
                .mapTo(String.class)
                .findFirst());

        // when: another connection writes, then the cached connection reads and writes
        fresh.useHandle(handle -> insert(handle, "later", "a", 0));
        long count = jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM item")
                .mapTo(Long.class)
                .one());
        jdbi.useTransaction(handle -> insert(handle, "after-later", "a", 0));

        // then: it saw the other write and could write after it
        assertThat(first).contains("item0");
        assertThat(count).isEqualTo(13);
        assertThat(freshByKind("a")).hasSize(6);
    }

    @Test
    void aStatementGivenARowLimitShouldNotBeKept() {
        // when
        List<String> limited = jdbi.withHandle(handle -> handle.createQuery(NAMES_BY_KIND)
                .setMaxRows(1)
                .bind("kind", "a")
                .mapTo(String.class)
                .list());
        List<String> all = jdbi.withHandle(handle -> handle.createQuery(NAMES_BY_KIND)
                .bind("kind", "a")
                .mapTo(String.class)
                .list());

        // then
        assertThat(limited).containsExactly("item0");
        assertThat(all).containsExactly("item0", "item3", "item6", "item9");
    }

    @Test
    void aConnectionThePoolRetiresShouldTakeItsStatementsAlong() throws SQLException {
        // given: statements kept for the pool's one connection
        SQLiteConnection retired;
        try (Handle handle = jdbi.open()) {
            retired = handle.getConnection().unwrap(SQLiteConnection.class);
            seen(handle.createQuery(BY_KIND)).bind("kind", "a").mapToMap().list();
        }
        assertThat(cache.idle()).isEqualTo(1);

        // when: the pool retires it (as it does after maxLifetime) and the next handle gets a new one
        pool.getHikariPoolMXBean().softEvictConnections();
        Await.until("the retired connection is closed", () -> closed(retired));
        List<Map<String, Object>> rows = jdbi.withHandle(handle ->
                seen(handle.createQuery(BY_KIND)).bind("kind", "a").mapToMap().list());

        // then: a statement of the new connection answered; the retired one's are gone
        assertThat(rows).isEqualTo(freshByKind("a"));
        assertThat(executed.get(1)).isNotSameAs(executed.getFirst());
        assertThat(cache.connections()).isEqualTo(1);
        assertThat(cache.idle()).isEqualTo(1);
    }

    @Test
    void aConnectionShouldKeepNoMoreStatementsThanTheCapacityTheLeastRecentlyUsedGoingFirst() {
        // when: more distinct statements than the cache keeps, then the first and the last again
        for (int i = 0; i < CAPACITY * 3; i++) {
            String sql = "SELECT COUNT(*) FROM item WHERE qty >= " + i;
            long count = jdbi.withHandle(
                    handle -> seen(handle.createQuery(sql)).mapTo(Long.class).one());
            assertThat(count).isEqualTo(Math.max(0, 12 - i));
        }
        String firstSql = "SELECT COUNT(*) FROM item WHERE qty >= 0";
        String lastSql = "SELECT COUNT(*) FROM item WHERE qty >= " + (CAPACITY * 3 - 1);
        long firstAgain = jdbi.withHandle(
                handle -> seen(handle.createQuery(firstSql)).mapTo(Long.class).one());
        long lastAgain = jdbi.withHandle(
                handle -> seen(handle.createQuery(lastSql)).mapTo(Long.class).one());

        // then
        assertThat(cache.idle()).isEqualTo(CAPACITY);
        assertThat(firstAgain).isEqualTo(12);
        assertThat(lastAgain).isZero();
        int runs = CAPACITY * 3;
        assertThat(executed.get(runs)).isNotSameAs(executed.getFirst());
        assertThat(executed.get(runs + 1)).isSameAs(executed.get(runs - 1));
    }

    @Test
    void theSqliteStoreShouldCacheItsStatements() {
        // given
        try (Database database =
                Database.open("jdbc:sqlite:" + dir.resolve("store.db"), Optional.empty(), Optional.empty(), 2)) {
            // then
            assertThat(database.jdbi().getStatementBuilderFactory()).isInstanceOf(SqliteStatementCache.class);
            assertThat(count(database.jdbi(), "SELECT COUNT(*) FROM accounts")).isZero();
        }
    }
}
