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
 *       it returns are added to the call before the buyers are chosen;
 *   <li>{@link #onSelected} each time a buyer is about to be dialled (again for the next buyer on failover);
 *   <li>{@link #onAnswered} when a buyer answers; then {@link #onTimer} once for each of {@link #connectedTimers}
 *       that the connected call reaches;
 *   <li>{@link #onEnd} when the call is over, whatever its outcome.
 * </ol>
 *
 * Hooks run on the thread serving the carrier's request (a virtual thread) and must not throw; a hook that fails is
 * logged and skipped, it never breaks the call.
 */
public interface CallHooks {
    CallHooks NONE = new CallHooks() {};

    default TagSet onStart(Call call, Deadline deadline) {
        return TagSet.empty();
    }

    default void onSelected(Call call, Buyer buyer) {}

    default void onAnswered(Call call, Buyer buyer) {}

    /** Connected durations at which {@link #onTimer} should fire for this call. */
    default List<Duration> connectedTimers(Call call) {
        return List.of();
    }

    default void onTimer(Call call, Duration connectedFor) {}

    default void onEnd(Call call) {}
}
