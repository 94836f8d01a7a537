-- Account events delivered through the outbox (issue 16): when one of the account's webhooks is disabled by a 410 or
-- sustained failure, a delivery per enabled company webhook of trigger webhook_disabled, with call_id 0 (no call) and
-- seq 0 (outside any call's order). event holds its tokens as a JSON object (webhook_id, webhook_name,
-- disabled_reason, disabled_at), taken when it happened, so a retry sends what was true then.
ALTER TABLE webhook_deliveries ADD COLUMN event TEXT;
