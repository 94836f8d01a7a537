package org.switchboard.platform.live;

/**
 * The shared live state did not answer in time or cannot be reached. Requests that need it fail fast with this, and
 * the edges turn it into a clear refusal (a 503, or an RTB {@code rejected} with an {@code info}), never a 500.
 */
public final class LiveStateUnavailable extends RuntimeException {
    public LiveStateUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
