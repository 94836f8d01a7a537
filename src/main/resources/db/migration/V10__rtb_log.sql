-- The RTB log: one row per ping, kept 24 hours (the reference: "the RTB request database is regularly flushed") and
-- then purged. Rows are written in batches by RtbLog, never on the ping's path; later events of the reservation
-- (claimed, confirmed, expired) update its row. The key is named, never stored: params hold the request without it.
-- Money is integer micro-dollars; params, tags, passthrough and considered are JSON text read whole.
CREATE TABLE rtb_pings (
    id ${id_pk},
    uuid VARCHAR(36) NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    key_id BIGINT NOT NULL,
    key_name VARCHAR(200) NOT NULL,
    campaign_id BIGINT NOT NULL,
    publisher_id BIGINT,
    caller_number VARCHAR(40),
    inbound_number VARCHAR(40),
    status VARCHAR(64) NOT NULL,
    shielded BOOLEAN NOT NULL,
    info VARCHAR(500),
    params TEXT NOT NULL,
    tags TEXT NOT NULL,
    passthrough TEXT NOT NULL,
    considered TEXT NOT NULL,
    reservation_uuid VARCHAR(36),
    buyer_id BIGINT,
    payout_micros BIGINT,
    seconds INTEGER,
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    claimed_at BIGINT,
    call_uuid VARCHAR(36),
    confirmed_at BIGINT,
    confirmation VARCHAR(64),
    expired_at BIGINT,
    final_status VARCHAR(64)
);
-- lists and the dashboard read an account's recent rows; the purge deletes the oldest of all accounts
CREATE INDEX rtb_pings_account ON rtb_pings (account_id, created_at);
CREATE INDEX rtb_pings_created ON rtb_pings (created_at);
