package org.switchboard.callerlist;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.switchboard.platform.db.Columns;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.phone.PhoneNumbers;

/**
 * Bulk uploads of numbers to a caller list: newline- or comma-separated numbers (a CSV's first column or any column
 * of phone numbers works), added or removed, optionally after clearing the list. An upload is stored when accepted
 * and applied in the background; its status, counts and per-line errors are polled. Uploads still queued or half
 * done when the server stopped are applied after it starts again (applying one twice gives the same list).
 */
public final class CallerListUploads implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallerListUploads.class.getName());
    private static final TypeReference<List<LineError>> ERRORS = new TypeReference<>() {};
    /** Per-line errors kept per upload; {@code error_count} counts all of them. */
    static final int MAX_ERRORS_KEPT = 1_000;

    public enum Action {
        CREATE,
        DELETE
    }

    public record LineError(int line, String value, String error) {}

    public record Upload(
            long id,
            AccountId accountId,
            long listId,
            Action action,
            boolean clearFirst,
            String status,
            int lines,
            int applied,
            int errorCount,
            List<LineError> errors,
            Instant createdAt,
            Optional<Instant> finishedAt) {}

    private final Jdbi jdbi;
    private final CallerListRepository lists;
    private final Clock clock;
    /** One upload at a time, in the order accepted: two uploads to one list must not interleave. */
    private final ExecutorService workers = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("caller-list-upload").factory());

    /** An applied upload is announced by {@code lists} (caches of the list's numbers drop them). */
    public CallerListUploads(Jdbi jdbi, CallerListRepository lists, Clock clock) {
        this.jdbi = jdbi;
        this.lists = lists;
        this.clock = clock;
    }

    /** Takes up the uploads a previous run accepted and did not finish. */
    public void resumePending() {
        jdbi.withHandle(handle -> handle.createQuery(
                                "SELECT id FROM caller_list_uploads WHERE status IN ('queued', 'processing') ORDER BY id")
                        .mapTo(Long.class)
                        .list())
                .forEach(id -> workers.execute(() -> apply(id)));
    }

    Upload submit(CallerList list, Action action, boolean clearFirst, String body) {
        long id = jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO caller_list_uploads (account_id, list_id, action, clear_first, body, status, lines,
                            applied, error_count, errors, created_at)
                        VALUES (:account, :list, :action, :clear, :body, 'queued', 0, 0, 0, '[]', :now) RETURNING id""")
                .bind("account", list.accountId().value())
                .bind("list", list.id())
                .bind("action", action.name().toLowerCase(Locale.ROOT))
                .bind("clear", clearFirst)
                .bind("body", body)
                .bind("now", clock.millis())
                .mapTo(Long.class)
                .one());
        Upload queued = find(list.accountId(), list.id(), id).orElseThrow();
        // fire and forget: apply records its own outcome on the upload row (read back by find)
        workers.execute(() -> apply(id));
        return queued;
    }

    public Optional<Upload> find(AccountId account, long listId, long id) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT * FROM caller_list_uploads WHERE id = :id AND account_id = :account AND list_id = :list")
                .bind("id", id)
                .bind("account", account.value())
                .bind("list", listId)
                .map(CallerListUploads::map)
                .findOne());
    }

    private void apply(long id) {
        try {
            Row row = jdbi.withHandle(handle -> handle.createQuery(
                            "SELECT account_id, list_id, action, clear_first, body FROM caller_list_uploads WHERE id = :id")
                    .bind("id", id)
                    .map((rs, ctx) -> new Row(
                            new AccountId(rs.getLong("account_id")),
                            rs.getLong("list_id"),
                            Action.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
                            rs.getBoolean("clear_first"),
                            rs.getString("body")))
                    .one());
            setStatus(id, "processing");
            Parsed parsed = parse(row.body());
            int applied = lists.applyUpload(
                    row.account(), row.listId(), row.clearFirst(), row.action() == Action.CREATE, parsed.numbers());
            finish(id, "completed", parsed.lines(), applied, parsed.errors());
        } catch (RuntimeException e) {
            if (workers.isShutdown()) {
                // stopped mid-way: the row stays queued/processing and is applied again on the next start
                return;
            }
            LOG.log(Level.WARNING, "caller list upload " + id + " failed", e);
            finish(id, "failed", 0, 0, List.of(new LineError(0, "", "the upload could not be applied")));
        }
    }

    private record Row(AccountId account, long listId, Action action, boolean clearFirst, String body) {}

    record Parsed(List<String> numbers, int lines, List<LineError> errors) {}

    /**
     * The phone numbers of every line, read as CSV (Commons CSV; quoted values may hold separators) with the separator
     * the first line uses most (comma, semicolon or tab), so a spreadsheet export with other columns (names, dates)
     * works. A line with no phone number is an error naming its first value, except a first line without digits,
     * which is a header. An unclosed quote ends the reading there with an error on its line.
     */
    static Parsed parse(String body) {
        LinkedHashSet<String> numbers = new LinkedHashSet<>();
        List<LineError> errors = new ArrayList<>();
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setDelimiter(separator(body))
                .setIgnoreEmptyLines(false)
                .setTrim(true)
                .get();
        int counted = 0;
        long line = 1;
        try (CSVParser parser = CSVParser.parse(body, format)) {
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                line = parser.getCurrentLineNumber() + 1; // where the next record starts (read by hasNext)
                if (!records.hasNext()) {
                    break;
                }
                CSVRecord record = records.next();
                List<String> values = record.stream().filter(v -> !v.isEmpty()).toList();
                if (values.isEmpty()) {
                    continue;
                }
                counted++;
                boolean found = false;
                for (String value : values) {
                    Optional<String> number = PhoneNumbers.toE164(value);
                    if (number.isPresent()) {
                        numbers.add(number.get());
                        found = true;
                    }
                }
                boolean header =
                        line == 1 && values.stream().allMatch(v -> v.chars().noneMatch(Character::isDigit));
                if (!found && !header) {
                    errors.add(new LineError((int) line, values.getFirst(), "is not a phone number"));
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            errors.add(new LineError(
                    (int) line, "", "has a quote that is never closed; the rest of the file was not read"));
        }
        return new Parsed(List.copyOf(numbers), counted, errors);
    }

    /** The separator the first line uses most: comma, semicolon or tab (comma when it has none). */
    private static char separator(String body) {
        String first = body.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        char best = ',';
        long most = 0;
        for (char candidate : new char[] {',', ';', '\t'}) {
            long count = first.chars().filter(c -> c == candidate).count();
            if (count > most) {
                best = candidate;
                most = count;
            }
        }
        return best;
    }

    private void setStatus(long id, String status) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE caller_list_uploads SET status = :status WHERE id = :id")
                .bind("status", status)
                .bind("id", id)
                .execute());
    }

    private void finish(long id, String status, int lines, int applied, List<LineError> errors) {
        List<LineError> kept = errors.size() > MAX_ERRORS_KEPT ? errors.subList(0, MAX_ERRORS_KEPT) : errors;
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE caller_list_uploads SET status = :status, lines = :lines, applied = :applied,
                            error_count = :error_count, errors = :errors, finished_at = :now WHERE id = :id""")
                .bind("status", status)
                .bind("lines", lines)
                .bind("applied", applied)
                .bind("error_count", errors.size())
                .bind("errors", Json.writeString(kept))
                .bind("now", clock.millis())
                .bind("id", id)
                .execute());
    }

    private static Upload map(ResultSet rs, StatementContext ctx) throws SQLException {
        try {
            return new Upload(
                    rs.getLong("id"),
                    Columns.accountId(rs),
                    rs.getLong("list_id"),
                    Action.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
                    rs.getBoolean("clear_first"),
                    rs.getString("status"),
                    rs.getInt("lines"),
                    rs.getInt("applied"),
                    rs.getInt("error_count"),
                    Json.MAPPER.readValue(rs.getString("errors"), ERRORS),
                    Columns.instant(rs, "created_at"),
                    Columns.optionalInstant(rs, "finished_at"));
        } catch (IOException e) {
            throw new SQLException("unreadable caller list upload " + rs.getLong("id"), e);
        }
    }

    /**
     * Stops taking uploads: the one being applied is interrupted (its transaction rolls back) and it and those still
     * queued stay pending in the database, applied on the next start. Waits up to 10 s for the worker to stop.
     */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
