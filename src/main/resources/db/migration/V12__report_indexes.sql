-- The money report (issue: conversions and money) reads, for every call of an account in a time range, the columns it
-- groups and counts by. With them in the index, SQLite answers from the index alone instead of reading each call's
-- row (which carries its tags and routing JSON, over 500 bytes): on a simulated day of 10,000 calls the report took
-- about 40% less time (docs/benchmarks.md, "Money report"). id comes last for the join with call_conversions (SQLite
-- has it in every index; PostgreSQL needs it for an index-only scan). The index starts with (account_id, started_at),
-- so it also serves everything calls_account_started served (the call log's range and order); that one goes, so a
-- call's writes maintain one index of calls by time, not two. The price: connecting a call (buyer_id, connected_at)
-- now also rewrites its entry in this index.
CREATE INDEX calls_account_started_report ON calls (account_id, started_at, campaign_id, publisher_id, buyer_id,
    connected_at, id);
DROP INDEX calls_account_started;
