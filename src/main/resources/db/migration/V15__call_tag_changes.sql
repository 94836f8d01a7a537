-- Where a call's tags came from: each row is what one source added to (or removed from) the call's tags, and when
-- (the campaign, the publisher, the number, the caller's area, data written before the call, a repeat caller's earlier
-- call, an RTB reservation, a webhook's response, a data-writing key, the buyer that answered...). added and removed
-- are tag sets in the stored form of calls.tags.
CREATE TABLE call_tag_changes (
    id ${id_pk},
    call_id BIGINT NOT NULL REFERENCES calls (id),
    at BIGINT NOT NULL,
    source VARCHAR(200) NOT NULL,
    added TEXT NOT NULL,
    removed TEXT NOT NULL
);
CREATE INDEX call_tag_changes_call ON call_tag_changes (call_id, id);
