package org.switchboard.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;

/**
 * The account's users, for admins: invite one (a one-time set-password link shown to the admin; no mail server), change
 * a role, send a new link, remove one. An admin cannot change or remove themselves, so an account keeps an admin.
 */
public final class UsersPage {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    /** {@code link}: a set-password link just made (shown once), with whom it is for. */
    public record View(
            Frame frame,
            List<User> users,
            List<String> roles,
            Map<String, String> form,
            Map<String, String> fieldToError,
            Optional<String> link,
            Optional<String> linkFor) {}

    private final Pages pages;
    private final UserRepository users;
    private final Supplier<String> publicUrl;

    public UsersPage(Pages pages, UserRepository users, Supplier<String> publicUrl) {
        this.pages = pages;
        this.users = users;
        this.publicUrl = publicUrl;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/users", (req, res, who) -> {
            requireAdmin(who);
            show(res, Status.OK_200, who, Map.of(), Map.of(), Optional.empty());
        });
        pages.post(rules, "/users", Pages.Need.ADMIN, (req, res, who, form) -> invite(res, who, form));
        pages.post(rules, "/users/{id}/role", Pages.Need.ADMIN, (req, res, who, form) -> {
            User user = other(who, Http.pathId(req, "id", "user"));
            Role role = form.first("role")
                    .flatMap(Role::fromWord)
                    .orElseThrow(() -> new Problem.Invalid("role", "must be admin, manager or viewer"));
            users.setRole(who.account(), user.id(), role);
            Pages.redirect(res, "/users");
        });
        pages.post(rules, "/users/{id}/link", Pages.Need.ADMIN, (req, res, who, form) -> {
            User user = other(who, Http.pathId(req, "id", "user"));
            show(res, Status.OK_200, who, Map.of(), Map.of(), Optional.of(new Link(user, users.newPasswordLink(user))));
        });
        pages.post(rules, "/users/{id}/delete", Pages.Need.ADMIN, (req, res, who, form) -> {
            User user = other(who, Http.pathId(req, "id", "user"));
            users.delete(who.account(), user.id());
            Pages.redirect(res, "/users");
        });
    }

    private record Link(User user, String token) {}

    private void invite(ServerResponse res, SignedIn who, Form form) {
        Map<String, String> input = new LinkedHashMap<>();
        input.put("email", form.first("email").orElse("").strip());
        input.put("display_name", form.first("display_name").orElse("").strip());
        input.put("role", form.first("role").orElse("viewer"));
        Map<String, String> errors = new LinkedHashMap<>();
        String email = input.get("email");
        if (!EMAIL.matcher(email).matches() || email.length() > 254) {
            errors.put("email", "must be an email address such as ana@example.com");
        } else if (users.emailTaken(email)) {
            errors.put("email", "is already used by a user");
        }
        if (input.get("display_name").isEmpty() || input.get("display_name").length() > 200) {
            errors.put("display_name", "is required (at most 200 characters)");
        }
        Optional<Role> role = Role.fromWord(input.get("role"));
        if (role.isEmpty()) {
            errors.put("role", "must be admin, manager or viewer");
        }
        if (!errors.isEmpty()) {
            show(res, Status.BAD_REQUEST_400, who, input, errors, Optional.empty());
            return;
        }
        User user = users.create(who.account(), email, input.get("display_name"), role.get());
        show(res, Status.OK_200, who, Map.of(), Map.of(), Optional.of(new Link(user, users.newPasswordLink(user))));
    }

    private User other(SignedIn who, long id) {
        if (id == who.user().id()) {
            throw new Problem.Forbidden("You cannot change or remove yourself; ask another admin.");
        }
        return users.find(who.account(), id).orElseThrow(() -> new Problem.NotFound("no user " + id));
    }

    private static void requireAdmin(SignedIn who) {
        if (!who.role().managesUsers()) {
            throw new Problem.Forbidden("Only admins manage users.");
        }
    }

    private void show(
            ServerResponse res,
            Status status,
            SignedIn who,
            Map<String, String> input,
            Map<String, String> errors,
            Optional<Link> link) {
        pages.render(
                res,
                status,
                "users.jte",
                new View(
                        pages.frame("Users", "users", who),
                        users.list(who.account()),
                        Arrays.stream(Role.values()).map(Role::word).toList(),
                        input,
                        errors,
                        link.map(l -> publicUrl.get() + "/set_password/" + l.token()),
                        link.map(l -> l.user().email())));
    }
}
