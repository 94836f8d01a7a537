package org.switchboard.console;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

/**
 * Optimistic concurrency for edit forms, so two people editing one object do not silently overwrite each other. The
 * form carries the object as it was loaded (its wire form, in the hidden field {@value #FIELD}); a save checks it
 * against the object as it is now, and when someone else changed it in between the save is refused with what they
 * changed ({@link Conflict}), so the page can show the difference beside the user's kept input.
 *
 * <p>The stamp is not a secret and needs no signature: it holds only what the editor was shown, and a tampered stamp
 * only defeats the editor's own conflict check. The check and the write are two steps, so two saves within the same
 * instant can still both pass; the audit log records both.
 */
public final class EditGuard {
    /** The hidden form field holding the stamp. */
    public static final String FIELD = "_loaded";

    /** Someone changed the object since the form was loaded: the fields they changed, from what to what. */
    public record Conflict(List<Changes.Change> changes) {}

    private EditGuard() {}

    /** The hidden field's value for an edit form showing {@code loaded} (the object's wire form). */
    public static String stamp(Object loaded) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(Json.tree(loaded)));
    }

    /**
     * The conflict between the form's stamp and {@code current} (the object's wire form now), if any. A form without
     * a readable stamp is a bad request: it was not made by the edit page.
     */
    public static Optional<Conflict> check(Form form, Object current) {
        String stamp = form.first(FIELD)
                .orElseThrow(
                        () -> new Problem.Invalid(FIELD, "is missing: reload the page and make your change again"));
        String loaded;
        try {
            loaded = new String(Base64.getUrlDecoder().decode(stamp), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Problem.Invalid(FIELD, "is not readable: reload the page and make your change again");
        }
        List<Changes.Change> changes;
        try {
            changes = Changes.between(Json.read(loaded), Json.tree(current), Set.of());
        } catch (RuntimeException e) {
            throw new Problem.Invalid(FIELD, "is not readable: reload the page and make your change again");
        }
        return changes.isEmpty() ? Optional.empty() : Optional.of(new Conflict(changes));
    }
}
