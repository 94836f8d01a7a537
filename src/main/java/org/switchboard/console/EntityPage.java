package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;

/**
 * The pages of one kind of configured object: {@code path} lists them with a form for a new one, {@code path/{id}}
 * shows one to edit, {@code path/{id}/delete} deletes it. Creating, updating and deleting go through the API's
 * resource (its parsing, rules and refusals); an update made from an older version of the object is refused; every
 * change is recorded. Subclasses render.
 */
abstract class EntityPage<T> {
    protected final Configuring configuring;
    protected final Pages pages;
    private final CrudRoutes.Resource<T> resource;
    private final String path;
    private final ConfigForm form;

    EntityPage(Configuring configuring, CrudRoutes.Resource<T> resource, String path, ConfigForm form) {
        this.configuring = configuring;
        this.pages = configuring.pages();
        this.resource = resource;
        this.path = path;
        this.form = form;
    }

    /** The list page with the new-object form in {@code state}. */
    abstract void list(ServerRequest req, ServerResponse res, SignedIn who, Status status, FormState state);

    /** One object's page: its form in {@code state}, {@code refused} why a deletion did not happen. */
    abstract void item(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            T value,
            String version,
            FormState state,
            Optional<String> refused);

    /** The new-object form's starting values. */
    FormState fresh() {
        return FormState.empty();
    }

    void register(HttpRules rules) {
        pages.get(rules, path, (req, res, who) -> list(req, res, who, Status.OK_200, fresh()));
        pages.post(rules, path, Pages.Need.CHANGE, this::create);
        pages.get(rules, path + "/{id}", (req, res, who) -> show(req, res, who, Status.OK_200, null, null));
        pages.post(rules, path + "/{id}", Pages.Need.CHANGE, this::update);
        pages.post(rules, path + "/{id}/delete", Pages.Need.CHANGE, this::delete);
    }

    /** The name people know the object by, for the audit log. */
    abstract String nameOf(T value);

    AuditLog.Subject object(T value) {
        return new AuditLog.Subject(
                resource.what().replace(' ', '_'), String.valueOf(resource.id(value)), nameOf(value));
    }

    Object wire(T value) {
        return resource.wire(value);
    }

    T require(ServerRequest req, SignedIn who) {
        long id = Http.pathId(req, "id", resource.what());
        return resource.find(who.account(), id)
                .orElseThrow(() -> new Problem.NotFound("no " + resource.what() + " " + id));
    }

    void show(
            ServerRequest req,
            ServerResponse res,
            SignedIn who,
            Status status,
            @Nullable FormState state,
            @Nullable String refused) {
        T value = require(req, who);
        Object wire = resource.wire(value);
        item(
                req,
                res,
                who,
                status,
                value,
                EditGuard.stamp(wire),
                state == null ? form.show(wire) : state,
                Optional.ofNullable(refused));
    }

    private void create(ServerRequest req, ServerResponse res, SignedIn who, Form sent) {
        var attempt = Configuring.attempt(
                form,
                sent,
                () -> CrudRoutes.create(resource, who.account(), form.body(sent))
                        .value());
        if (attempt.refusal().isPresent()) {
            list(
                    req,
                    res,
                    who,
                    attempt.refusal().get().status(),
                    attempt.refusal().get().form());
            return;
        }
        T created = attempt.saved().orElseThrow();
        configuring.changed(who, req, object(created), "create", null, resource.wire(created));
        Pages.redirect(res, path + "/" + resource.id(created));
    }

    private void update(ServerRequest req, ServerResponse res, SignedIn who, Form sent) {
        save(req, res, who, sent, form, "update");
    }

    /**
     * Saves the fields of {@code fields} from {@code sent} onto the object (the others keep their value), refused when
     * someone else changed it since the form was loaded or when the API's rules refuse it; recorded as {@code action}.
     */
    void save(ServerRequest req, ServerResponse res, SignedIn who, Form sent, ConfigForm fields, String action) {
        T existing = require(req, who);
        Object before = resource.wire(existing);
        Optional<String> stale = Configuring.conflict(sent, before);
        if (stale.isPresent()) {
            show(
                    req,
                    res,
                    who,
                    Status.CONFLICT_409,
                    fields.refused(sent, "", stale.get()).over(form.show(before)),
                    null);
            return;
        }
        var attempt = Configuring.attempt(
                fields,
                sent,
                () -> CrudRoutes.update(resource, who.account(), existing, fields.body(sent))
                        .value());
        if (attempt.refusal().isPresent()) {
            FormState refused = attempt.refusal().get().form().over(form.show(before));
            show(req, res, who, attempt.refusal().get().status(), refused, null);
            return;
        }
        T saved = attempt.saved().orElseThrow();
        configuring.changed(who, req, object(saved), action, before, resource.wire(saved));
        Pages.redirect(res, path + "/" + resource.id(saved));
    }

    private void delete(ServerRequest req, ServerResponse res, SignedIn who, Form sent) {
        T existing = require(req, who);
        try {
            resource.delete(who.account(), existing);
        } catch (Problem.Conflict e) {
            show(req, res, who, Status.CONFLICT_409, null, e.getMessage());
            return;
        }
        configuring.changed(who, req, object(existing), "delete", resource.wire(existing), null);
        Pages.redirect(res, path);
    }
}
