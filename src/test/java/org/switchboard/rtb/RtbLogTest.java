package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.db.Database;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.testing.Await;
import org.switchboard.testing.ProcessStore;

/** The writer's queue, batches and closing, on a real SQLite file of its own. */
class RtbLogTest {
    private static final AccountId ACCOUNT = new AccountId(1);

    private Path dir;
    private Database database;

    @BeforeEach
    void open() throws IOException {
        dir = Files.createTempDirectory("rtb-log-test");
        database = Database.open("jdbc:sqlite:" + dir.resolve("test.db"), Optional.empty(), Optional.empty(), 2);
        database.jdbi().useHandle(handle -> handle.execute("INSERT INTO accounts (name, created_at) VALUES ('a', 0)"));
    }

    @AfterEach
    void close() throws IOException {
        database.close();
        ProcessStore.deleteTree(dir);
    }

    private static RtbPing ping(String uuid) {
        return RtbPing.builder(uuid, ACCOUNT, 3, "Key", 2, RtbStatus.NO_TARGET, Instant.now())
                .build();
    }

    private long rows() {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM rtb_pings")
                        .mapTo(Long.class)
                        .one());
    }

    /**
     * A store that is down or stuck: the writer holds its batch while it waits for the store, the queue fills, and a
     * row with no room (after waiting {@link RtbLog#OFFER_WAIT} for some) is dropped and counted; once the store is
     * back everything kept is written.
     */
    @Test
    void rowsWithNoRoomInTheQueueShouldBeDroppedAndCountedWhileTheStoreIsStuck() throws Exception {
        // given: a log that holds 10 rows, whose writer is stuck behind another connection's write lock
        RtbLog log = new RtbLog(database.jdbi(), Clock.systemUTC(), 10);
        long droppedWhileStuck;
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("test.db"));
                Statement statement = lock.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            log.record(ping(UUID.randomUUID().toString()));
            // past its gathering window, with its batch of one, the writer is in SQLite waiting for the lock
            Await.until(
                    "the writer waiting for the store's write lock",
                    RtbLogTest::writerStacks,
                    stacks -> stacks.stream().anyMatch(stack -> stack.contains("org.sqlite.")));

            // when: fifteen more rows for a queue of ten
            for (int i = 0; i < 15; i++) {
                log.record(ping(UUID.randomUUID().toString()));
            }
            droppedWhileStuck = log.dropped();
            statement.execute("ROLLBACK");
        }
        log.flush();

        // then
        assertThat(droppedWhileStuck).isEqualTo(5);
        assertThat(rows()).isEqualTo(11);
        log.close();
    }

    /** Where the RTB log writer threads are now: the top of each one's stack. */
    private static List<String> writerStacks() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("rtb-log-writer"))
                .map(e -> Arrays.stream(e.getValue())
                        .limit(8)
                        .map(StackTraceElement::toString)
                        .collect(Collectors.joining(" < ")))
                .toList();
    }

    @Test
    void aBadRowShouldNotLoseTheOthersInItsBatch() {
        // given: the same UUID twice in one batch breaks the batch's unique index
        RtbLog log = new RtbLog(database.jdbi(), Clock.systemUTC());
        String twice = UUID.randomUUID().toString();

        // when
        log.record(ping(UUID.randomUUID().toString()));
        log.record(ping(twice));
        log.record(ping(twice));
        log.record(ping(UUID.randomUUID().toString()));
        log.flush();

        // then
        assertThat(rows()).isEqualTo(3);
        assertThat(log.failed()).isEqualTo(1);
        log.close();
    }

    @Test
    void closingShouldWriteWhatIsQueuedAndDropWhatComesAfter() {
        // given
        RtbLog log = new RtbLog(database.jdbi(), Clock.systemUTC());
        for (int i = 0; i < 1_200; i++) {
            log.record(ping(UUID.randomUUID().toString()));
        }

        // when
        log.close();
        log.record(ping(UUID.randomUUID().toString()));

        // then
        assertThat(rows()).isEqualTo(1_200);
        assertThat(log.dropped()).isEqualTo(1);
        assertThat(log.list(ACCOUNT, RtbLog.Filter.NONE, new PageRequest(1, 10)).total())
                .isEqualTo(1_200);
    }

    @ParameterizedTest(name = "{0} dollars = {1} micro-dollars, shown as {2}")
    @CsvSource({
        "1.173, 1173000, 1.173",
        "12.5, 12500000, 12.5",
        "100, 100000000, 100",
        "0, 0, 0",
        "0.0000005, 1, 0.000001",
        "0.00000049, 0, 0"
    })
    void payoutsShouldBeStoredAsMicroDollars(String dollars, long micros, String shown) {
        assertThat(RtbLogRows.micros(new BigDecimal(dollars))).isEqualTo(micros);
        assertThat(RtbLogRows.dollars(micros).toPlainString()).isEqualTo(shown);
    }
}
