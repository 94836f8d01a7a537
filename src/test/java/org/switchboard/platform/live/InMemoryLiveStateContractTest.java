package org.switchboard.platform.live;

import java.time.Duration;
import java.time.Instant;
import org.switchboard.testing.MutableClock;

/** The live-state contract for the single node's in-memory state, on a clock the test moves. */
class InMemoryLiveStateContractTest extends LiveStateContract {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final InMemoryLiveState live = new InMemoryLiveState(clock);

    @Override
    LiveState live() {
        return live;
    }

    @Override
    void passTime(Duration duration) {
        clock.advance(duration);
    }

    @Override
    Instant now() {
        return clock.instant();
    }
}
