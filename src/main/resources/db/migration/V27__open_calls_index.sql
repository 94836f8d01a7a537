-- Calls not yet ended, found without reading the whole table: counted by state for /metrics, and read at start-up
-- to pick up the calls a stopped node left ringing, dialing or connected (docs/operations.md).
CREATE INDEX calls_open ON calls (state) WHERE state <> 'ENDED';
