-- Calls, their dial attempts and their state transitions. A call keeps the ids of its campaign, number,
-- publisher and buyers as history: those may be deleted later, so only the account is a foreign key.

ALTER TABLE buyer_groups ADD COLUMN tag_filters TEXT NOT NULL DEFAULT '[]';

CREATE TABLE calls (
    id ${id_pk},
    uuid VARCHAR(36) NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    campaign_id BIGINT NOT NULL,
    tracking_number_id BIGINT NOT NULL,
    publisher_id BIGINT,
    carrier VARCHAR(16) NOT NULL,
    carrier_call_id VARCHAR(200) NOT NULL,
    caller_number VARCHAR(255) NOT NULL,
    dialed_number VARCHAR(20) NOT NULL,
    call_key_digest VARCHAR(64) NOT NULL,
    state VARCHAR(16) NOT NULL,
    outcome VARCHAR(24),
    buyer_id BIGINT,
    tags TEXT NOT NULL,
    routing TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    connected_at BIGINT,
    ended_at BIGINT,
    duration_seconds INTEGER,
    connected_seconds INTEGER,
    UNIQUE (carrier, carrier_call_id)
);
CREATE INDEX calls_account_started ON calls (account_id, started_at);
CREATE INDEX calls_caller ON calls (account_id, caller_number, started_at);

CREATE TABLE call_attempts (
    call_id BIGINT NOT NULL REFERENCES calls (id),
    seq INTEGER NOT NULL,
    buyer_id BIGINT NOT NULL,
    destination VARCHAR(512) NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    outcome VARCHAR(16),
    PRIMARY KEY (call_id, seq)
);
CREATE INDEX call_attempts_buyer ON call_attempts (buyer_id, started_at);

CREATE TABLE call_events (
    call_id BIGINT NOT NULL REFERENCES calls (id),
    seq INTEGER NOT NULL,
    at BIGINT NOT NULL,
    state VARCHAR(16) NOT NULL,
    detail VARCHAR(500) NOT NULL,
    PRIMARY KEY (call_id, seq)
);
