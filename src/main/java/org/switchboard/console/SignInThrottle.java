package org.switchboard.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed sign-ins per email and per client address in a sliding window and says when one of them must wait.
 * Kept in memory (one node; a shared live state would count across nodes): a restart forgets the counts, which costs an attacker nothing they could not get by waiting.
 */
public final class SignInThrottle {
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int PER_EMAIL = 5;
    static final int PER_ADDRESS = 20;

    private final Clock clock;
    private final Map<String, Deque<Instant>> emailToFailures = new HashMap<>();
    private final Map<String, Deque<Instant>> addressToFailures = new HashMap<>();

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long until this email or address may try again, when either is over its limit. */
    public synchronized Optional<Duration> waitFor(String email, String address) {
        Instant now = clock.instant();
        Optional<Duration> byEmail = waitFor(emailToFailures, email, PER_EMAIL, now);
        Optional<Duration> byAddress = waitFor(addressToFailures, address, PER_ADDRESS, now);
        if (byEmail.isPresent() && byAddress.isPresent()) {
            return Optional.of(byEmail.get().compareTo(byAddress.get()) > 0 ? byEmail.get() : byAddress.get());
        }
        return byEmail.isPresent() ? byEmail : byAddress;
    }

    public synchronized void failed(String email, String address) {
        Instant now = clock.instant();
        note(emailToFailures, email, now);
        note(addressToFailures, address, now);
    }

    /** A successful sign-in clears the email's failures (not the address's: one good account must not unlock many). */
    public synchronized void succeeded(String email) {
        emailToFailures.remove(email);
    }

    private static void note(Map<String, Deque<Instant>> keyToFailures, String key, Instant now) {
        Deque<Instant> failures = keyToFailures.computeIfAbsent(key, k -> new ArrayDeque<>());
        prune(failures, now);
        failures.addLast(now);
    }

    private static Optional<Duration> waitFor(
            Map<String, Deque<Instant>> keyToFailures, String key, int limit, Instant now) {
        Deque<Instant> failures = keyToFailures.get(key);
        if (failures == null) {
            return Optional.empty();
        }
        prune(failures, now);
        if (failures.size() < limit) {
            return Optional.empty();
        }
        // the failure that put the key at its limit must leave the window before another try
        Instant[] all = failures.toArray(Instant[]::new);
        Instant freedAt = all[failures.size() - limit].plus(WINDOW);
        return Optional.of(Duration.between(now, freedAt));
    }

    private static void prune(Deque<Instant> failures, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(cutoff)) {
            failures.pollFirst();
        }
    }
}
