-- The conversion decision of each ended call (issue: conversions and money). One row per call, created when the call
-- ends (or earlier, by a postback during the call); changed only by conditional updates, so a conversion is counted
-- once however many postbacks, nodes or retries race for it. Money is BIGINT micro-dollars.
CREATE TABLE call_conversions (
    call_id BIGINT PRIMARY KEY REFERENCES calls (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    -- pending (waiting for a postback until deadline_at), converted or not_converted
    state VARCHAR(16) NOT NULL,
    criterion_id BIGINT,
    reason VARCHAR(300) NOT NULL,
    deadline_at BIGINT,
    decided_at BIGINT,
    converted_at BIGINT,
    revenue_micros BIGINT NOT NULL,
    payout_micros BIGINT NOT NULL,
    posted_micros BIGINT,
    postback_at BIGINT,
    -- the buyer's own view, from the buyer's criteria
    buyer_criterion_id BIGINT,
    buyer_converted BOOLEAN NOT NULL,
    buyer_revenue_micros BIGINT NOT NULL,
    -- the post-call webhooks (connect, conversion / non_conversion, postback, always): delivered, and since when a
    -- node has been delivering them (a lease: a node that stops mid-way leaves them to be delivered again)
    post_call_fired BOOLEAN NOT NULL,
    post_call_claimed_at BIGINT,
    -- a conversion after the post-call webhooks went out: its conversion and postback webhooks are still to deliver
    late_due BOOLEAN NOT NULL,
    late_claimed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX call_conversions_due ON call_conversions (state, deadline_at);
CREATE INDEX call_conversions_unfired ON call_conversions (post_call_fired, decided_at);
CREATE INDEX call_conversions_late ON call_conversions (late_due);
