-- Conversion criteria of a campaign or a buyer (owner_kind 'campaign' or 'buyer'), judged in position order: a
-- call is judged by the first one whose matches it satisfies. position is 1..n within one owner.
-- Money is BIGINT micro-dollars (12.50 -> 12500000); a percentage is BIGINT micro-percent (70 -> 70000000).
-- Which columns are set follows the kinds:
--   trigger_kind 'duration': duration_seconds and/or duration_tag;  'postback': postback_timeout_seconds
--   revenue_kind 'static': revenue_micros;  'posted': none;  'tag': revenue_tag
--   payout_kind 'static': payout_micros;  'percent': payout_percent_micros;  'tag': payout_tag;
--               'modifier': payout_modifier (canonical text, '' for none)
CREATE TABLE conversion_criteria (
    id ${id_pk},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    owner_kind VARCHAR(16) NOT NULL,
    owner_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    matches TEXT NOT NULL,
    trigger_kind VARCHAR(16) NOT NULL,
    duration_seconds INTEGER,
    duration_tag VARCHAR(64),
    postback_timeout_seconds INTEGER,
    revenue_kind VARCHAR(16) NOT NULL,
    revenue_micros BIGINT,
    revenue_tag VARCHAR(64),
    payout_kind VARCHAR(16) NOT NULL,
    payout_micros BIGINT,
    payout_percent_micros BIGINT,
    payout_tag VARCHAR(64),
    payout_modifier VARCHAR(400),
    duplicate_window_seconds INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX conversion_criteria_owner ON conversion_criteria (account_id, owner_kind, owner_id, position);
