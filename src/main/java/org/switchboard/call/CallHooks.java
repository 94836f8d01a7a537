package org.switchboard.call;

import java.time.Duration;
import java.util.List;
import org.switchboard.buyer.Buyer;
import org.switchboard.platform.time.Deadline;
import org.switchboard.tag.TagSet;

/**
 * The points of a call where later features plug in (webhooks, conversions, RTB). Every method has a do-nothing
 * default; the call flow calls them in this order:
 *
 * <ol>
 *   <li>{@link #onStart} before routing, bounded by a deadline: data-appending, start and passthrough pings; the tags
 *       it returns replace the call's (so a returned zip can move the caller) before the buyers are chosen;
 *   <li>{@link #onSelected} each time a buyer is about to be dialled (again for the next buyer on failover);
 *   <li>{@link #onAnswered} when a buyer answers; then {@link #onTimer} once for each of {@link #connectedTimers}
 *       that the connected call reaches;
 *   <li>{@link #onEnd} when the call is over, whatever its outcome.
 * </ol>
 *
 * Hooks run on the thread serving the carrier's request (a virtual thread) and must not throw; a hook that fails is
 * logged and skipped, it never breaks the call. A hook that must not hold the carrier's reply (answered, timer, end)
 * does its slow work on a thread of its own and reports tags it learns through {@link LiveCall}.
 */
public interface CallHooks {
    CallHooks NONE = new CallHooks() {};

    /** The call's tags after the start pings (its own tags when nothing changed). */
    default TagSet onStart(Call call, Deadline deadline, LiveCall live) {
        return call.tags();
    }

    default void onSelected(Call call, Buyer buyer, LiveCall live) {}

    default void onAnswered(Call call, Buyer buyer, LiveCall live) {}

    /** Connected durations at which {@link #onTimer} should fire for this call. */
    default List<Duration> connectedTimers(Call call) {
        return List.of();
    }

    default void onTimer(Call call, Duration connectedFor, LiveCall live) {}

    default void onEnd(Call call, LiveCall live) {}
}
