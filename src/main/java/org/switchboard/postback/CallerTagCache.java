package org.switchboard.postback;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.call.CallerTagSource;
import org.switchboard.platform.db.GroupCommit;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.metrics.Metrics;
import org.switchboard.tag.TagSet;

/**
 * Tags written for a caller before their call ("call not found, tags stored"), kept for a day and handed to the
 * caller's next call on the account (every call until they expire when the key reuses tags on repeat calls); tags a
 * publisher's key wrote go only on that publisher's calls.
 */
public final class CallerTagCache implements CallerTagSource {
    static final Duration KEEP = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final Clock clock;

    private final GroupCommit<Stored, Void> writes;

    public CallerTagCache(Jdbi jdbi, Clock clock, Metrics metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.writes = new GroupCommit<>(jdbi, "caller-tag", CallerTagCache::insert, metrics);
    }

    void store(AccountId account, String callerNumber, Optional<Long> publisherId, TagSet tags, boolean reusable) {
        long now = clock.millis();
        writes.write(new Stored(account, callerNumber, publisherId, tags, reusable, now, now + KEEP.toMillis()));
    }

    private record Stored(
            AccountId account,
            String callerNumber,
            Optional<Long> publisherId,
            TagSet tags,
            boolean reusable,
            long at,
            long expires) {}

    private static Void insert(Handle handle, Stored row) {
        handle.createUpdate("""
                        INSERT INTO caller_tag_cache (account_id, caller_number, publisher_id, tags, reusable, created_at,
                            expires_at)
                        VALUES (:account, :caller, :publisher, :tags, :reusable, :now, :expires)""")
                .bind("account", row.account().value())
                .bind("caller", row.callerNumber())
                .bind("publisher", row.publisherId().orElse(null))
                .bind("tags", row.tags().toStored())
                .bind("reusable", row.reusable())
                .bind("now", row.at())
                .bind("expires", row.expires())
                .execute();
        // expired rows go as new ones come (the only way rows come), not on the call path
        handle.createUpdate("DELETE FROM caller_tag_cache WHERE expires_at <= :now")
                .bind("now", row.at())
                .execute();
        return null;
    }

    /**
     * Runs on every call's arrival, so a caller with nothing cached costs one indexed read and no write. Each
     * one-time row goes to the call whose DELETE removed it: two calls from one caller at once never both take it.
     */
    @Override
    public TagSet takeFor(AccountId account, String callerNumber, Optional<Long> publisherId) {
        return jdbi.withHandle(handle -> {
            List<Row> rows = handle.createQuery("""
                            SELECT id, tags, reusable FROM caller_tag_cache
                            WHERE account_id = :account AND caller_number = :caller AND expires_at > :now
                                AND (publisher_id IS NULL OR publisher_id = :publisher)
                            ORDER BY id""")
                    .bind("account", account.value())
                    .bind("caller", callerNumber)
                    .bind("now", clock.millis())
                    .bind("publisher", publisherId.orElse(-1L))
                    .map((rs, ctx) -> new Row(
                            rs.getLong("id"), TagSet.fromStored(rs.getString("tags")), rs.getBoolean("reusable")))
                    .list();
            TagSet.Builder tags = TagSet.builder();
            for (Row row : rows) {
                boolean taken = row.reusable()
                        || handle.createUpdate("DELETE FROM caller_tag_cache WHERE id = :id")
                                        .bind("id", row.id())
                                        .execute()
                                == 1;
                if (taken) {
                    tags.addAll(row.tags());
                }
            }
            return tags.build();
        });
    }

    private record Row(long id, TagSet tags, boolean reusable) {}
}
