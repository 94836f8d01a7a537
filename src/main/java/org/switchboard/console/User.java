package org.switchboard.console;

import java.time.Instant;
import org.switchboard.platform.id.AccountId;

/** A person who signs in to the console; {@code hasPassword} is false until a one-time link was used. */
public record User(
        long id,
        AccountId accountId,
        String email,
        String displayName,
        Role role,
        boolean hasPassword,
        Instant createdAt) {}
