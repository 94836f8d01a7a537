package org.switchboard.console;

import io.helidon.http.Status;
import java.util.Map;
import java.util.Optional;

/**
 * What one showing of the editor of a thing that belongs to an owner (a webhook, a conversion criterion) is made of:
 * the form as first opened, or brought back by {@link SaveFlow} with the user's input, the messages beside its fields
 * and, after a refused update, what someone else changed meanwhile.
 *
 * @param id the thing's id; empty on the "new" form
 * @param values the fields' values by input name
 * @param errors messages by input name
 * @param back where the editor's Back link and a finished save go
 * @param loaded the thing as stored, for the edit stamp ({@link EditGuard}); empty on the "new" form
 */
record OwnedEditor<T>(
        Status status,
        OwnerRef owner,
        Optional<Long> id,
        Map<String, String> values,
        Map<String, String> errors,
        String back,
        Optional<T> loaded,
        Optional<EditGuard.Conflict> conflict) {

    /** The "new" form with its starting values. */
    static <T> OwnedEditor<T> blank(OwnerRef owner, Map<String, String> values, String back) {
        return new OwnedEditor<>(
                Status.OK_200, owner, Optional.empty(), values, Map.of(), back, Optional.empty(), Optional.empty());
    }

    /** The "new" form brought back after a refused create (a thing not yet made has no conflict to show). */
    static <T> OwnedEditor<T> refusedNew(
            Status status, OwnerRef owner, Map<String, String> values, Map<String, String> errors, String back) {
        return new OwnedEditor<>(
                status, owner, Optional.empty(), values, errors, back, Optional.empty(), Optional.empty());
    }

    /** The editor of a stored thing, opened with its values. */
    static <T> OwnedEditor<T> stored(
            OwnerRef owner, long id, Map<String, String> values, String back, Optional<T> loaded) {
        return new OwnedEditor<>(
                Status.OK_200, owner, Optional.of(id), values, Map.of(), back, loaded, Optional.empty());
    }
}
