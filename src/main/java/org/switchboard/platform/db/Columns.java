package org.switchboard.platform.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.id.AccountId;

/**
 * How our columns read, in one place, on both engines: times are stored as epoch milliseconds, account ids as their
 * number and zones as their id. JDBC's {@code getLong}/{@code getInt} answer 0 for NULL, so every nullable number is
 * read here, where {@code wasNull} is checked once, rather than by a copy in each repository.
 *
 * <p>The column mappers are registered on every {@link Jdbi} a {@link Database} opens, so JDBI's own constructor
 * mapper (and its {@code Optional} support) reads these types in records mapped with {@code ConstructorMapper}; the
 * static readers serve the row mappers written by hand, where a column holds JSON or a wire word.
 */
public final class Columns {
    /** Epoch milliseconds; NULL reads as null (so {@code Optional<Instant>} reads as empty). */
    static final ColumnMapper<Instant> INSTANT = (rs, column, ctx) -> {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    };

    static final ColumnMapper<AccountId> ACCOUNT_ID = (rs, column, ctx) -> {
        long id = rs.getLong(column);
        return rs.wasNull() ? null : new AccountId(id);
    };

    static final ColumnMapper<ZoneId> ZONE_ID = (rs, column, ctx) -> {
        String id = rs.getString(column);
        return id == null ? null : ZoneId.of(id);
    };

    private Columns() {}

    /** Teaches {@code jdbi} the column types above. */
    static void register(Jdbi jdbi) {
        jdbi.registerColumnMapper(Instant.class, INSTANT);
        jdbi.registerColumnMapper(AccountId.class, ACCOUNT_ID);
        jdbi.registerColumnMapper(ZoneId.class, ZONE_ID);
    }

    /** The {@code account_id} column. */
    public static AccountId accountId(ResultSet rs) throws SQLException {
        return new AccountId(rs.getLong("account_id"));
    }

    /** A NOT NULL time column (epoch milliseconds). */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        return Instant.ofEpochMilli(rs.getLong(column));
    }

    /** By name: the column's position looked up as the driver's own by-name getters do, then read by position. */
    public static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return optionalInstant(rs, rs.findColumn(column));
    }

    /** By name, as {@link #optionalInstant(ResultSet, String)}. */
    public static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        return optionalLong(rs, rs.findColumn(column));
    }

    /** By name, as {@link #optionalInstant(ResultSet, String)}. */
    public static Optional<Integer> optionalInt(ResultSet rs, String column) throws SQLException {
        return optionalInt(rs, rs.findColumn(column));
    }

    /**
     * By position, for reads that name their columns in the SELECT and read them in that order (no look-up of each
     * name in the driver's map per row: hot reads such as a keyed request's call).
     */
    public static Optional<Long> optionalLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** By position, as {@link #optionalLong(ResultSet, int)}. */
    public static Optional<Integer> optionalInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** By position, as {@link #optionalLong(ResultSet, int)}. */
    public static Optional<Instant> optionalInstant(ResultSet rs, int column) throws SQLException {
        return optionalLong(rs, column).map(Instant::ofEpochMilli);
    }

    /** A nullable whole number for domain records that hold an {@link OptionalInt}; {@link #optionalInt} elsewhere. */
    public static OptionalInt optionalIntValue(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(value);
    }

    public static Optional<String> optionalString(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    /** A nullable number for records that keep null (wire rows); {@link #optionalLong} elsewhere. */
    public static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
