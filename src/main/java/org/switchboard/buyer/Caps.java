package org.switchboard.buyer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.statement.SqlStatement;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.http.JsonFields;

/**
 * Limits on the calls a buyer or buyer group takes; empty means no limit. Concurrency counts live calls; the hourly,
 * daily and monthly caps count calls connected in the current hour, day and month of the buyer's time zone; the hard
 * cap counts every call connected since {@code hard_cap_reset_at} (or ever). A call counts when it connects.
 */
public record Caps(
        Optional<Integer> concurrency,
        Optional<Integer> hourly,
        Optional<Integer> daily,
        Optional<Integer> monthly,
        Optional<Integer> hard) {
    public static final int MAX = 10_000_000;

    static Caps parse(JsonFields fields) {
        return new Caps(
                fields.optionalInteger("concurrency_cap", 0, MAX),
                fields.optionalInteger("hourly_cap", 0, MAX),
                fields.optionalInteger("daily_cap", 0, MAX),
                fields.optionalInteger("monthly_cap", 0, MAX),
                fields.optionalInteger("hard_cap", 0, MAX));
    }

    /** Binds the five caps to the columns of the same names (buyers and buyer_groups share them). */
    <S extends SqlStatement<S>> S bind(S statement) {
        return statement
                .bind("concurrency_cap", concurrency.orElse(null))
                .bind("hourly_cap", hourly.orElse(null))
                .bind("daily_cap", daily.orElse(null))
                .bind("monthly_cap", monthly.orElse(null))
                .bind("hard_cap", hard.orElse(null));
    }

    static Caps read(ResultSet rs) throws SQLException {
        return new Caps(
                Columns.optionalInt(rs, "concurrency_cap"),
                Columns.optionalInt(rs, "hourly_cap"),
                Columns.optionalInt(rs, "daily_cap"),
                Columns.optionalInt(rs, "monthly_cap"),
                Columns.optionalInt(rs, "hard_cap"));
    }
}
