package org.switchboard.account;

import java.util.List;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;

/**
 * The rules of an account's API keys, for the API and the console alike: a key has a name of at most
 * {@value #MAX_NAME} characters; its secret is made here and known only to the one answer that creates it; the last
 * key of an account cannot be deleted, so the account is never locked out of its API.
 */
public final class ApiKeys {
    public static final int MAX_NAME = 200;

    private final AccountRepository accounts;

    public ApiKeys(AccountRepository accounts) {
        this.accounts = accounts;
    }

    public List<ApiKey> list(AccountId account) {
        return accounts.listKeys(account);
    }

    /** A new key named {@code name} (stripped), or a 400 naming {@code name}. */
    public NewApiKey create(AccountId account, String name) {
        String stripped = name.strip();
        if (stripped.isEmpty()) {
            throw new Problem.Invalid("name", "is required");
        }
        if (stripped.length() > MAX_NAME) {
            throw new Problem.Invalid("name", "must be at most " + MAX_NAME + " characters");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new Problem.Invalid("name", "must not contain control characters");
        }
        return accounts.createKey(account, stripped, AccountRoutes.newSecret());
    }

    /** Deletes the account's key {@code id}: a 404 when it has none such, a 409 when it is the account's last. */
    public void delete(AccountId account, long id) {
        if (accounts.findKey(account, id).isEmpty()) {
            throw new Problem.NotFound("no API key with id " + id);
        }
        if (accounts.listKeys(account).size() == 1) {
            throw new Problem.Conflict(null, "this is the account's last API key; create another one first");
        }
        accounts.deleteKey(account, id);
    }
}
