package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.function.Supplier;
import org.switchboard.platform.http.ApiException;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Json;

/**
 * What the configuration pages share: a save through the API's rules whose refusal comes back as the form with the
 * problem beside its field, and, after every change, the audit log entry and the note that configuration changed (so
 * routing and the RTB caches read it again, as after an API write).
 */
public final class Configuring {
    /** Where changes are recorded: who, from where, which object, what it was and became. */
    @FunctionalInterface
    public interface ChangeLog {
        void record(SignedIn who, String address, String object, String action, String before, String after);
    }

    /** A save that was refused: the form as sent with the problem, and the status to answer with. */
    public record Refusal(FormState form, Status status) {}

    private final Pages pages;
    private final Runnable changed;
    private final ChangeLog log;

    public Configuring(Pages pages, Runnable changed, ChangeLog log) {
        this.pages = pages;
        this.changed = changed;
        this.log = log;
    }

    public Pages pages() {
        return pages;
    }

    /** Runs {@code save}; a 400 or 409 from the API's rules becomes the refused form. */
    public static <T> Attempt<T> attempt(ConfigForm form, Form sent, Supplier<T> save) {
        try {
            return new Attempt<>(Optional.of(save.get()), Optional.empty());
        } catch (ApiException.BadRequest | ApiException.Conflict e) {
            return new Attempt<>(
                    Optional.empty(), Optional.of(new Refusal(form.refused(sent, e), Status.create(e.status()))));
        }
    }

    /** The saved value, or why not. */
    public record Attempt<T>(Optional<T> saved, Optional<Refusal> refusal) {}

    /**
     * Records a change made by {@code who}: {@code object} names it ("campaign 12"), {@code before} and
     * {@code after} are its wire forms (null when it did not exist before or does not after).
     */
    public void changed(
            SignedIn who, ServerRequest req, String object, String action, Object before, Object after) {
        changed.run();
        log.record(who, req.remotePeer().host(), object, action, json(before), json(after));
    }

    private static String json(Object wire) {
        return wire == null ? "" : Json.writeString(wire);
    }
}
