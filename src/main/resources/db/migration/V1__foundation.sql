-- Foundation schema. One file for both engines: ${id_pk} is the only engine-specific piece
-- (SQLite INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL BIGINT identity).
-- Instants are UTC epoch milliseconds in BIGINT columns named *_at; tag sets, tag filters and hours of
-- operation are JSON text written and read only by the application.

CREATE TABLE accounts (
    id ${id_pk},
    name VARCHAR(200) NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name VARCHAR(200) NOT NULL,
    key_digest VARCHAR(64) NOT NULL UNIQUE,
    key_hint VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE campaigns (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    cid VARCHAR(64),
    name VARCHAR(200) NOT NULL,
    paused BOOLEAN NOT NULL,
    time_zone VARCHAR(64) NOT NULL,
    repeat_caller_handling BOOLEAN NOT NULL,
    repeat_caller_window_seconds BIGINT NOT NULL,
    repeat_callers_to_new_buyer BOOLEAN NOT NULL,
    use_company_default_webhooks BOOLEAN NOT NULL,
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (account_id, cid)
);
CREATE INDEX campaigns_account ON campaigns (account_id, id);

CREATE TABLE publishers (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    cid VARCHAR(64),
    name VARCHAR(200) NOT NULL,
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (account_id, cid)
);
CREATE INDEX publishers_account ON publishers (account_id, id);

-- A dialled number belongs to exactly one account: an arriving call must find one campaign.
CREATE TABLE tracking_numbers (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    number VARCHAR(20) NOT NULL UNIQUE,
    name VARCHAR(200),
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    publisher_id BIGINT REFERENCES publishers (id),
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tracking_numbers_account ON tracking_numbers (account_id, id);
CREATE INDEX tracking_numbers_campaign ON tracking_numbers (campaign_id);
CREATE INDEX tracking_numbers_publisher ON tracking_numbers (publisher_id);

CREATE TABLE buyers (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    cid VARCHAR(64),
    name VARCHAR(200) NOT NULL,
    dba_name VARCHAR(200),
    destination VARCHAR(512) NOT NULL,
    ring_timeout_seconds INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    time_zone VARCHAR(64) NOT NULL,
    hours TEXT,
    concurrency_cap INTEGER,
    hourly_cap INTEGER,
    daily_cap INTEGER,
    monthly_cap INTEGER,
    hard_cap INTEGER,
    hard_cap_reset_at BIGINT,
    paused BOOLEAN NOT NULL,
    tags TEXT NOT NULL,
    tag_filters TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (account_id, cid)
);
CREATE INDEX buyers_account ON buyers (account_id, id);

CREATE TABLE campaign_buyers (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    PRIMARY KEY (campaign_id, buyer_id)
);
CREATE INDEX campaign_buyers_buyer ON campaign_buyers (buyer_id);

CREATE TABLE buyer_groups (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name VARCHAR(200) NOT NULL,
    concurrency_cap INTEGER,
    hourly_cap INTEGER,
    daily_cap INTEGER,
    monthly_cap INTEGER,
    hard_cap INTEGER,
    hard_cap_reset_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX buyer_groups_account ON buyer_groups (account_id, id);

CREATE TABLE buyer_group_members (
    group_id BIGINT NOT NULL REFERENCES buyer_groups (id),
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    PRIMARY KEY (group_id, buyer_id)
);
CREATE INDEX buyer_group_members_buyer ON buyer_group_members (buyer_id);

-- Caller lists belong to a campaign or a buyer (owner_kind 'campaign' or 'buyer'); the name decides
-- the behaviour (suppressed* blocks, accepted* allows only).
CREATE TABLE caller_lists (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    owner_kind VARCHAR(16) NOT NULL,
    owner_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (owner_kind, owner_id, name)
);
CREATE INDEX caller_lists_account ON caller_lists (account_id, id);

CREATE TABLE caller_list_numbers (
    list_id BIGINT NOT NULL REFERENCES caller_lists (id),
    number VARCHAR(20) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (list_id, number)
);
CREATE INDEX caller_list_numbers_number ON caller_list_numbers (number);
