package org.switchboard.routing;

/**
 * Why routing left a buyer out, as a value: its kind (which the RTB engine answers as a word of its status table) and
 * its words for the call log and the RTB log ({@link #text()}), so no reader has to parse the words back into a kind.
 */
public sealed interface SkipReason {
    /** The sentence a campaign owner reads, exactly as the call log and the RTB log have always shown it. */
    String text();

    /** The buyer is paused. */
    record Paused() implements SkipReason {
        @Override
        public String text() {
            return "paused";
        }
    }

    /** Outside the buyer's hours of operation. */
    record Closed(String text) implements SkipReason {}

    /** The buyer's or one of its groups' tag filters does not match the call. */
    record Filtered(String text) implements SkipReason {}

    /** A caller list rules the caller out (suppressed, or not on an accept-only list), the buyer's or the campaign's. */
    record CallerListed(String text) implements SkipReason {}

    /** The campaign sends repeat callers to a new buyer and this one took the caller's last call. */
    record RepeatCaller(String text) implements SkipReason {}

    /** A cap of the buyer or one of its groups is full; {@code concurrency} when it is a concurrency cap. */
    record Capped(String text, boolean concurrency) implements SkipReason {}
}
