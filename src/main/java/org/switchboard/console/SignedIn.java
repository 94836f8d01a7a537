package org.switchboard.console;

import org.switchboard.platform.id.AccountId;

/** The person behind a console request and the CSRF token their forms must carry. */
public record SignedIn(User user, String csrfToken) {
    public AccountId account() {
        return user.accountId();
    }

    public Role role() {
        return user.role();
    }
}
