package org.switchboard.console;

import io.helidon.http.Status;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.problem.Problem;

/**
 * The save step the configuration editors share (webhooks, postback keys, conversion criteria): the API's own create
 * or update runs, and what it refuses brings the editor back with the user's input and the message beside its field;
 * an update over someone else's change since the form was loaded ({@link EditGuard}) is not saved and brings the
 * editor back naming what they changed (409).
 */
final class SaveFlow {
    private SaveFlow() {}

    /** Shows the editor again, with {@code values} in its fields. */
    interface Editor {
        void show(
                Status status,
                Map<String, String> values,
                Map<String, String> errors,
                Optional<EditGuard.Conflict> conflict);
    }

    /**
     * Runs {@code save} and hands its result to {@code saved} (audit, redirect); a refused value (400) or a refused
     * choice (403) shows the editor again, the message beside the field among {@code inputs} it names.
     */
    static <T> void create(Form form, Set<String> inputs, Editor editor, Supplier<T> save, Consumer<T> saved) {
        T result;
        try {
            result = save.get();
        } catch (Problem.Invalid | Problem.Forbidden e) {
            editor.show(
                    Status.create(HttpErrors.status(e)),
                    FormJson.values(form),
                    FormJson.error(e, inputs),
                    Optional.empty());
            return;
        }
        saved.accept(result);
    }

    /** As {@link #create}, after checking that the object is still as {@code loadedWire} when the form was loaded. */
    static <T> void update(
            Form form, Object loadedWire, Set<String> inputs, Editor editor, Supplier<T> save, Consumer<T> saved) {
        Optional<EditGuard.Conflict> conflict = EditGuard.check(form, loadedWire);
        if (conflict.isPresent()) {
            editor.show(Status.CONFLICT_409, FormJson.values(form), Map.of(), conflict);
            return;
        }
        create(form, inputs, editor, save, saved);
    }
}
