package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.postback.PostbackLog;

/**
 * The postback log, {@code /postback_logs}: every request that reached a keyed endpoint (postbacks, data writing and
 * reading, caller lists, call control) with its key's name, parameters as JSON, parsed tags, answer and call, newest
 * first, with the API's filters (key, type, outcome, endpoint, time: instants or dates).
 */
public final class PostbackLogPage {
    static final List<String> FILTERS = List.of("key_id", "type", "outcome", "endpoint", "from", "to");

    public record Row(
            String at,
            String keyName,
            String endpoint,
            String method,
            String params,
            List<String> tags,
            String callUuid,
            String result) {}

    public record View(
            Frame frame,
            Map<String, String> filters,
            Map<String, String> fieldToError,
            List<String> types,
            List<String> outcomes,
            List<Row> rows,
            long total,
            int page,
            int perPage,
            String query) {
        public boolean hasNext() {
            return (long) page * perPage < total;
        }
    }

    private final Pages pages;
    private final PostbackLog log;

    public PostbackLogPage(Pages pages, PostbackLog log) {
        this.pages = pages;
        this.log = log;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/postback_logs", (req, res, who) -> {
            Map<String, String> filters = new LinkedHashMap<>();
            for (String name : FILTERS) {
                Http.query(req, name).ifPresent(value -> filters.put(name, value));
            }
            Map<String, String> errors = new LinkedHashMap<>();
            List<Row> rows = List.of();
            long total = 0;
            PageRequest page = new PageRequest(1, PageRequest.DEFAULT_PER_PAGE);
            try {
                page = Http.pageRequest(req);
                PostbackLog.Filter filter = PostbackLog.Filter.parse(name -> Optional.ofNullable(filters.get(name)));
                Page<PostbackLog.Entry> listed = log.list(who.account(), filter, page);
                rows = listed.items().stream().map(PostbackLogPage::row).toList();
                total = listed.total();
            } catch (Problem.Invalid e) {
                errors.put(e.field().orElse("page"), e.getMessage());
            }
            pages.render(
                    res,
                    errors.isEmpty() ? Status.OK_200 : Status.BAD_REQUEST_400,
                    "postback_logs.jte",
                    new View(
                            pages.frame("Postback log", "postbacks", who),
                            filters,
                            errors,
                            PostbackLog.Type.words(),
                            PostbackLog.Outcome.words(),
                            rows,
                            total,
                            page.page(),
                            page.perPage(),
                            CallLogPage.query(filters)));
        });
    }

    /** The postbacks received for one call, newest first (the call overview shows them). */
    List<Row> forCall(AccountId account, String callUuid) {
        return log
                .list(account, PostbackLog.Filter.call(callUuid), new PageRequest(1, PageRequest.MAX_PER_PAGE))
                .items()
                .stream()
                .map(PostbackLogPage::row)
                .toList();
    }

    private static Row row(PostbackLog.Entry e) {
        return new Row(
                Format.instant(java.time.Instant.parse(e.createdAt())),
                e.keyName(),
                e.endpoint(),
                e.method(),
                Json.writeString(e.params()),
                Format.tags(e.tags()),
                e.callUuid() == null ? "" : e.callUuid(),
                e.result());
    }
}
