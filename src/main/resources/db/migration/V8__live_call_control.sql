-- Live call control (issue 5): account feature flags, transfer directories, and what a live call needs to be
-- redirected (the carrier-neutral control URL) or was transferred to.

-- Enabled features of the account as a JSON array of names ("real_time_bidding", "live_call_control").
ALTER TABLE accounts ADD COLUMN features TEXT NOT NULL DEFAULT '[]';

-- Named lists of transfer destinations; a Call Transfer key draws its destinations from one.
CREATE TABLE directories (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name VARCHAR(200) NOT NULL,
    entries TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX directories_account ON directories (account_id, id);

-- A carrier-neutral call may name a URL that receives new instructions when the call is redirected.
ALTER TABLE calls ADD COLUMN control_url TEXT;
-- Where the call was transferred (a directory number or SIP address), once it was.
ALTER TABLE calls ADD COLUMN transferred_to VARCHAR(512);
ALTER TABLE calls ADD COLUMN transferred_at BIGINT;
