package org.switchboard.postback;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.switchboard.callerlist.CallerList;
import org.switchboard.callerlist.CallerListRoutes;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.secret.SecretBox;
import org.switchboard.platform.secret.Secrets;
import org.switchboard.tag.TagSet;

/**
 * Caller lists through a Caller List Management key: {@code ?key=KEY}, the URL shape of the reference document, which
 * existing integrations call with the key alone. The key's secret ({@code Authorization: Bearer SECRET}) is a second
 * credential only for a key with the {@code require_secret_key} option; a secret that is sent must match either way.
 * A campaign's key reaches that campaign's lists, a buyer's key that buyer's, a company key every campaign's and
 * buyer's; each operation needs its permission on the key. Without {@code key} the account's API key is checked as
 * everywhere else. Every keyed request is logged (without key or secret).
 */
public final class CallerListKeyAccess implements CallerListRoutes.Access {
    private final KeyedRequests keyed;
    private final PostbackLog log;
    private final SecretBox secrets;
    private final Function<ServerRequest, AccountId> accountKey;

    public CallerListKeyAccess(
            PostbackKeyRepository keys,
            PostbackLog log,
            SecretBox secrets,
            Function<ServerRequest, AccountId> accountKey) {
        this.keyed = new KeyedRequests(keys, log);
        this.log = log;
        this.secrets = secrets;
        this.accountKey = accountKey;
    }

    @Override
    public AccountId check(ServerRequest req, CallerList.Owner owner, long ownerId, String permission) {
        Optional<String> presented =
                req.query().first("key").asOptional().map(String::strip).filter(k -> !k.isEmpty());
        if (presented.isEmpty()) {
            return accountKey.apply(req);
        }
        PostbackKey key = keyed.require(presented, KeyType.CALLER_LIST_MANAGEMENT);
        Optional<String> secret = req.headers()
                .value(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip());
        if (secret.isEmpty() && key.options().path("require_secret_key").asBoolean(false)) {
            throw new Problem.Unauthorized(
                    "this key has require_secret_key: send its secret key as Authorization: Bearer SECRET");
        }
        if (secret.isPresent()) {
            String expected =
                    secrets.open(key.options().path("sealed_secret_key").asText());
            if (!Secrets.constantTimeEquals(expected, secret.get())) {
                throw new Problem.Unauthorized("the secret key does not match this key");
            }
        }
        String refused = null;
        boolean covers = switch (key.owner()) {
            case COMPANY -> true;
            case CAMPAIGN -> owner == CallerList.Owner.CAMPAIGN && key.ownerId() == ownerId;
            case BUYER -> owner == CallerList.Owner.BUYER && key.ownerId() == ownerId;
            default -> false;
        };
        if (!covers) {
            refused = "this key does not cover the caller lists of this "
                    + owner.name().toLowerCase(Locale.ROOT);
        } else if (!hasPermission(key, permission)) {
            refused = "this key lacks the " + permission + " permission";
        }
        Map<String, String> params = Http.queryParams(req);
        params.remove("key");
        params.put("path", req.path().path());
        log.record(
                PostbackLog.Source.of(key),
                "caller_lists",
                req.prologue().method().text(),
                params,
                TagSet.empty(),
                Optional.empty(),
                refused == null ? "allowed " + permission : "403 " + refused);
        if (refused != null) {
            throw new Problem.Forbidden(refused);
        }
        return key.accountId();
    }

    private static boolean hasPermission(PostbackKey key, String permission) {
        for (var granted : key.options().path("permissions")) {
            if (granted.asText().equals(permission)) {
                return true;
            }
        }
        return false;
    }
}
