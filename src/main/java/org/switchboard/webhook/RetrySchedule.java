package org.switchboard.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.time.Waits;

/**
 * When a failed delivery is tried again: the waits after the first, second, ... failed attempt; once they are used
 * up the delivery has failed. A pure decision (time and randomness come in), so a table-driven test covers it.
 *
 * <p>Each wait gets up to 10 % jitter either way, so deliveries that failed together do not all come back at once. A
 * receiver's {@code Retry-After} (seconds or an HTTP date) replaces the scheduled wait, bounded by the schedule's
 * longest wait (at least a minute): it can move an attempt, never add one.
 */
public record RetrySchedule(List<Duration> waits) {
    /** Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 28 hours. */
    public static final RetrySchedule DEFAULT = parse("5s,5m,30m,2h,5h,10h,10h");

    /** At most this many retries, each at most a day, for a webhook's own schedule. */
    static final int MAX_RETRIES = 20;

    static final int MAX_WAIT_SECONDS = 86_400;

    public RetrySchedule {
        waits = List.copyOf(waits);
    }

    /** {@code 5s,5m,30m,2h}: waits with a unit (ms, s, m, h, d); an empty text means no retries. */
    public static RetrySchedule parse(String text) {
        return new RetrySchedule(Waits.parseList(text));
    }

    public static RetrySchedule ofSeconds(List<Integer> seconds) {
        return new RetrySchedule(seconds.stream().map(Duration::ofSeconds).toList());
    }

    /** How many attempts a delivery gets in all. */
    public int attempts() {
        return waits.size() + 1;
    }

    /**
     * When to try again after attempt number {@code attemptsMade} (1 for the first) failed at {@code now}, or empty
     * when the schedule is used up. {@code jitter} is a random number in [0, 1).
     */
    public Optional<Instant> next(int attemptsMade, Instant now, Optional<Duration> retryAfter, double jitter) {
        if (attemptsMade > waits.size()) {
            return Optional.empty();
        }
        Duration scheduled = waits.get(attemptsMade - 1);
        if (retryAfter.isPresent()) {
            Duration bound = longest().compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : longest();
            Duration wait = retryAfter.get().compareTo(bound) > 0 ? bound : retryAfter.get();
            return Optional.of(now.plus(wait));
        }
        long millis = scheduled.toMillis();
        long jittered = millis + Math.round(millis * 0.2 * (jitter - 0.5));
        return Optional.of(now.plusMillis(Math.max(0, jittered)));
    }

    private Duration longest() {
        return waits.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** A {@code Retry-After} value: whole seconds or an HTTP date (RFC 9110); anything else is ignored. */
    public static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.strip();
        if (v.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isBefore(now) ? Duration.ZERO : Duration.between(now, at));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
