package org.switchboard.postback;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.util.function.Function;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;

/**
 * {@code GET /api/v2/postback_logs}: the account's {@link PostbackLog}, newest first, filtered by {@code key_id},
 * {@code endpoint}, {@code type}, {@code outcome}, {@code from} and {@code to}.
 */
public final class PostbackLogRoutes {
    private final PostbackLog log;

    public PostbackLogRoutes(PostbackLog log) {
        this.log = log;
    }

    public void register(HttpRules rules, Function<ServerRequest, AccountId> auth) {
        rules.get("/api/v2/postback_logs", (req, res) -> {
            AccountId account = auth.apply(req);
            PageRequest page = Http.pageRequest(req);
            PostbackLog.Filter filter = PostbackLog.Filter.parse(name -> Http.query(req, name));
            Http.page(req, res, page, log.list(account, filter, page));
        });
    }
}
