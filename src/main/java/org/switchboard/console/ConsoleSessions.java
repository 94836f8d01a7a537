package org.switchboard.console;

import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.secret.Secrets;

/**
 * Browser sessions: a random token in an {@code HttpOnly}, {@code SameSite=Lax} cookie ({@code Secure} when the
 * public URL is https), looked up by its digest, ending after {@link #IDLE} without use or at sign-out. A session's
 * CSRF token is derived from its token, so it needs no storage and changes with every session.
 */
public final class ConsoleSessions {
    public static final String COOKIE = "sb_session";
    /** Carries a random value before sign-in, so the sign-in and set-password forms have a CSRF token too. */
    public static final String PRE_SESSION_COOKIE = "sb_pre";

    public static final Duration IDLE = Duration.ofHours(12);
    /** Use of a session is written at most this often, so page loads do not each write a row. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final UserRepository users;
    private final Clock clock;
    private final boolean secure;

    public ConsoleSessions(UserRepository users, Clock clock, boolean secure) {
        this.users = users;
        this.clock = clock;
        this.secure = secure;
    }

    /** The signed-in person, when the request carries a live session. */
    public Optional<SignedIn> find(ServerRequest request) {
        Optional<String> token = cookie(request, COOKIE);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Optional<UserRepository.Session> session = users.findSession(token.get());
        if (session.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant seen = session.get().lastSeenAt();
        if (seen.plus(IDLE).isBefore(now)) {
            users.endSession(token.get());
            return Optional.empty();
        }
        if (seen.plus(TOUCH_EVERY).isBefore(now)) {
            users.touchSession(token.get());
        }
        return Optional.of(new SignedIn(session.get().user(), csrfFor(token.get())));
    }

    /** The account of a signed-in browser, for the read-only JSON endpoints the pages link to (CSV, HAR). */
    public Optional<AccountId> account(ServerRequest request) {
        return find(request).map(SignedIn::account);
    }

    public void start(ServerResponse response, User user) {
        users.endIdleSessions(clock.instant().minus(IDLE));
        String token = users.startSession(user);
        response.headers().addCookie(cookie(COOKIE, token).build());
    }

    /** Ends the request's session in the store and in the browser. */
    public void end(ServerRequest request, ServerResponse response) {
        cookie(request, COOKIE).ifPresent(users::endSession);
        response.headers().addCookie(cookie(COOKIE, "").maxAge(Duration.ZERO).build());
    }

    /**
     * The CSRF token of a form shown before sign-in: derived from a random pre-session cookie, which is set now when
     * the browser has none.
     */
    public String preSessionCsrf(ServerRequest request, ServerResponse response) {
        String value = cookie(request, PRE_SESSION_COOKIE).orElseGet(() -> {
            String fresh = Secrets.randomBase58(32);
            response.headers().addCookie(cookie(PRE_SESSION_COOKIE, fresh).build());
            return fresh;
        });
        return csrfFor(value);
    }

    /** Whether a form posted before sign-in carries the token of the browser's pre-session cookie. */
    public boolean preSessionCsrfValid(ServerRequest request, Optional<String> presented) {
        Optional<String> value = cookie(request, PRE_SESSION_COOKIE);
        return value.isPresent()
                && presented.isPresent()
                && Secrets.constantTimeEquals(csrfFor(value.get()), presented.get());
    }

    static String csrfFor(String token) {
        return Secrets.digest("csrf:" + token);
    }

    private SetCookie.Builder cookie(String name, String value) {
        return SetCookie.builder(name, value)
                .path("/")
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.LAX)
                .secure(secure);
    }

    private static Optional<String> cookie(ServerRequest request, String name) {
        return request.headers().cookies().first(name).asOptional().filter(value -> !value.isBlank());
    }
}
