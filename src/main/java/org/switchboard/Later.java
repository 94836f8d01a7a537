package org.switchboard;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A component that parts built before it call back into: the webhook worker and the conversions ask the call service
 * for a live call, and routing asks the RTB engine for a ping's reservation, yet the call service is built from the
 * conversions and the RTB engine from the routing (the graph has these two cycles). Set once, right after the
 * component is built; read only once requests or background work reach the parts that hold it.
 *
 * <p>A holder rather than lambdas on {@link Wiring}'s fields, so each builder that reaches forward says so in its
 * parameters and can be a plain static method.
 */
final class Later<T> {
    private final String what;
    /** Null until the component is built. */
    private volatile @Nullable T value;

    Later(String what) {
        this.what = what;
    }

    void set(T built) {
        if (value != null) {
            throw new IllegalStateException(what + " was already built");
        }
        value = Objects.requireNonNull(built, what);
    }

    T get() {
        T built = value;
        if (built == null) {
            throw new IllegalStateException(what + " is used before it was built");
        }
        return built;
    }
}
