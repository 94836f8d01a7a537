-- Bulk caller-list uploads: accepted at once (the text is kept), applied in the background, polled for status.
-- Queued or half-done uploads are taken up again after a restart; applying one twice gives the same list.
CREATE TABLE caller_list_uploads (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    list_id BIGINT NOT NULL,
    action VARCHAR(8) NOT NULL,
    clear_first BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    status VARCHAR(12) NOT NULL,
    lines INTEGER NOT NULL,
    applied INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    errors TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX caller_list_uploads_pending ON caller_list_uploads (status);
