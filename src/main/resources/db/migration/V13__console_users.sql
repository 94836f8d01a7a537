-- People who sign in to the web console. An email names one user across all accounts, because the sign-in form
-- asks only for an email and a password. password_hash is an Argon2id string (absent until the user sets one
-- through a one-time link). role is admin, manager or viewer.
CREATE TABLE users (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    email VARCHAR(254) NOT NULL UNIQUE,
    display_name VARCHAR(200) NOT NULL,
    role VARCHAR(16) NOT NULL,
    password_hash VARCHAR(255),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX users_account ON users (account_id, id);

-- Server-side sessions: the cookie carries a random token, the table only its SHA-256 digest.
CREATE TABLE user_sessions (
    token_digest VARCHAR(64) PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

-- One-time set-password links (first admin, invitations): the digest of the link's token and its expiry.
CREATE TABLE password_links (
    token_digest VARCHAR(64) PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_links_user ON password_links (user_id);

-- The call overview lists the postbacks received for one call.
CREATE INDEX postback_logs_call ON postback_logs (account_id, call_uuid);
