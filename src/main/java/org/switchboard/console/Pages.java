package org.switchboard.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.live.LiveStateUnavailable;
import org.switchboard.platform.problem.Problem;
import org.switchboard.platform.secret.Secrets;

/**
 * What every console page shares: a page needs a session (without one the browser is sent to sign in), a form post
 * also the session's CSRF token (403 without it) and a role that may change things; failures become pages, never
 * JSON or a stack trace: a missing object (or another account's) the one "not found" page.
 */
public final class Pages {
    private static final Logger LOG = Logger.getLogger(Pages.class.getName());

    /** A page handler, given the signed-in person. */
    @FunctionalInterface
    public interface View {
        void handle(ServerRequest request, ServerResponse response, SignedIn who);
    }

    /** A form handler, given the signed-in person and the posted form (its CSRF token already checked). */
    @FunctionalInterface
    public interface Action {
        void handle(ServerRequest request, ServerResponse response, SignedIn who, Form form);
    }

    /** What a form post needs besides a session and its CSRF token. */
    public enum Need {
        /** any role (signing out) */
        SESSION,
        /** a role that may change things (not a viewer) */
        CHANGE,
        /** a role that manages users */
        ADMIN
    }

    /** The console's message page: not found, forbidden, bad request or failure. */
    public record Message(Frame frame, String heading, String text) {}

    private final Templates templates;
    private final ConsoleSessions sessions;
    private final Assets assets;

    public Pages(Templates templates, ConsoleSessions sessions, Assets assets) {
        this.templates = templates;
        this.sessions = sessions;
        this.assets = assets;
    }

    public Frame frame(String title, String nav, SignedIn who) {
        return new Frame(title, nav, Optional.of(who), assets);
    }

    public Frame anonymousFrame(String title) {
        return new Frame(title, "", Optional.empty(), assets);
    }

    public ConsoleSessions sessions() {
        return sessions;
    }

    public void render(ServerResponse response, String template, Object model) {
        templates.send(response, Status.OK_200, template, model);
    }

    public void render(ServerResponse response, Status status, String template, Object model) {
        templates.send(response, status, template, model);
    }

    /** A GET page for any signed-in role. */
    public void get(HttpRules rules, String path, View view) {
        rules.get(
                path,
                (req, res) -> guarded(req, res, () -> {
                    Optional<SignedIn> who = sessions.find(req);
                    if (who.isEmpty()) {
                        toSignIn(req, res);
                        return;
                    }
                    view.handle(req, res, who.get());
                }));
    }

    /**
     * A form post: refused with 403 without the session's CSRF token or when the role lacks what {@code need} says.
     */
    public void post(HttpRules rules, String path, Need need, Action action) {
        rules.post(
                path,
                (req, res) -> guarded(req, res, () -> {
                    Optional<SignedIn> who = sessions.find(req);
                    if (who.isEmpty()) {
                        toSignIn(req, res);
                        return;
                    }
                    Form form = Form.parse(Http.body(req));
                    Optional<String> token = form.first("_csrf");
                    if (token.isEmpty()
                            || !Secrets.constantTimeEquals(
                                    token.get(), who.get().csrfToken())) {
                        throw new Problem.Forbidden(
                                "This form has expired or was not sent from this site. Go back, reload the page and try again.");
                    }
                    Role role = who.get().role();
                    boolean allowed = switch (need) {
                        case SESSION -> true;
                        case CHANGE -> role.canChange();
                        case ADMIN -> role.managesUsers();
                    };
                    if (!allowed) {
                        throw new Problem.Forbidden("Your role (" + role.word() + ") may not make this change.");
                    }
                    action.handle(req, res, who.get(), form);
                }));
    }

    /** Runs a page, turning the request errors into message pages. */
    public void guarded(ServerRequest req, ServerResponse res, Runnable page) {
        try {
            page.run();
        } catch (Problem.NotFound e) {
            message(
                    req,
                    res,
                    Status.NOT_FOUND_404,
                    "Not found",
                    "There is nothing here, or it belongs to another account.");
        } catch (Problem.Forbidden e) {
            message(req, res, Status.FORBIDDEN_403, "Not allowed", e.getMessage());
        } catch (Problem e) {
            message(
                    req,
                    res,
                    Status.create(HttpErrors.status(e)),
                    "That did not work",
                    e.field().map(f -> f + ": ").orElse("") + e.getMessage());
        } catch (LiveStateUnavailable e) {
            message(
                    req,
                    res,
                    Status.SERVICE_UNAVAILABLE_503,
                    "Try again in a moment",
                    "The shared live state is not answering, so this cannot be done right now.");
        } catch (RuntimeException e) {
            String requestId = UUID.randomUUID().toString();
            LOG.log(
                    Level.SEVERE,
                    "console request " + requestId + " " + req.prologue().method() + " "
                            + req.path().path() + " failed",
                    e);
            message(
                    req,
                    res,
                    Status.INTERNAL_SERVER_ERROR_500,
                    "Something went wrong",
                    "Unexpected error; quote request id " + requestId + " when reporting it.");
        }
    }

    private void message(ServerRequest req, ServerResponse res, Status status, String heading, String text) {
        Optional<SignedIn> who = sessions.find(req);
        Frame frame = new Frame(heading, "", who, assets);
        templates.send(res, status, "message.jte", new Message(frame, heading, text));
    }

    /** To the sign-in page, coming back here afterwards (htmx requests are told to navigate instead). */
    private static void toSignIn(ServerRequest req, ServerResponse res) {
        String back = req.prologue().method() == Method.GET
                ? req.path().rawPath()
                        + (req.query().rawValue().isEmpty()
                                ? ""
                                : "?" + req.query().rawValue())
                : "/";
        String target = "/sign_in?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
        if (req.headers().contains(HeaderNames.create("HX-Request"))) {
            res.header("HX-Redirect", target);
            res.status(Status.UNAUTHORIZED_401);
            res.send();
            return;
        }
        redirect(res, target);
    }

    public static void redirect(ServerResponse res, String location) {
        Templates.securityHeaders(res);
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    /** A local path to go back to after sign-in; anything else (another site, a scheme) goes to the dashboard. */
    static String safeNext(Optional<String> next) {
        return next.filter(n -> n.startsWith("/") && !n.startsWith("//") && !n.startsWith("/\\"))
                .orElse("/dashboard");
    }
}
