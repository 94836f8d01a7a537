package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;

/**
 * The audit log ({@code /audit_log}): who changed what in the console, when and from which address, newest first,
 * filtered by user ({@code user}) and object ({@code object_type}, {@code object_id}); {@code before} pages back.
 */
public final class AuditLogPage {
    private static final int PER_PAGE = 50;

    /** One change as listed; {@code changes} as "field: before → after" lines. */
    public record Row(
            long id,
            String at,
            String user,
            String address,
            String objectType,
            String objectId,
            String objectName,
            String link,
            String action,
            List<String> changes) {}

    public record View(
            Frame frame,
            List<Row> rows,
            Map<Long, String> users,
            List<String> objectTypes,
            Map<String, String> filter,
            Map<String, String> fieldToError,
            Optional<String> older) {}

    private final Pages pages;
    private final AuditLog log;
    private final UserRepository users;

    AuditLogPage(Pages pages, AuditLog log, UserRepository users) {
        this.pages = pages;
        this.log = log;
        this.users = users;
    }

    void register(HttpRules rules) {
        pages.get(rules, "/audit_log", (req, res, who) -> {
            Map<String, String> filter = new LinkedHashMap<>();
            for (String name : List.of("user", "object_type", "object_id")) {
                req.query().first(name).asOptional().filter(v -> !v.isBlank()).ifPresent(v -> filter.put(name, v));
            }
            Map<Long, String> people = new LinkedHashMap<>();
            users.list(who.account()).forEach(u -> people.put(u.id(), u.displayName() + " <" + u.email() + ">"));
            try {
                AuditLog.Filter query = new AuditLog.Filter(
                        Http.idQuery(req, "user"),
                        Optional.ofNullable(filter.get("object_type")),
                        Optional.ofNullable(filter.get("object_id")),
                        Http.idQuery(req, "before"),
                        PER_PAGE);
                List<Row> rows = log.list(who.account(), query).stream()
                        .map(AuditLogPage::row)
                        .toList();
                Optional<String> older = rows.size() < PER_PAGE
                        ? Optional.empty()
                        : Optional.of(olderLink(filter, rows.getLast().id()));
                render(res, Status.OK_200, who, rows, people, filter, Map.of(), older);
            } catch (Problem.Invalid e) {
                render(
                        res,
                        Status.BAD_REQUEST_400,
                        who,
                        List.of(),
                        people,
                        filter,
                        Map.of(e.field().orElse("user"), e.getMessage()),
                        Optional.empty());
            }
        });
    }

    private void render(
            io.helidon.webserver.http.ServerResponse res,
            Status status,
            SignedIn who,
            List<Row> rows,
            Map<Long, String> people,
            Map<String, String> filter,
            Map<String, String> errors,
            Optional<String> older) {
        pages.render(
                res,
                status,
                "audit_log.jte",
                new View(
                        pages.frame("Audit log", "audit_log", who),
                        rows,
                        people,
                        log.objectTypes(who.account()),
                        filter,
                        errors,
                        older));
    }

    private static String olderLink(Map<String, String> filter, long lastId) {
        StringBuilder link = new StringBuilder("/audit_log?before=" + lastId);
        filter.forEach((name, value) -> link.append('&')
                .append(name)
                .append('=')
                .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
        return link.toString();
    }

    private static Row row(AuditLog.Entry e) {
        return new Row(
                e.id(),
                Format.instant(e.at()),
                e.userEmail(),
                e.address(),
                e.objectType(),
                e.objectId(),
                e.objectName(),
                link(e.objectType(), e.objectId()),
                e.action(),
                e.changes().stream()
                        .map(c -> c.field() + ": " + c.before().orElse("—") + " → "
                                + c.after().orElse("—"))
                        .toList());
    }

    /** The page of the object, where it has one. */
    private static String link(String type, String id) {
        return switch (type) {
            case "campaign" -> "/campaigns/" + id;
            case "tracking_number" -> "/numbers/" + id;
            case "publisher" -> "/publishers/" + id;
            case "buyer" -> "/buyers/" + id;
            case "buyer_group" -> "/buyer_groups/" + id;
            case "directory" -> "/directories/" + id;
            case "company" -> "/company";
            default -> "";
        };
    }
}
