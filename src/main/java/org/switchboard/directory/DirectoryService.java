package org.switchboard.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;

/**
 * Directories through the admin API ({@code /api/v2/directories}): a name and up to 100 entries, each a name and a
 * destination (E.164 or SIP URI), names unique within the directory. A directory named by a Call Transfer key cannot
 * be deleted.
 */
public final class DirectoryService implements CrudRoutes.Resource<Directory> {
    static final int MAX_ENTRIES = 100;

    private final DirectoryRepository directories;
    private final BiFunction<AccountId, Long, Long> transferKeysUsing;

    /** {@code transferKeysUsing}: how many Call Transfer keys of the account name the directory. */
    public DirectoryService(DirectoryRepository directories, BiFunction<AccountId, Long, Long> transferKeysUsing) {
        this.directories = directories;
        this.transferKeysUsing = transferKeysUsing;
    }

    record DirectoryOut(long id, String name, List<Directory.Entry> entries, String createdAt, String updatedAt) {}

    @Override
    public String what() {
        return "directory";
    }

    @Override
    public long id(Directory value) {
        return value.id();
    }

    @Override
    public Page<Directory> list(AccountId account, CrudRoutes.ListQuery query) {
        return directories.list(account, query.page());
    }

    @Override
    public Optional<Directory> find(AccountId account, long id) {
        return directories.find(account, id);
    }

    @Override
    public Directory create(AccountId account, ObjectNode body) {
        JsonFields fields = new JsonFields(body, "id", "created_at", "updated_at");
        String name = fields.requiredText("name", 200);
        List<Directory.Entry> entries = entries(fields.take("entries"));
        fields.finish();
        return directories.insert(account, name, entries);
    }

    @Override
    public Directory update(AccountId account, Directory existing, ObjectNode merged) {
        JsonFields fields = new JsonFields(merged, "id", "created_at", "updated_at");
        String name = fields.requiredText("name", 200);
        List<Directory.Entry> entries = entries(fields.take("entries"));
        fields.finish();
        return directories.update(account, existing.id(), name, entries);
    }

    @Override
    public void delete(AccountId account, Directory existing) {
        long keys = transferKeysUsing.apply(account, existing.id());
        if (keys > 0) {
            throw new Problem.Conflict(
                    null,
                    "directory " + existing.id() + " is used by " + keys
                            + " call transfer key(s); change or delete them first");
        }
        directories.delete(account, existing.id());
    }

    @Override
    public Object wire(Directory d) {
        return new DirectoryOut(
                d.id(),
                d.name(),
                d.entries(),
                d.createdAt().toString(),
                d.updatedAt().toString());
    }

    private static List<Directory.Entry> entries(Optional<JsonNode> given) {
        if (given.isEmpty() || given.get().isNull()) {
            return List.of();
        }
        if (!given.get().isArray()) {
            throw new Problem.Invalid("entries", "must be an array of {\"name\", \"destination\"}");
        }
        if (given.get().size() > MAX_ENTRIES) {
            throw new Problem.Invalid("entries", "may hold at most " + MAX_ENTRIES + " entries");
        }
        List<Directory.Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode node : given.get()) {
            String field = "entries[" + index++ + "]";
            if (!node.isObject()) {
                throw new Problem.Invalid(field, "must be an object with name and destination");
            }
            JsonFields entry = new JsonFields((ObjectNode) node.deepCopy());
            String name = Problem.Invalid.under(field, () -> entry.requiredText("name", 100));
            String destination = PhoneNumbers.requireDialable(
                    field + ".destination", Problem.Invalid.under(field, () -> entry.requiredText("destination", 512)));
            Problem.Invalid.under(field, () -> {
                entry.finish();
                return null;
            });
            if (!names.add(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new Problem.Invalid(field + ".name", "'" + name + "' is already an entry's name");
            }
            entries.add(new Directory.Entry(name, destination));
        }
        return entries;
    }
}
