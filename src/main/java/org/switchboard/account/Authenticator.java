package org.switchboard.account;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.secret.Secrets;

/**
 * Finds the account behind an admin request: an API key in the {@code api_key} query parameter (as the reference
 * platform takes it) or in {@code Authorization: Bearer}. The key is looked up by its digest; it is never logged.
 */
public final class Authenticator {
    private final AccountRepository accounts;

    public Authenticator(AccountRepository accounts) {
        this.accounts = accounts;
    }

    /** The caller's account, or a 401. */
    public AccountId require(ServerRequest request) {
        String key = presentedKey(request)
                .orElseThrow(() -> new Problem.Unauthorized(
                        "an API key is required: pass api_key=... or an Authorization: Bearer header"));
        return accounts.findAccountByKeyDigest(Secrets.digest(key))
                .orElseThrow(() -> new Problem.Unauthorized("the API key is not valid"));
    }

    /** The bearer token of the request, if any (also used for the operator token). */
    public static Optional<String> bearer(ServerRequest request) {
        return request.headers()
                .first(HeaderNames.AUTHORIZATION)
                .map(String::strip)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).strip())
                .filter(value -> !value.isEmpty());
    }

    private static Optional<String> presentedKey(ServerRequest request) {
        Optional<String> fromQuery =
                request.query().first("api_key").asOptional().map(String::strip).filter(k -> !k.isEmpty());
        return fromQuery.isPresent() ? fromQuery : bearer(request);
    }
}
