package org.switchboard.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.testing.Engine;
import org.switchboard.testing.TestStore;

/**
 * When opening a store runs Flyway and when it skips it ({@link Migrations}), on both engines: a fresh store and a
 * store with a migration pending are migrated, an up-to-date one is not, and one whose history disagrees with the
 * bundled migrations still meets Flyway's validation.
 */
class MigrationsIT {

    private static Database open(TestStore store) {
        return Database.open(store.jdbcUrl(), store.user(), Optional.empty(), 2);
    }

    private static Map<String, Integer> history(Database database) {
        return database
                .jdbi()
                .withHandle(handle -> handle.createQuery("SELECT script, checksum FROM flyway_schema_history")
                        .map((rows, context) -> Map.entry(rows.getString(1), rows.getInt(2)))
                        .list())
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Map<String, Integer> bundled() {
        return Migrations.bundled().orElseThrow();
    }

    /** Where the store stands as {@link Database#open} reads it, through a pool of its own. */
    private static Migrations.State state(TestStore store) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(store.jdbcUrl());
        store.user().ifPresent(config::setUsername);
        try (HikariDataSource source = new HikariDataSource(config)) {
            return Migrations.state(source, Database.Engine.of(store.jdbcUrl()));
        }
    }

    /** The version of a script name, as Flyway orders them (V2 before V10). */
    private static BigInteger version(String script) {
        return new BigInteger(script.substring(1, script.indexOf("__")));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void freshStoreShouldBeMigratedWithTheChecksumsTheSkipComparesWith(Engine engine) {
        // given
        try (TestStore store = TestStore.create(engine)) {
            // when
            try (Database database = open(store)) {
                // then: Flyway ran and wrote every bundled migration with the checksum computed without it
                assertThat(database.migrated()).isTrue();
                assertThat(history(database)).isEqualTo(bundled());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void upToDateStoreShouldSkipFlyway(Engine engine) {
        // given: a store migrated by a first start
        try (TestStore store = TestStore.create(engine)) {
            open(store).close();
            // when: the next start
            try (Database database = open(store)) {
                // then
                assertThat(database.migrated()).isFalse();
                assertThat(history(database)).isEqualTo(bundled());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void storeWithPendingMigrationShouldBeMigrated(Engine engine) {
        // given: a store migrated by an older build, which did not have the newest migration yet
        List<String> scripts = bundled().keySet().stream()
                .sorted(Comparator.comparing(MigrationsIT::version))
                .toList();
        String older = version(scripts.get(scripts.size() - 2)).toString();
        try (TestStore store = TestStore.create(engine)) {
            Database.flyway(Database.Engine.of(store.jdbcUrl()))
                    .dataSource(store.jdbcUrl(), store.user().orElse(null), null)
                    .target(older)
                    .load()
                    .migrate();
            // when
            try (Database database = open(store)) {
                // then: the newest migration was applied
                assertThat(database.migrated()).isTrue();
                assertThat(history(database)).isEqualTo(bundled());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void stateShouldTellANewStoreFromOneWithAHistory(Engine engine) {
        // given
        List<String> scripts = bundled().keySet().stream()
                .sorted(Comparator.comparing(MigrationsIT::version))
                .toList();
        try (TestStore store = TestStore.create(engine)) {
            // when, then: never migrated (Flyway applies everything in one transaction)
            assertThat(state(store)).isEqualTo(Migrations.State.NEW);
            // when, then: migrated by an older build (one transaction per migration, as an upgrade always ran)
            Database.flyway(Database.Engine.of(store.jdbcUrl()))
                    .dataSource(store.jdbcUrl(), store.user().orElse(null), null)
                    .target(version(scripts.getFirst()).toString())
                    .load()
                    .migrate();
            assertThat(state(store)).isEqualTo(Migrations.State.OTHER);
            // when, then: migrated by this build (Flyway skipped)
            open(store).close();
            assertThat(state(store)).isEqualTo(Migrations.State.UP_TO_DATE);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void storeWithAnEditedMigrationShouldStillFailFlywaysValidation(Engine engine) {
        // given: an up-to-date store whose history holds another checksum for the first migration
        String first = bundled().keySet().stream()
                .min(Comparator.comparing(MigrationsIT::version))
                .orElseThrow();
        try (TestStore store = TestStore.create(engine)) {
            try (Database database = open(store)) {
                database.jdbi()
                        .useHandle(handle -> handle.execute(
                                "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE script = ?", first));
            }
            // when, then: Flyway ran and refused it, as it did before the skip existed
            assertThatThrownBy(() -> open(store))
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("checksum mismatch");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void storeWithAFailedMigrationInItsHistoryShouldRunFlyway(Engine engine) {
        // given: an up-to-date store whose history says the newest migration failed
        String newest = bundled().keySet().stream()
                .max(Comparator.comparing(MigrationsIT::version))
                .orElseThrow();
        try (TestStore store = TestStore.create(engine)) {
            try (Database database = open(store)) {
                database.jdbi()
                        .useHandle(handle -> handle.execute(
                                "UPDATE flyway_schema_history SET success = ? WHERE script = ?", false, newest));
            }
            // when, then: Flyway ran and refused it, as it did before the skip existed
            assertThatThrownBy(() -> open(store)).isInstanceOf(FlywayException.class);
        }
    }

    /** A store's schema as SQLite describes it: every table, index, view and trigger with its SQL, by name. */
    private static List<String> schema(Database database) {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT type || ' ' || name || ' ' || tbl_name || ': ' || coalesce(sql, '')"
                                        + " FROM sqlite_master ORDER BY type, name")
                        .mapTo(String.class)
                        .list());
    }

    /** Flyway's history rows without the time they were applied and took, in their order. */
    private static List<String> historyRows(Database database) {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT installed_rank || '|' || version || '|' || description"
                                + " || '|' || type || '|' || script || '|' || checksum || '|' || installed_by || '|'"
                                + " || success || '|' || typeof(installed_on) || '|' || typeof(execution_time)"
                                + " || '|' || length(installed_on) FROM flyway_schema_history ORDER BY installed_rank")
                        .mapTo(String.class)
                        .list());
    }

    private static HikariDataSource pool(TestStore store) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(store.jdbcUrl());
        return new HikariDataSource(config);
    }

    @Test
    void newSqliteStoreShouldBeMigratedWithoutFlywayToWhatFlywayMakes() {
        // given: one new store migrated by Flyway (in one transaction, as Database.open had it do), one not yet
        try (TestStore byFlyway = TestStore.create(Engine.SQLITE);
                TestStore withoutFlyway = TestStore.create(Engine.SQLITE)) {
            Database.flyway(Database.Engine.SQLITE)
                    .group(true)
                    .dataSource(byFlyway.jdbcUrl(), null, null)
                    .load()
                    .migrate();

            // when
            boolean migrated;
            try (HikariDataSource source = pool(withoutFlyway)) {
                migrated = NewSqliteStore.migrate(source, Map.of("id_pk", "INTEGER PRIMARY KEY AUTOINCREMENT"));
            }

            // then: the same tables, indexes and history rows (all but their times), and a start finds it up to date
            assertThat(migrated).isTrue();
            try (Database flyway = open(byFlyway);
                    Database without = open(withoutFlyway)) {
                assertThat(without.migrated()).isFalse();
                assertThat(schema(without))
                        .isEqualTo(schema(flyway))
                        .hasSizeGreaterThan(bundled().size());
                assertThat(historyRows(without))
                        .isEqualTo(historyRows(flyway))
                        .hasSize(bundled().size());
            }
        }
    }

    @Test
    void newSqliteStoreShouldBeLeftToFlywayWhenItIsNotEmpty() {
        // given: a store with a table of its own and no schema history
        try (TestStore store = TestStore.create(Engine.SQLITE)) {
            try (HikariDataSource source = pool(store);
                    var connection = source.getConnection();
                    var statement = connection.createStatement()) {
                statement.executeUpdate("CREATE TABLE other (id INTEGER)");

                // when, then: nothing applied, the store as it was
                assertThat(NewSqliteStore.migrate(source, Map.of())).isFalse();
                try (var rows = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).isEqualTo(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }

            // then: Flyway refuses it, as it did before
            assertThatThrownBy(() -> open(store))
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("non-empty schema");
        }
    }
}
