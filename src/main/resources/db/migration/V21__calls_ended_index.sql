-- Calls by end time: the conversions poller looks for calls that ended without a decision (a node stopped between
-- ending the call and deciding it), so their post-call webhooks are still queued.
CREATE INDEX calls_ended ON calls (ended_at);
