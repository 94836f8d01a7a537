package org.switchboard.platform.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;

/**
 * The five REST routes of a resource (list, create, show, update, delete) with account scoping, pagination and the
 * error shape done once. Updates accept PUT or PATCH with any subset of fields: the stored object is rendered, the
 * sent fields laid over it, and the result checked by the same rules as a create.
 */
public final class CrudRoutes {
    /** What a resource supplies; every method is scoped to the caller's account. */
    public interface Resource<T> {
        /** The resource's name in messages ("campaign"). */
        String what();

        long id(T value);

        /** The query parameters that filter the list by an id ({@code campaign_id}), in the order they are read. */
        default List<String> idFilters() {
            return List.of();
        }

        Page<T> list(AccountId account, ListQuery query);

        Optional<T> find(AccountId account, long id);

        T create(AccountId account, ObjectNode body);

        T update(AccountId account, T existing, ObjectNode merged);

        /** Deletes, or throws {@link Problem.Conflict} when the object is still in use. */
        void delete(AccountId account, T existing);

        /** The wire form (a record or map serialised as JSON). */
        Object wire(T value);

        /**
         * Rewrites fields of a create body, or of a merged update body, into their stored form in place before
         * {@link #create} or {@link #update} reads it, answering warnings about it for the save's answer.
         */
        default List<String> normalize(AccountId account, ObjectNode body) {
            return List.of();
        }
    }

    /** A list request, parsed: the page, and those of the resource's {@link Resource#idFilters} that were given. */
    public record ListQuery(PageRequest page, Map<String, Long> ids) {
        public ListQuery {
            ids = Map.copyOf(ids);
        }

        /** The id filter {@code name}, when the request gave one. */
        public Optional<Long> id(String name) {
            return Optional.ofNullable(ids.get(name));
        }
    }

    /** A created or updated object with the warnings its normalisation produced. */
    public record Saved<T>(T value, List<String> warnings) {}

    private CrudRoutes() {}

    /**
     * Creates from a request body: normalised, then checked and stored by the resource. The JSON route and the
     * console's forms both come through here, so they share every rule.
     */
    public static <T> Saved<T> create(Resource<T> resource, AccountId account, ObjectNode body) {
        List<String> warnings = resource.normalize(account, body);
        return new Saved<>(resource.create(account, body), warnings);
    }

    /**
     * Updates with the fields of {@code patch} laid over the stored object's wire form (any subset of fields), then
     * normalised and checked by the same rules as a create.
     */
    public static <T> Saved<T> update(Resource<T> resource, AccountId account, T existing, ObjectNode patch) {
        ObjectNode merged = (ObjectNode) Json.tree(resource.wire(existing));
        for (var field : patch.properties()) {
            merged.set(field.getKey(), field.getValue());
        }
        List<String> warnings = resource.normalize(account, merged);
        return new Saved<>(resource.update(account, existing, merged), warnings);
    }

    public static <T> void register(
            HttpRules rules, String path, Function<ServerRequest, AccountId> auth, Resource<T> resource) {
        rules.get(path, (req, res) -> {
            AccountId account = auth.apply(req);
            PageRequest page = Http.pageRequest(req);
            Http.page(
                    req,
                    res,
                    page,
                    resource.list(account, listQuery(resource, req, page)).map(resource::wire));
        });
        rules.post(path, (req, res) -> {
            AccountId account = auth.apply(req);
            Saved<T> created = create(resource, account, Http.jsonObject(req));
            Http.created(
                    res,
                    path + "/" + resource.id(created.value()),
                    Http.withWarnings(resource.wire(created.value()), created.warnings()));
        });
        String item = path + "/{id}";
        rules.get(item, (req, res) -> {
            AccountId account = auth.apply(req);
            Http.ok(res, resource.wire(require(resource, account, req)));
        });
        io.helidon.webserver.http.Handler update = (req, res) -> {
            AccountId account = auth.apply(req);
            Saved<T> updated = update(resource, account, require(resource, account, req), Http.jsonObject(req));
            Http.ok(res, Http.withWarnings(resource.wire(updated.value()), updated.warnings()));
        };
        rules.put(item, update);
        rules.patch(item, update);
        rules.delete(item, (req, res) -> {
            AccountId account = auth.apply(req);
            resource.delete(account, require(resource, account, req));
            Http.noContent(res);
        });
    }

    /**
     * A POST action on one object ({@code path/{id}/name}) answering with the object it returns, e.g. a cap reset.
     */
    public static <T> void action(
            HttpRules rules,
            String path,
            String name,
            Function<ServerRequest, AccountId> auth,
            Resource<T> resource,
            BiFunction<AccountId, T, T> action) {
        rules.post(path + "/{id}/" + name, (req, res) -> {
            AccountId account = auth.apply(req);
            T existing = require(resource, account, req);
            Http.ok(res, resource.wire(action.apply(account, existing)));
        });
    }

    /** The list request of {@code request} for {@code resource} at {@code page}; a malformed id filter is a 400. */
    public static ListQuery listQuery(Resource<?> resource, ServerRequest request, PageRequest page) {
        Map<String, Long> ids = new LinkedHashMap<>();
        for (String name : resource.idFilters()) {
            Http.idQuery(request, name).ifPresent(id -> ids.put(name, id));
        }
        return new ListQuery(page, ids);
    }

    private static <T> T require(Resource<T> resource, AccountId account, ServerRequest req) {
        long id = Http.pathId(req, "id", resource.what());
        return resource.find(account, id)
                .orElseThrow(() -> new Problem.NotFound("no " + resource.what() + " with id " + id));
    }
}
