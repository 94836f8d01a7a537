package org.switchboard.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Many keys in a few fixed texts against a real SQLite file: every count of keys (one, a power of two, one past it,
 * past the most one statement takes) answers exactly the rows of its keys, and NULL padding matches none.
 */
class ManyKeysTest {
    private static final ManyKeys BY_NAME =
            new ManyKeys(false, names -> "SELECT name FROM item WHERE name IN (" + names + ") AND kind = ?");
    private static final ManyKeys BY_NAME_AS_ROWS = new ManyKeys(
            true,
            names -> "WITH k (name) AS (VALUES " + names + ") SELECT item.name FROM k JOIN item ON item.name = k.name"
                    + " WHERE item.kind = ?");

    @TempDir
    Path dir;

    private Jdbi jdbi;

    @BeforeEach
    void open() {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("keys.db"));
        jdbi = Jdbi.create(source);
        jdbi.useHandle(handle -> {
            handle.execute("CREATE TABLE item (name TEXT PRIMARY KEY, kind TEXT NOT NULL)");
            for (int i = 0; i < 200; i++) {
                handle.execute("INSERT INTO item (name, kind) VALUES (?, ?)", "item-" + i, i % 2 == 0 ? "even" : "odd");
            }
        });
    }

    @Test
    void everyCountOfKeysShouldAnswerTheRowsOfItsKeysOnly() {
        for (int count : new int[] {1, 2, 3, 64, 65, 150}) {
            // given: the even items asked for, an odd one and an unknown name among them
            List<String> asked = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                asked.add("item-" + i);
            }
            asked.add("no-such-item");
            List<String> expected = asked.stream()
                    .filter(name -> name.matches("item-\\d*[02468]"))
                    .toList();

            // when
            List<String> found = jdbi.withHandle(
                    handle -> BY_NAME.all(handle, rs -> rs.getString(1), asked, FixedStatement.Null.VARCHAR, "even"));
            List<String> foundAsRows = jdbi.withHandle(handle ->
                    BY_NAME_AS_ROWS.all(handle, rs -> rs.getString(1), asked, FixedStatement.Null.VARCHAR, "even"));

            // then
            assertThat(found).as("%d keys", count).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(foundAsRows).as("%d keys as rows", count).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
