package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;

/**
 * Signing in and out, and setting a password through a one-time link. A wrong password and an unknown email get the
 * same answer after the same work; too many failures for one email or from one address make both wait.
 */
public final class SignInPage {
    static final String WRONG = "The email or password is not right.";

    public record View(Frame frame, String csrf, String email, String next, Optional<String> error) {}

    public record PasswordView(Frame frame, String csrf, String email, Optional<String> error) {}

    private final Pages pages;
    private final UserRepository users;
    private final Passwords passwords;
    private final SignInThrottle throttle;

    public SignInPage(Pages pages, UserRepository users, Passwords passwords, SignInThrottle throttle) {
        this.pages = pages;
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
    }

    public void register(HttpRules rules) {
        rules.get(
                "/sign_in",
                (req, res) -> pages.guarded(req, res, () -> {
                    String next = Pages.safeNext(Http.query(req, "next"));
                    if (pages.sessions().find(req).isPresent()) {
                        Pages.redirect(res, next);
                        return;
                    }
                    show(req, res, Status.OK_200, "", next, Optional.empty());
                }));
        rules.post("/sign_in", (req, res) -> pages.guarded(req, res, () -> signIn(req, res)));
        pages.post(rules, "/sign_out", Pages.Need.SESSION, (req, res, who, form) -> {
            pages.sessions().end(req, res);
            Pages.redirect(res, "/sign_in");
        });
        rules.get(
                "/set_password/{token}",
                (req, res) -> pages.guarded(req, res, () -> {
                    User user = linkUser(req);
                    showPassword(req, res, Status.OK_200, user, Optional.empty());
                }));
        rules.post("/set_password/{token}", (req, res) -> pages.guarded(req, res, () -> setPassword(req, res)));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        Form form = Form.parse(Http.body(req));
        checkCsrf(req, form);
        String email = UserRepository.normalizeEmail(form.first("email").orElse(""));
        String password = form.first("password").orElse("");
        String next = Pages.safeNext(form.first("next"));
        String address = req.remotePeer().host();
        Optional<Duration> wait = throttle.waitFor(email, address);
        if (wait.isPresent()) {
            long minutes = Math.max(1, (wait.get().toSeconds() + 59) / 60);
            show(
                    req,
                    res,
                    Status.TOO_MANY_REQUESTS_429,
                    email,
                    next,
                    Optional.of("Too many failed sign-ins for this email or from this address. Try again in " + minutes
                            + (minutes == 1 ? " minute." : " minutes.")));
            return;
        }
        Optional<UserRepository.Credentials> found = users.credentials(email);
        boolean match = passwords.matches(password, found.flatMap(UserRepository.Credentials::passwordHash));
        if (!match) {
            throttle.failed(email, address);
            show(req, res, Status.UNAUTHORIZED_401, email, next, Optional.of(WRONG));
            return;
        }
        throttle.succeeded(email);
        pages.sessions().start(res, found.get().user());
        Pages.redirect(res, next);
    }

    private void setPassword(ServerRequest req, ServerResponse res) {
        User user = linkUser(req);
        Form form = Form.parse(Http.body(req));
        checkCsrf(req, form);
        String password = form.first("password").orElse("");
        Optional<String> problem = Passwords.problem(password);
        if (problem.isEmpty() && !password.equals(form.first("confirm").orElse(""))) {
            problem = Optional.of("the two passwords differ");
        }
        if (problem.isPresent()) {
            showPassword(req, res, Status.BAD_REQUEST_400, user, Optional.of("Password " + problem.get()));
            return;
        }
        String token = req.path().pathParameters().get("token");
        if (!users.setPasswordWithLink(token, passwords.hash(password))) {
            throw new Problem.NotFound("link used or expired");
        }
        pages.sessions().start(res, user);
        Pages.redirect(res, "/dashboard");
    }

    private User linkUser(ServerRequest req) {
        return users.findByPasswordLink(req.path().pathParameters().get("token"))
                .orElseThrow(() -> new Problem.NotFound("no such link"));
    }

    private void checkCsrf(ServerRequest req, Form form) {
        if (!pages.sessions().preSessionCsrfValid(req, form.first("_csrf"))) {
            throw new Problem.Forbidden(
                    "This form has expired or was not sent from this site. Go back, reload the page and try again.");
        }
    }

    private void show(
            ServerRequest req, ServerResponse res, Status status, String email, String next, Optional<String> error) {
        String csrf = pages.sessions().preSessionCsrf(req, res);
        pages.render(res, status, "sign_in.jte", new View(pages.anonymousFrame("Sign in"), csrf, email, next, error));
    }

    private void showPassword(ServerRequest req, ServerResponse res, Status status, User user, Optional<String> error) {
        String csrf = pages.sessions().preSessionCsrf(req, res);
        pages.render(
                res,
                status,
                "set_password.jte",
                new PasswordView(pages.anonymousFrame("Set your password"), csrf, user.email(), error));
    }
}
