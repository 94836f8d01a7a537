-- Standard-Webhooks signing: the per-webhook secret, sealed under the master key (never stored in the clear).
ALTER TABLE webhooks ADD COLUMN signing_secret TEXT;
