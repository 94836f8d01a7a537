-- The webhook outbox (issue 16): one row per post-call webhook due for a call, written in the transaction that makes
-- it due, so a crash can neither lose it nor (once acknowledged) send it again. Workers claim due rows with a lease
-- (lease_token names the claim; a result is only recorded under the token that claimed the row).
-- state: pending (no attempt yet), retrying (next attempt at next_attempt_at), delivered, failed, cancelled.
-- seq orders a call's deliveries: a row is attempted only once every lower seq of its call is finished, so always
-- stays after connect, conversion / non_conversion and postback across retries; seq 0 (answered and timer webhooks
-- retried after the call moved on) is outside that order. message_id is the webhook-id header,
-- the same on every attempt.
CREATE TABLE webhook_deliveries (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    call_id BIGINT NOT NULL,
    webhook_id BIGINT NOT NULL,
    trigger_name VARCHAR(24) NOT NULL,
    seq INTEGER NOT NULL,
    message_id VARCHAR(40) NOT NULL,
    state VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL,
    -- attempts made before the last replay: the retry schedule counts from here
    round_start INTEGER NOT NULL,
    next_attempt_at BIGINT,
    lease_until BIGINT,
    lease_token VARCHAR(40),
    last_status INTEGER,
    last_error VARCHAR(300),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_call ON webhook_deliveries (call_id, seq);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (account_id, webhook_id, created_at);

-- every attempt of a delivery is a fired pixel under it
ALTER TABLE fired_pixels ADD COLUMN delivery_id BIGINT;
CREATE INDEX fired_pixels_delivery ON fired_pixels (delivery_id);

-- per-webhook retry schedule (JSON array of seconds between attempts; empty: the server's default) and why a
-- webhook was disabled (410 Gone, sustained failure); a disabled webhook fires nothing until it is enabled again
ALTER TABLE webhooks ADD COLUMN retry_schedule TEXT;
ALTER TABLE webhooks ADD COLUMN disabled_at BIGINT;
ALTER TABLE webhooks ADD COLUMN disabled_reason VARCHAR(300);
