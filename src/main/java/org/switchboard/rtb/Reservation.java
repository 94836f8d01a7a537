package org.switchboard.rtb;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.switchboard.platform.id.AccountId;

/**
 * A buyer held for one caller by an RTB ping, until a call from {@code callerNumber} to {@code inboundNumber} claims
 * it or {@code expiresAt} passes. {@code capsHeld}: the buyer's caps already count it (the key adds to caps on
 * reservation, or the publisher confirmed it), so the call must not count it again and an expiry must give the units
 * back. {@code payout} is exact (the publisher's payout as answered, in dollars); {@code seconds} is the conversion
 * buffer answered with it. {@code inboundNamed}: the ping named its inbound number ({@code inbound_number}), so its
 * call is not tagged with that tracking number's tags (the reference's overridden routing paths).
 */
public record Reservation(
        String uuid,
        AccountId accountId,
        long campaignId,
        long keyId,
        Optional<Long> publisherId,
        long buyerId,
        String callerNumber,
        String inboundNumber,
        Optional<BigDecimal> payout,
        OptionalInt seconds,
        boolean capsHeld,
        boolean routeOnlyToReserved,
        boolean inboundNamed,
        Instant createdAt,
        Instant expiresAt) {

    public Reservation {
        if (!isUuid(uuid)) {
            throw new IllegalArgumentException("a reservation uuid is a lower-case UUID, not " + uuid);
        }
        requireE164("callerNumber", callerNumber);
        requireE164("inboundNumber", inboundNumber);
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("a reservation must expire after it is made");
        }
        if (payout.isPresent() && payout.get().signum() < 0) {
            throw new IllegalArgumentException("a payout is never negative");
        }
        if (seconds.isPresent() && seconds.getAsInt() < 0) {
            throw new IllegalArgumentException("conversion seconds are never negative");
        }
    }

    /** The canonical lower-case form ({@code UUID.toString()}), checked by hand: this runs on every decode. */
    static boolean isUuid(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23)
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code +} and 2 to 15 digits, the first not 0: the shape of E.164 (validity was checked when it was parsed). */
    private static void requireE164(String field, String number) {
        boolean ok = number != null && number.length() >= 3 && number.length() <= 16 && number.charAt(0) == '+';
        for (int i = 1; ok && i < number.length(); i++) {
            char c = number.charAt(i);
            ok = c >= '0' && c <= '9' && !(i == 1 && c == '0');
        }
        if (!ok) {
            throw new IllegalArgumentException(field + " must be an E.164 number, not " + number);
        }
    }

    /** Whether it can still be claimed at {@code now} (not yet past its TTL). */
    public boolean liveAt(Instant now) {
        return expiresAt.isAfter(now);
    }

    public Reservation withCapsHeld() {
        return new Reservation(
                uuid,
                accountId,
                campaignId,
                keyId,
                publisherId,
                buyerId,
                callerNumber,
                inboundNumber,
                payout,
                seconds,
                true,
                routeOnlyToReserved,
                inboundNamed,
                createdAt,
                expiresAt);
    }
}
