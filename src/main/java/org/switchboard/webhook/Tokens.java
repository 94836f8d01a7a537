package org.switchboard.webhook;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The system tokens a webhook can use at each trigger, for the console's token wizard: what the call flow has set by
 * the time the trigger fires. Any tag of the call is a token too; the wizard lists the account's recent tag keys
 * beside these. Pure.
 */
public final class Tokens {
    /** A token and what it holds. */
    public record Token(String name, String description) {
        public String bracketed() {
            return "[" + name + "]";
        }
    }

    private static final Set<Trigger> AFTER_SELECTION = EnumSet.of(
            Trigger.SELECTED,
            Trigger.ANSWERED,
            Trigger.TIMER,
            Trigger.CONNECT,
            Trigger.CONVERSION,
            Trigger.NON_CONVERSION,
            Trigger.POSTBACK,
            Trigger.ALWAYS);

    private static final Set<Trigger> AFTER_CALL =
            EnumSet.of(Trigger.CONNECT, Trigger.CONVERSION, Trigger.NON_CONVERSION, Trigger.POSTBACK, Trigger.ALWAYS);

    private static final Set<Trigger> CONVERTED = EnumSet.of(Trigger.CONVERSION, Trigger.POSTBACK, Trigger.ALWAYS);

    private Tokens() {}

    /** The system tokens with a value when {@code trigger} fires, in the order a person looks for them. */
    public static List<Token> at(Trigger trigger) {
        if (trigger == Trigger.WEBHOOK_DISABLED) {
            return List.of(
                    new Token("webhook_id", "the id of the webhook that was disabled"),
                    new Token("webhook_name", "its name"),
                    new Token("disabled_reason", "why: a 410 Gone answer, or every attempt failing for days"),
                    new Token("disabled_at", "when, as an ISO-8601 instant"));
        }
        List<Token> out = new ArrayList<>(List.of(
                new Token("call_uuid", "the call's unique id (send it to post data back to the call)"),
                new Token("caller_number", "the caller's number, E.164 (+13125550100)"),
                new Token("caller_id", "the caller id shown, E.164"),
                new Token("tracking_number", "the tracking number called"),
                new Token("campaign_id", "the campaign's id"),
                new Token("publisher_id", "the publisher's cid (else its id)"),
                new Token("source_id", "the same as publisher_id"),
                new Token("caller_zip", "the caller's zip code when known"),
                new Token("caller_state", "the caller's state (two letters) when known"),
                new Token("caller_country", "the caller's country code"),
                new Token("caller_area_code", "the caller's area code"),
                new Token("geo", "the caller's geo tags (us, us-ny, us-10101)"),
                new Token("repeat_caller", "true when the caller called before")));
        if (!AFTER_CALL.contains(trigger)) {
            out.add(new Token("call_key", "the call's secret key (only while the call is live)"));
        }
        if (trigger == Trigger.PASSTHROUGH || trigger == Trigger.DATA_APPENDING) {
            out.add(new Token("rtb_reservation_uuid", "the RTB ping's reservation, on a ping"));
        }
        if (AFTER_SELECTION.contains(trigger)) {
            out.add(new Token("handler_id", "the selected buyer's cid (else its id)"));
            out.add(new Token("system_buyer_id", "the selected buyer's id"));
        }
        if (AFTER_CALL.contains(trigger)) {
            out.add(new Token("call_duration", "the call's length in seconds"));
        }
        if (CONVERTED.contains(trigger)) {
            out.add(new Token("revenue", "what the buyer pays for the converted call"));
            out.add(new Token("payout", "what the publisher is paid for the converted call"));
        }
        return out;
    }
}
