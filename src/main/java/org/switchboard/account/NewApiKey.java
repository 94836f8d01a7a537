package org.switchboard.account;

/** A key just issued: the only moment its secret is known to Switchboard and shown to its owner. */
public record NewApiKey(ApiKey key, String secret) {}
