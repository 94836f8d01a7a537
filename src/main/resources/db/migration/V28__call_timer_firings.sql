-- The "timer" webhooks fired for a connected call, one row per call and offset, inserted before the webhooks go out:
-- a node that starts again re-arms a connected call's timers from the call's connected_at and skips the ones whose
-- row exists, so no timer fires twice, whichever node or restart re-armed it (docs/operations.md).
CREATE TABLE call_timer_firings (
    call_id BIGINT NOT NULL REFERENCES calls (id),
    at_seconds INTEGER NOT NULL,
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (call_id, at_seconds)
);
