package org.switchboard.platform.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.switchboard.platform.id.AccountId;

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

        Page<T> list(AccountId account, PageRequest page, ServerRequest request);

        Optional<T> find(AccountId account, long id);

        T create(AccountId account, ObjectNode body);

        T update(AccountId account, T existing, ObjectNode merged);

        /** Deletes, or throws {@link ApiException.Conflict} when the object is still in use. */
        void delete(AccountId account, T existing);

        /** The wire form (a record or map serialised as JSON). */
        Object wire(T value);
    }

    private CrudRoutes() {}

    public static <T> void register(
            HttpRules rules, String path, Function<ServerRequest, AccountId> auth, Resource<T> resource) {
        rules.get(path, (req, res) -> {
            AccountId account = auth.apply(req);
            PageRequest page = PageRequest.of(req);
            Http.page(req, res, page, resource.list(account, page, req).map(resource::wire));
        });
        rules.post(path, (req, res) -> {
            AccountId account = auth.apply(req);
            T created = resource.create(account, Http.jsonObject(req));
            Http.created(res, path + "/" + resource.id(created), resource.wire(created));
        });
        String item = path + "/{id}";
        rules.get(item, (req, res) -> {
            AccountId account = auth.apply(req);
            Http.ok(res, resource.wire(require(resource, account, req)));
        });
        io.helidon.webserver.http.Handler update = (req, res) -> {
            AccountId account = auth.apply(req);
            T existing = require(resource, account, req);
            ObjectNode patch = Http.jsonObject(req);
            ObjectNode merged = (ObjectNode) Json.tree(resource.wire(existing));
            for (var field : patch.properties()) {
                merged.set(field.getKey(), field.getValue());
            }
            Http.ok(res, resource.wire(resource.update(account, existing, merged)));
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

    private static <T> T require(Resource<T> resource, AccountId account, ServerRequest req) {
        long id = Http.pathId(req, "id", resource.what());
        return resource.find(account, id)
                .orElseThrow(() -> new ApiException.NotFound("no " + resource.what() + " with id " + id));
    }
}
