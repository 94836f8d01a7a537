package org.switchboard.account;

import java.time.Instant;
import org.switchboard.platform.id.AccountId;

/** A company using Switchboard; everything else belongs to exactly one account. */
public record Account(AccountId id, String name, Instant createdAt) {}
