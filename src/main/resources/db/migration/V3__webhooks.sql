-- Webhooks and the requests they fired.
-- owner_kind: 'company' (defaults copied into new campaigns; owner_id 0), 'campaign', 'buyer' or 'number' (an
-- unlocked tracking number, whose webhooks replace its campaign's).

ALTER TABLE tracking_numbers ADD COLUMN webhooks_unlocked BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE webhooks (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    owner_kind VARCHAR(16) NOT NULL,
    owner_id BIGINT NOT NULL,
    name VARCHAR(200) NOT NULL,
    trigger_name VARCHAR(24) NOT NULL,
    timer_seconds INTEGER,
    matches TEXT NOT NULL,
    method VARCHAR(8) NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT,
    body_format VARCHAR(8) NOT NULL,
    timeout_ms INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_owner ON webhooks (account_id, owner_kind, owner_id);

-- Every request a webhook sent and what came back; call_id is empty for test fires. Secrets are redacted before
-- a row is written (the call key, and values of headers named like authorization, token, secret, key, signature).
CREATE TABLE fired_pixels (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    call_id BIGINT,
    webhook_id BIGINT NOT NULL,
    webhook_name VARCHAR(200) NOT NULL,
    trigger_name VARCHAR(24) NOT NULL,
    test_fire BOOLEAN NOT NULL,
    method VARCHAR(8) NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    request_body TEXT,
    status INTEGER,
    response_headers TEXT NOT NULL,
    response_body TEXT,
    started_at BIGINT NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    error_kind VARCHAR(24),
    error_detail VARCHAR(500),
    missing_tokens TEXT NOT NULL,
    tags_applied TEXT NOT NULL
);
CREATE INDEX fired_pixels_account ON fired_pixels (account_id, started_at);
CREATE INDEX fired_pixels_call ON fired_pixels (call_id);
CREATE INDEX fired_pixels_webhook ON fired_pixels (webhook_id, started_at);
