package org.switchboard.account;

import java.time.Instant;
import org.switchboard.platform.id.AccountId;

/** An API key as stored: its name and last characters, never the key itself. */
public record ApiKey(long id, AccountId accountId, String name, String hint, Instant createdAt) {}
