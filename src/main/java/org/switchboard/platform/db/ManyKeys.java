package org.switchboard.platform.db;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * One query for many keys at once, in a few fixed texts: one for each power of two up to {@link #MAX} keys, a shorter
 * list filled with NULLs (which match nothing), a longer one read {@link #MAX} at a time. A fixed text is prepared once
 * per connection (SQLite, {@link SqliteStatementCache}) or on the server (PostgreSQL), where a text per count would
 * not be.
 */
public final class ManyKeys {
    /** Keys one statement reads at most. */
    public static final int MAX = 64;

    /** {@code [log2 n]}: the statement for n keys. */
    private final FixedStatement[] bySize;

    /**
     * {@code sql} makes the statement's text from its n key placeholders given as {@code (?), (?), ...} when {@code
     * rows} (for a {@code VALUES} list), as {@code ?, ?, ...} otherwise (for {@code IN}); values bound after the keys
     * follow them in the text.
     */
    public ManyKeys(boolean rows, Function<String, String> sql) {
        int sizes = Integer.numberOfTrailingZeros(MAX) + 1;
        bySize = new FixedStatement[sizes];
        for (int size = 0; size < sizes; size++) {
            bySize[size] = new FixedStatement(
                    sql.apply(String.join(", ", Collections.nCopies(1 << size, rows ? "(?)" : "?"))));
        }
    }

    /** Every row the query answers for {@code keys} (NULL-typed as {@code type}), with {@code after} bound after them. */
    public <T> List<T> all(
            Handle handle, FixedStatement.Row<T> row, List<?> keys, FixedStatement.Null type, Object... after) {
        List<T> rows = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX) {
            List<?> some = keys.subList(from, Math.min(keys.size(), from + MAX));
            int size = some.size() == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(some.size() - 1);
            List<Object> values = new ArrayList<>(some);
            while (values.size() < 1 << size) {
                values.add(type);
            }
            Collections.addAll(values, after);
            rows.addAll(bySize[size].all(handle, row, values.toArray()));
        }
        return rows;
    }
}
