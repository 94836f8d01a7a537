package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.problem.Problem;

/**
 * What the configuration pages share: a save through the API's rules whose refusal comes back as the form with the
 * problem beside its field, and, after every change, the audit log entry. (The caches hear of the change from the
 * write itself, as after an API write.)
 */
public final class Configuring {
    /** A save that was refused: the form as sent with the problem, and the status to answer with. */
    public record Refusal(FormState form, Status status) {}

    private final Pages pages;
    private final AuditLog log;

    public Configuring(Pages pages, AuditLog log) {
        this.pages = pages;
        this.log = log;
    }

    public Pages pages() {
        return pages;
    }

    /** Runs {@code save}; a 400 or 409 from the API's rules becomes the refused form. */
    public static <T> Attempt<T> attempt(ConfigForm form, Form sent, Supplier<T> save) {
        try {
            return new Attempt<>(Optional.of(save.get()), Optional.empty());
        } catch (Problem.Invalid | Problem.Conflict e) {
            return new Attempt<>(
                    Optional.empty(),
                    Optional.of(new Refusal(form.refused(sent, e), Status.create(HttpErrors.status(e)))));
        }
    }

    /** The saved value, or why not. */
    public record Attempt<T>(Optional<T> saved, Optional<Refusal> refusal) {}

    /**
     * Why a save from {@code form} must be refused: someone else changed the object since the form was loaded
     * ({@link EditGuard}); the message names what they changed, from what to what.
     */
    public static Optional<String> conflict(Form form, Object current) {
        return EditGuard.check(form, current).map(c -> {
            List<String> changed = c.changes().stream()
                    .filter(change -> !change.field().equals("updated_at"))
                    .map(change -> change.field() + " from " + change.before().orElse("(none)") + " to "
                            + change.after().orElse("(none)"))
                    .toList();
            return "Someone else changed this since you opened it, so nothing was saved; your input is kept below. "
                    + (changed.isEmpty()
                            ? "They saved it without changing a field."
                            : "They changed: " + String.join("; ", changed) + ".")
                    + " Save again to overwrite it with your input.";
        });
    }

    /**
     * Records a change {@code who} made to {@code subject} in the audit log ({@code before} and {@code after} are its
     * wire forms, null where it did not exist).
     */
    public void changed(
            SignedIn who,
            ServerRequest req,
            AuditLog.Subject subject,
            String action,
            @Nullable Object before,
            @Nullable Object after) {
        log.record(who, req, action, subject, before, after, java.util.Set.of());
    }
}
