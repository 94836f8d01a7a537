package org.switchboard.console;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.secret.Secrets;

/**
 * Counts failed sign-ins per email and per client address over the last {@link #WINDOW} and says when one of them must
 * wait. The counts live in the live state, so with several nodes (live state in Redis) a guesser is counted across all
 * of them, not once per node. Failures are counted per minute (a counter per email or address and minute, expiring
 * after the window), so the window slides a minute at a time. Emails and addresses are stored as digests.
 */
public final class SignInThrottle {
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int PER_EMAIL = 5;
    static final int PER_ADDRESS = 20;

    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    private static final int MINUTES = (int) WINDOW.toMinutes();

    private final LiveState live;
    private final Clock clock;

    public SignInThrottle(LiveState live, Clock clock) {
        this.live = live;
        this.clock = clock;
    }

    /** How long until this email or address may try again, when either is over its limit. */
    public Optional<Duration> waitFor(String email, String address) {
        long now = clock.millis();
        Optional<Duration> byEmail = waitFor(emailKey(email), PER_EMAIL, now);
        Optional<Duration> byAddress = waitFor(addressKey(address), PER_ADDRESS, now);
        if (byEmail.isPresent() && byAddress.isPresent()) {
            return Optional.of(byEmail.get().compareTo(byAddress.get()) > 0 ? byEmail.get() : byAddress.get());
        }
        return byEmail.isPresent() ? byEmail : byAddress;
    }

    public void failed(String email, String address) {
        long minute = clock.millis() / MINUTE;
        Duration keep = WINDOW.plusMinutes(1);
        live.increment(emailKey(email) + minute, keep);
        live.increment(addressKey(address) + minute, keep);
    }

    /** A successful sign-in clears the email's failures (not the address's: one good account must not unlock many). */
    public void succeeded(String email) {
        long minute = clock.millis() / MINUTE;
        String key = emailKey(email);
        for (long m = minute - MINUTES + 1; m <= minute; m++) {
            live.delete(key + m);
        }
    }

    /**
     * When the counts of the window's minutes reach {@code limit}: the wait until enough of the oldest minutes have
     * left the window to bring them under it.
     */
    private Optional<Duration> waitFor(String key, int limit, long now) {
        long minute = now / MINUTE;
        long[] counts = new long[MINUTES];
        long total = 0;
        for (int i = 0; i < MINUTES; i++) {
            counts[i] = live.get(key + (minute - MINUTES + 1 + i))
                    .map(Long::parseLong)
                    .orElse(0L);
            total += counts[i];
        }
        for (int i = 0; i < MINUTES && total >= limit; i++) {
            total -= counts[i];
            if (total < limit) {
                long freedAt = (minute + 1 + i) * MINUTE;
                return Optional.of(Duration.ofMillis(freedAt - now));
            }
        }
        return Optional.empty();
    }

    private static String emailKey(String email) {
        return "signin:e:" + Secrets.digest(UserRepository.normalizeEmail(email)) + ":";
    }

    private static String addressKey(String address) {
        return "signin:a:" + Secrets.digest(address) + ":";
    }
}
