-- Every change made in the console: who (user id and email as they were), when, from which address, to what
-- (object type, id and name) and which fields changed from what to what (a JSON array; secret fields are recorded
-- as changed without their values). user_id is not a foreign key so a removed user's changes stay readable.
CREATE TABLE audit_log (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    at BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    user_email VARCHAR(254) NOT NULL,
    address VARCHAR(64) NOT NULL,
    object_type VARCHAR(40) NOT NULL,
    object_id VARCHAR(64) NOT NULL,
    object_name VARCHAR(200) NOT NULL,
    action VARCHAR(40) NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX audit_log_account ON audit_log (account_id, id);
CREATE INDEX audit_log_object ON audit_log (account_id, object_type, object_id, id);
CREATE INDEX audit_log_user ON audit_log (account_id, user_id, id);
