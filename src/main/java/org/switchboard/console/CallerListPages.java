package org.switchboard.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.switchboard.callerlist.CallerList;
import org.switchboard.callerlist.CallerListRepository;
import org.switchboard.callerlist.CallerListRoutes;
import org.switchboard.callerlist.CallerListUploads;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;

/**
 * Caller lists in the console: the section of a campaign or buyer ({@code /sections/caller_lists?campaign=12}), all
 * the account's lists ({@code /caller_lists}), and one list ({@code /caller_lists/<id>}): its numbers, a search, adding
 * and removing numbers, and an upload whose per-line report names every line refused. Created, filled and uploaded
 * through {@link CallerListRoutes}, the API's own code.
 */
public final class CallerListPages {
    static final int NUMBERS_PER_PAGE = 100;

    /** A list as listed. */
    public record Row(long id, String name, String owner, String behaviour, long numbers) {}

    /** The section of one owner, or (owner empty) the page of all lists. */
    public record Lists(
            Frame frame,
            String csrf,
            Optional<OwnerRef> owner,
            String ownerName,
            boolean canChange,
            List<Row> rows,
            List<ConfigOwners.Choice> owners,
            Map<String, String> form,
            Map<String, String> errors,
            String back) {}

    /** One list's page. */
    public record One(
            Frame frame,
            Row list,
            String ownerLink,
            List<String> numbers,
            long total,
            int page,
            Optional<String> search,
            Optional<Boolean> found,
            Map<String, String> form,
            Map<String, String> errors,
            Optional<String> notice) {}

    /** An upload's report. */
    public record UploadReport(long listId, String listName, CallerListUploads.Upload upload) {
        public boolean done() {
            return !upload.status().equals("queued") && !upload.status().equals("processing");
        }
    }

    private final Pages pages;
    private final CallerListRoutes routes;
    private final CallerListRepository lists;
    private final CallerListUploads uploads;
    private final ConfigOwners owners;
    private final AuditLog audit;

    public CallerListPages(
            Pages pages,
            CallerListRoutes routes,
            CallerListRepository lists,
            CallerListUploads uploads,
            ConfigOwners owners,
            AuditLog audit) {
        this.pages = pages;
        this.routes = routes;
        this.lists = lists;
        this.uploads = uploads;
        this.owners = owners;
        this.audit = audit;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/sections/caller_lists", this::section);
        pages.get(rules, "/caller_lists", (req, res, who) -> all(res, Status.OK_200, who, Map.of(), Map.of()));
        pages.post(rules, "/caller_lists", Pages.Need.CHANGE, this::create);
        pages.get(rules, "/caller_lists/{id}", this::show);
        pages.post(rules, "/caller_lists/{id}/numbers", Pages.Need.CHANGE, this::addNumbers);
        pages.post(rules, "/caller_lists/{id}/numbers/remove", Pages.Need.CHANGE, this::removeNumber);
        pages.post(rules, "/caller_lists/{id}/uploads", Pages.Need.CHANGE, this::upload);
        pages.get(rules, "/caller_lists/{id}/uploads/{upload}", this::showUpload);
        pages.post(rules, "/caller_lists/{id}/delete", Pages.Need.CHANGE, this::delete);
    }

    // --- the routes ---------------------------------------------------------------------------------------------

    /** The section of a campaign or buyer: its lists. */
    private void section(ServerRequest req, ServerResponse res, SignedIn who) {
        OwnerRef owner = owner(req);
        String name = owners.requireName(who.account(), owner);
        pages.render(
                res,
                "caller_lists_section.jte",
                new Lists(
                        pages.frame("Caller lists", "caller_lists", who),
                        who.csrfToken(),
                        Optional.of(owner),
                        name,
                        who.role().canChange(),
                        rows(who.account(), List.of(owner)),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        WebhookPages.back(req, owner)));
    }

    private void create(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        String ownerWord = form.first("owner").orElse("");
        try {
            OwnerRef owner = OwnerRef.parse(Optional.of(ownerWord).filter(o -> !o.isBlank()));
            owners.requireName(who.account(), owner);
            CallerList created = routes.create(
                    who.account(),
                    stored(owner),
                    owner.id(),
                    form.first("name").orElse("").strip());
            audit.record(who, req, "created", subject(created), null, Map.of("name", created.name()), Set.of());
            Pages.redirect(res, "/caller_lists/" + created.id());
        } catch (Problem.Invalid | Problem.Conflict e) {
            all(
                    res,
                    Status.create(HttpErrors.status(e)),
                    who,
                    FormJson.values(form),
                    FormJson.error(e, Set.of("name", "owner")));
        }
    }

    /** One list: a page of its numbers, and whether a searched number is on it. */
    private void show(ServerRequest req, ServerResponse res, SignedIn who) {
        CallerList list = require(req, who);
        Optional<String> search = Http.query(req, "number").filter(n -> !n.isBlank());
        Map<String, String> errors = Map.of();
        Optional<Boolean> found = Optional.empty();
        if (search.isPresent()) {
            Optional<String> e164 = PhoneNumbers.toE164(search.get());
            if (e164.isEmpty()) {
                errors = Map.of("number", "'" + search.get() + "' is not a phone number");
            } else {
                found = Optional.of(lists.contains(list.id(), e164.get()));
                search = e164;
            }
        }
        int page = Http.query(req, "page")
                .filter(p -> p.matches("[1-9][0-9]{0,6}"))
                .map(Integer::parseInt)
                .orElse(1);
        one(
                res,
                errors.isEmpty() ? Status.OK_200 : Status.BAD_REQUEST_400,
                who,
                list,
                page,
                search,
                found,
                Map.of(),
                errors,
                Optional.empty());
    }

    private void addNumbers(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        CallerList list = require(req, who);
        String text = form.first("numbers").orElse("");
        try {
            List<String> numbers = new ArrayList<>(new LinkedHashSet<>(numbersIn(text)));
            int added = routes.addNumbers(list, numbers);
            audit.record(who, req, "added numbers", subject(list), null, Map.of("numbers", numbers), Set.of());
            one(
                    res,
                    Status.OK_200,
                    who,
                    list,
                    1,
                    Optional.empty(),
                    Optional.empty(),
                    Map.of(),
                    Map.of(),
                    Optional.of(added + " number" + (added == 1 ? "" : "s") + " added (" + (numbers.size() - added)
                            + " already listed)."));
        } catch (Problem.Invalid e) {
            one(
                    res,
                    Status.BAD_REQUEST_400,
                    who,
                    list,
                    1,
                    Optional.empty(),
                    Optional.empty(),
                    Map.of("numbers", text),
                    Map.of("numbers", e.getMessage()),
                    Optional.empty());
        }
    }

    private void removeNumber(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        CallerList list = require(req, who);
        String number = PhoneNumbers.requireE164("number", form.first("number").orElse(""));
        if (lists.removeNumber(list.accountId(), list.id(), number)) {
            audit.record(who, req, "removed a number", subject(list), Map.of("number", number), null, Set.of());
        }
        Pages.redirect(res, "/caller_lists/" + list.id());
    }

    private void upload(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        CallerList list = require(req, who);
        try {
            CallerListUploads.Upload upload =
                    routes.upload(list, form.first("upload").orElse(""));
            audit.record(who, req, "uploaded numbers", subject(list), null, Map.of("upload", upload.id()), Set.of());
            Pages.redirect(res, "/caller_lists/" + list.id() + "/uploads/" + upload.id());
        } catch (Problem.Invalid e) {
            one(
                    res,
                    Status.BAD_REQUEST_400,
                    who,
                    list,
                    1,
                    Optional.empty(),
                    Optional.empty(),
                    Map.of(),
                    Map.of("upload", e.getMessage()),
                    Optional.empty());
        }
    }

    /** An upload's report: the fragment an htmx refresh asks for, else the whole page. */
    private void showUpload(ServerRequest req, ServerResponse res, SignedIn who) {
        CallerList list = require(req, who);
        long id = Http.pathId(req, "upload", "upload");
        var upload =
                uploads.find(who.account(), list.id(), id).orElseThrow(() -> new Problem.NotFound("no upload " + id));
        var report = new UploadReport(list.id(), list.name(), upload);
        if (req.headers().contains(HeaderNames.create("HX-Request"))) {
            pages.render(res, "caller_list_upload.jte", report);
            return;
        }
        pages.render(
                res,
                "caller_list_upload_page.jte",
                new UploadPage(pages.frame("Upload to " + list.name(), "caller_lists", who), report));
    }

    private void delete(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        CallerList list = require(req, who);
        lists.delete(who.account(), list.id());
        audit.record(who, req, "deleted", subject(list), Map.of("name", list.name()), null, Set.of());
        Pages.redirect(res, "/caller_lists");
    }

    private static AuditLog.Subject subject(CallerList list) {
        return new AuditLog.Subject("caller_list", Long.toString(list.id()), list.name());
    }

    /** The upload's page: its report, refreshing itself until the upload is applied. */
    public record UploadPage(Frame frame, UploadReport report) {}

    private void all(
            ServerResponse res, Status status, SignedIn who, Map<String, String> form, Map<String, String> errors) {
        AccountId account = who.account();
        List<OwnerRef> all = new ArrayList<>();
        List<ConfigOwners.Choice> choices = new ArrayList<>();
        owners.campaigns(account).forEach(c -> {
            all.add(new OwnerRef(OwnerRef.Kind.CAMPAIGN, Long.parseLong(c.value())));
            choices.add(new ConfigOwners.Choice("campaign:" + c.value(), "Campaign " + c.label()));
        });
        owners.buyers(account).forEach(b -> {
            all.add(new OwnerRef(OwnerRef.Kind.BUYER, Long.parseLong(b.value())));
            choices.add(new ConfigOwners.Choice("buyer:" + b.value(), "Buyer " + b.label()));
        });
        pages.render(
                res,
                status,
                "caller_lists.jte",
                new Lists(
                        pages.frame("Caller lists", "caller_lists", who),
                        who.csrfToken(),
                        Optional.empty(),
                        "",
                        who.role().canChange(),
                        rows(account, all),
                        choices,
                        form,
                        errors,
                        "/caller_lists"));
    }

    private void one(
            ServerResponse res,
            Status status,
            SignedIn who,
            CallerList list,
            int page,
            Optional<String> search,
            Optional<Boolean> found,
            Map<String, String> form,
            Map<String, String> errors,
            Optional<String> notice) {
        var numbers = lists.numbers(list.id(), new PageRequest(page, NUMBERS_PER_PAGE));
        OwnerRef owner = ownerOf(list);
        pages.render(
                res,
                status,
                "caller_list.jte",
                new One(
                        pages.frame(list.name(), "caller_lists", who),
                        row(who.account(), list),
                        "/configuration?owner=" + owner.word(),
                        numbers.items(),
                        numbers.total(),
                        page,
                        search,
                        found,
                        form,
                        errors,
                        notice));
    }

    private List<Row> rows(AccountId account, List<OwnerRef> of) {
        List<Row> rows = new ArrayList<>();
        for (OwnerRef owner : of) {
            lists.list(account, stored(owner), owner.id(), new PageRequest(1, PageRequest.MAX_PER_PAGE))
                    .items()
                    .forEach(l -> rows.add(row(account, l)));
        }
        return rows;
    }

    private Row row(AccountId account, CallerList list) {
        OwnerRef owner = ownerOf(list);
        String behaviour = switch (list.behaviour()) {
            case SUPPRESS -> "suppressed: its callers are blocked";
            case ACCEPT_ONLY -> "accepted: only its callers get through";
            case NONE -> "records numbers only";
        };
        return new Row(
                list.id(),
                list.name(),
                owner.kind().label() + " " + owners.requireName(account, owner),
                behaviour,
                lists.numberCount(list.id()));
    }

    /** Numbers typed one a line or comma-separated, each to E.164; the first bad one is named with its line. */
    private static List<String> numbersIn(String text) {
        List<String> out = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            for (String part : lines.get(i).split(",")) {
                if (!part.isBlank()) {
                    final int line = i + 1;
                    out.add(PhoneNumbers.toE164(part.strip())
                            .orElseThrow(() -> new Problem.Invalid(
                                    "numbers", "line " + line + ": '" + part.strip() + "' is not a phone number")));
                }
            }
        }
        if (out.isEmpty()) {
            throw new Problem.Invalid("numbers", "give at least one number");
        }
        return out;
    }

    private static OwnerRef owner(ServerRequest req) {
        Optional<String> campaign = req.query().first("campaign").asOptional();
        Optional<String> buyer = req.query().first("buyer").asOptional();
        if (campaign.isPresent()) {
            return OwnerRef.parse(Optional.of("campaign:" + campaign.get()));
        }
        if (buyer.isPresent()) {
            return OwnerRef.parse(Optional.of("buyer:" + buyer.get()));
        }
        throw new Problem.Invalid("campaign", "name the campaign (?campaign=<id>) or the buyer (?buyer=<id>)");
    }

    private static CallerList.Owner stored(OwnerRef owner) {
        return switch (owner.kind()) {
            case CAMPAIGN -> CallerList.Owner.CAMPAIGN;
            case BUYER -> CallerList.Owner.BUYER;
            default -> throw new Problem.Invalid("owner", "caller lists belong to a campaign or a buyer");
        };
    }

    private static OwnerRef ownerOf(CallerList list) {
        return new OwnerRef(
                list.owner() == CallerList.Owner.CAMPAIGN ? OwnerRef.Kind.CAMPAIGN : OwnerRef.Kind.BUYER,
                list.ownerId());
    }

    private CallerList require(ServerRequest req, SignedIn who) {
        long id = Http.pathId(req, "id", "caller list");
        return lists.find(who.account(), id).orElseThrow(() -> new Problem.NotFound("no caller list " + id));
    }
}
