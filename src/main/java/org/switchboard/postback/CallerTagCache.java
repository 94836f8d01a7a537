package org.switchboard.postback;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.switchboard.call.CallerTagSource;
import org.switchboard.platform.db.DurableWrites;
import org.switchboard.platform.db.FixedStatement;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * Tags written for a caller before their call ("call not found, tags stored"), kept for a day and handed to the
 * caller's next call on the account (every call until they expire when the key reuses tags on repeat calls); tags a
 * publisher's key wrote go only on that publisher's calls.
 */
public final class CallerTagCache implements CallerTagSource {
    static final Duration KEEP = Duration.ofHours(24);
    /** Expired rows are deleted by a write at most this often, not by every write. */
    private static final long PURGE_EVERY_MILLIS = Duration.ofMinutes(1).toMillis();

    private final Jdbi jdbi;
    private final Clock clock;
    private final DurableWrites writes;
    private final AtomicLong lastPurge = new AtomicLong();

    /** {@code writes}: the keyed requests' shared commits, in whose transactions tags are stored. */
    public CallerTagCache(Jdbi jdbi, Clock clock, DurableWrites writes) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.writes = writes;
    }

    /**
     * Stores tags for the caller's next call, in the caller's (the request's) transaction, one of {@link #writes}: the
     * row with the others of that transaction when it commits ({@link DurableWrites#insertAtCommit}; nothing in it
     * reads them).
     */
    void store(
            Handle handle,
            AccountId account,
            String callerNumber,
            Optional<Long> publisherId,
            TagSet tags,
            boolean reusable) {
        long now = clock.millis();
        insert(handle, new Stored(account, callerNumber, publisherId, tags, reusable, now, now + KEEP.toMillis()));
        // expired rows go as new ones come (the only way rows come), not on the call path, and not on every write:
        // a row read after it expired is skipped anyway
        long last = lastPurge.get();
        if (now - last >= PURGE_EVERY_MILLIS && lastPurge.compareAndSet(last, now)) {
            handle.createUpdate("DELETE FROM caller_tag_cache WHERE expires_at <= :now")
                    .bind("now", now)
                    .execute();
        }
    }

    private record Stored(
            AccountId account,
            String callerNumber,
            Optional<Long> publisherId,
            TagSet tags,
            boolean reusable,
            long at,
            long expires) {}

    private static final FixedStatement INSERT = new FixedStatement("""
            INSERT INTO caller_tag_cache (account_id, caller_number, publisher_id, tags, reusable, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)""");

    private void insert(Handle handle, Stored row) {
        writes.insertAtCommit(
                handle,
                INSERT,
                row.account().value(),
                row.callerNumber(),
                FixedStatement.longOrNull(row.publisherId()),
                row.tags().toStored(),
                row.reusable(),
                row.at(),
                row.expires());
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
