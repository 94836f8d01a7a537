package org.switchboard.rtb;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** What waits on the RTB log's queue: a ping's row, an event on a logged reservation, or a flush marker. */
sealed interface RtbLogItem {

    record Insert(RtbPing ping) implements RtbLogItem {}

    record Claimed(String reservationUuid, String callUuid, Instant at) implements RtbLogItem {}

    record Confirmation(String reservationUuid, RtbStatus answer, Instant at) implements RtbLogItem {}

    record Expired(String reservationUuid, Instant at) implements RtbLogItem {}

    record Flush(CompletableFuture<Void> done) implements RtbLogItem {}

    /** The ping the item is about. */
    static String uuidOf(RtbLogItem item) {
        return switch (item) {
            case Insert i -> i.ping().uuid();
            case Claimed c -> c.reservationUuid();
            case Confirmation c -> c.reservationUuid();
            case Expired e -> e.reservationUuid();
            case Flush f -> throw new IllegalArgumentException("a flush marker is not a ping's");
        };
    }
}
