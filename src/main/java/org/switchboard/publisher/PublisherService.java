package org.switchboard.publisher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

/** Publishers through the admin API: unique customer ids, no deletion while tracking numbers name one. */
public final class PublisherService implements CrudRoutes.Resource<Publisher> {
    private final PublisherRepository publishers;

    public PublisherService(PublisherRepository publishers) {
        this.publishers = publishers;
    }

    record PublisherOut(
            long id,
            @Nullable String cid,
            String name,
            Map<String, List<String>> tags,
            String createdAt,
            String updatedAt) {}

    private record PublisherIn(Optional<String> cid, String name, TagSet tags) {}

    @Override
    public String what() {
        return "publisher";
    }

    @Override
    public long id(Publisher value) {
        return value.id();
    }

    @Override
    public Page<Publisher> list(AccountId account, CrudRoutes.ListQuery query) {
        return publishers.list(account, query.page());
    }

    @Override
    public Optional<Publisher> find(AccountId account, long id) {
        return publishers.find(account, id);
    }

    @Override
    public Publisher create(AccountId account, ObjectNode body) {
        PublisherIn in = parse(account, body, 0);
        return publishers.insert(account, in.cid(), in.name(), in.tags());
    }

    @Override
    public Publisher update(AccountId account, Publisher existing, ObjectNode merged) {
        PublisherIn in = parse(account, merged, existing.id());
        return publishers.update(account, existing.id(), in.cid(), in.name(), in.tags());
    }

    @Override
    public void delete(AccountId account, Publisher existing) {
        long numbers = publishers.trackingNumberCount(existing.id());
        if (numbers > 0) {
            throw new Problem.Conflict(
                    null,
                    "publisher " + existing.id() + " is still set on " + numbers
                            + " tracking number(s); change or delete them first");
        }
        publishers.delete(account, existing.id());
    }

    @Override
    public Object wire(Publisher p) {
        return new PublisherOut(
                p.id(),
                p.cid().orElse(null),
                p.name(),
                p.tags().asMap(),
                p.createdAt().toString(),
                p.updatedAt().toString());
    }

    private PublisherIn parse(AccountId account, ObjectNode body, long selfId) {
        JsonFields fields = new JsonFields(body, "id", "created_at", "updated_at");
        var in = new PublisherIn(
                fields.optionalText("cid", 64),
                fields.requiredText("name", 200),
                TagSet.parse("tags", fields.take("tags").orElse(null)));
        fields.finish();
        in.cid().ifPresent(cid -> {
            if (publishers.cidTaken(account, cid, selfId)) {
                throw new Problem.Conflict("cid", "another publisher already uses cid '" + cid + "'");
            }
        });
        return in;
    }
}
