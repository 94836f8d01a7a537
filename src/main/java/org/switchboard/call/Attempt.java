package org.switchboard.call;

import java.time.Instant;
import java.util.Optional;

/** One buyer dialled for a call, numbered from 1 in dialling order. */
public record Attempt(
        int seq,
        long buyerId,
        String destination,
        Instant startedAt,
        Optional<Instant> endedAt,
        Optional<AttemptOutcome> outcome) {}
