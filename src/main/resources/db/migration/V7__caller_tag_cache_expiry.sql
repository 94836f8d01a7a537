-- Expired cached tags are purged as new ones are stored; the index keeps that to the expired rows.
CREATE INDEX caller_tag_cache_expires ON caller_tag_cache (expires_at);
