package org.switchboard.platform.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A point in time work must finish by, carried down every path that calls partners. */
public record Deadline(Instant at, Clock clock) {
    public static Deadline in(Duration duration, Clock clock) {
        return new Deadline(clock.instant().plus(duration), clock);
    }

    /** Time left, never negative. */
    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public boolean expired() {
        return !clock.instant().isBefore(at);
    }
}
