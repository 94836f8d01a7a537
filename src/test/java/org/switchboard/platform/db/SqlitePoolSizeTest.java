package org.switchboard.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SQLite's pool is no larger than the carriers of virtual threads, so one is free for the writer holding the lock. */
@ResourceLock("jdk.virtualThreadScheduler.parallelism")
class SqlitePoolSizeTest {
    private static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
    private final String before = System.getProperty(PARALLELISM);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(PARALLELISM);
        } else {
            System.setProperty(PARALLELISM, before);
        }
    }

    @ParameterizedTest(name = "{0} configured, {1} carriers: {2} connections")
    @CsvSource({"10, 3, 3", "10, 2, 2", "10, 1, 1", "10, 0, 1", "10, 16, 10", "4, 8, 4"})
    void thePoolShouldBeNoLargerThanTheCarriers(int configured, int carriers, int expected) {
        System.setProperty(PARALLELISM, Integer.toString(carriers));

        assertThat(Database.sqlitePoolSize(configured)).isEqualTo(expected);
    }
}
