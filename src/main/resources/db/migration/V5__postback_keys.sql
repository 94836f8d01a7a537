-- Postback keys: scoped bearer tokens, each on one entity and locked to one behaviour. The key itself is kept only
-- as a SHA-256 digest (for lookup) and sealed under the master key (to show its URL again).
CREATE TABLE postback_keys (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    owner_kind VARCHAR(16) NOT NULL,
    owner_id BIGINT NOT NULL,
    key_type VARCHAR(24) NOT NULL,
    name VARCHAR(200) NOT NULL,
    paused BOOLEAN NOT NULL,
    options TEXT NOT NULL,
    key_digest VARCHAR(64) NOT NULL UNIQUE,
    sealed_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX postback_keys_owner ON postback_keys (account_id, owner_kind, owner_id);

-- Tags written for a caller before their call arrives ("call not found, tags stored"); taken by the call. Reusable
-- rows (keys that reuse tags on repeat calls) stay until they expire and go on every call from the caller.
CREATE TABLE caller_tag_cache (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    caller_number VARCHAR(255) NOT NULL,
    publisher_id BIGINT,
    tags TEXT NOT NULL,
    reusable BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX caller_tag_cache_caller ON caller_tag_cache (account_id, caller_number);

-- Every inbound postback and what became of it. The key is named, never stored.
CREATE TABLE postback_logs (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    key_id BIGINT,
    key_name VARCHAR(200),
    endpoint VARCHAR(64) NOT NULL,
    method VARCHAR(8) NOT NULL,
    params TEXT NOT NULL,
    tags TEXT NOT NULL,
    call_uuid VARCHAR(36),
    result VARCHAR(500) NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX postback_logs_account ON postback_logs (account_id, created_at);
