package org.switchboard.rtb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.rtb.ReservationStore.Confirmation;
import org.switchboard.rtb.ReservationStore.Found;
import org.switchboard.rtb.ReservationStore.Phase;

/**
 * The reservations of a {@link ReservationStore} as live-state keys, for a store several nodes share (Redis).
 *
 * <p>Keys (all expire on their own, so a crashed node leaves nothing behind for long), where ID is the UUID in 22
 * URL-safe base64 characters ({@link #compact}):
 * <ul>
 *   <li>{@code rtb:r:ID}: the reservation, its phase first ({@code R} reserved, {@code F} confirmed, {@code C}
 *       claimed, {@code X} expired), then its fields in a compact line. Every change of phase is one
 *       compare-and-set ({@link LiveState#replace}) from the exact value read, so a claim, a confirmation and an
 *       expiry racing each other cannot both win.
 *   <li>{@code rtb:c:INBOUND:CALLER}: the ID, until the TTL: what an arriving call finds. Claiming takes it
 *       ({@code GETDEL}), so the number stops routing to the reservation at once, and after the TTL it is gone.
 *   <li>{@code rtb:k:KEY_ID:CALLER}: the ID, until the TTL: what the ping shield finds for a repeat ping.
 *   <li>the schedule {@code rtb:expiry}: record keys by expiry instant, popped once by {@link #takeExpired}.
 * </ul>
 */
final class KeyedReservations implements ReservationStore.Storage {
    static final String EXPIRY_QUEUE = "rtb:expiry";
    private static final Duration LINGER = ReservationStore.LINGER;
    private static final Duration UNPROCESSED_GRACE = ReservationStore.UNPROCESSED_GRACE;

    private final LiveState live;
    private final Clock clock;

    KeyedReservations(LiveState live, Clock clock) {
        this.live = live;
        this.clock = clock;
    }

    @Override
    public boolean reserve(Reservation reservation, Duration ttl) {
        // the reservation is stored before its claim key, so a call that finds the key always finds the reservation
        String id = compact(reservation.uuid());
        String recordKey = recordKey(id);
        live.put(recordKey, Phase.RESERVED.code + encode(reservation), ttl.plus(UNPROCESSED_GRACE));
        if (!live.putIfAbsent(claimKey(reservation.inboundNumber(), reservation.callerNumber()), id, ttl)) {
            live.delete(recordKey);
            return false;
        }
        live.put(shieldKey(reservation.keyId(), reservation.callerNumber()), id, ttl);
        // the member is the record's key itself: in memory the schedule then shares that string instead of a copy
        live.schedule(EXPIRY_QUEUE, recordKey, reservation.expiresAt());
        return true;
    }

    @Override
    public Optional<Found> findByUuid(String uuid) {
        return findById(compact(uuid));
    }

    @Override
    public LiveState.Guarded markUnlessHeld(
            String markerKey, String value, Duration ttl, long keyId, String callerNumber) {
        return live.putIfAbsentUnless(markerKey, value, ttl, shieldKey(keyId, callerNumber));
    }

    private Optional<Found> findById(String id) {
        return live.get(recordKey(id)).map(raw -> found(uuidOf(id), raw, clock.instant()));
    }

    @Override
    public Optional<Reservation> findActive(String inboundNumber, String callerNumber) {
        return live.get(claimKey(inboundNumber, callerNumber)).flatMap(this::open);
    }

    @Override
    public Optional<Reservation> findActiveForCaller(long keyId, String callerNumber) {
        return live.get(shieldKey(keyId, callerNumber)).flatMap(this::open);
    }

    private Optional<Reservation> open(String id) {
        return findById(id).filter(found -> found.phase().open()).map(Found::reservation);
    }

    @Override
    public Optional<Reservation> claim(String inboundNumber, String callerNumber) {
        Optional<String> id = live.take(claimKey(inboundNumber, callerNumber));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<Reservation> claimed = transition(id.get(), Phase.CLAIMED);
        claimed.ifPresent(r -> live.deleteIfEquals(shieldKey(r.keyId(), r.callerNumber()), id.get()));
        return claimed;
    }

    @Override
    public Confirmation confirm(String uuid) {
        String key = recordKey(compact(uuid));
        while (true) {
            Optional<String> raw = live.get(key);
            if (raw.isEmpty()) {
                return new Confirmation.NotOpen(Optional.empty());
            }
            Instant now = clock.instant();
            Found found = found(uuid, raw.get(), now);
            switch (found.phase()) {
                case CONFIRMED -> {
                    return new Confirmation.AlreadyConfirmed(found.reservation());
                }
                case CLAIMED, EXPIRED -> {
                    return new Confirmation.NotOpen(Optional.of(found.phase()));
                }
                case RESERVED -> {
                    Reservation confirmed = found.reservation().withCapsHeld();
                    Duration ttl = Duration.between(now, confirmed.expiresAt()).plus(UNPROCESSED_GRACE);
                    if (live.replace(key, raw.get(), Phase.CONFIRMED.code + encode(confirmed), ttl)) {
                        return new Confirmation.Confirmed(confirmed);
                    }
                    // claimed, expired or confirmed meanwhile: read it again
                }
            }
        }
    }

    @Override
    public List<Reservation> takeExpired(Instant now, int max) {
        List<Reservation> expired = new ArrayList<>();
        for (String recordKey : live.takeDue(EXPIRY_QUEUE, now, max)) {
            String id = recordKey.substring(RECORD_PREFIX.length());
            transition(id, Phase.EXPIRED).ifPresent(r -> {
                live.deleteIfEquals(shieldKey(r.keyId(), r.callerNumber()), id);
                live.deleteIfEquals(claimKey(r.inboundNumber(), r.callerNumber()), id);
                expired.add(r);
            });
        }
        return expired;
    }

    /**
     * Moves an open reservation to a final phase with one compare-and-set, retried while a confirmation changes it
     * underneath; empty when it is gone or already final. A claim must come before the TTL; an expiry after it.
     */
    private Optional<Reservation> transition(String id, Phase target) {
        String key = recordKey(id);
        while (true) {
            Optional<String> raw = live.get(key);
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            Phase phase = Phase.of(raw.get().charAt(0));
            if (!phase.open()) {
                return Optional.empty();
            }
            Instant now = clock.instant();
            Reservation reservation = decode(uuidOf(id), raw.get());
            boolean unexpired = reservation.liveAt(now);
            if (target == Phase.CLAIMED && !unexpired) {
                return Optional.empty();
            }
            if (target == Phase.EXPIRED && unexpired) {
                // asked too early (a clock ahead of this one): put it back for its real time
                live.schedule(EXPIRY_QUEUE, key, reservation.expiresAt());
                return Optional.empty();
            }
            if (live.replace(key, raw.get(), target.code + raw.get().substring(1), LINGER)) {
                return Optional.of(reservation);
            }
        }
    }

    private static Found found(String uuid, String raw, Instant now) {
        return Found.at(decode(uuid, raw), Phase.of(raw.charAt(0)), now);
    }

    private static final String RECORD_PREFIX = "rtb:r:";

    static String recordKey(String id) {
        return RECORD_PREFIX + id;
    }

    /**
     * A UUID in 22 URL-safe base64 characters instead of 36: it appears in four keys and values of every
     * reservation, so this saves about 60 bytes of memory per reservation.
     */
    static String compact(String uuid) {
        UUID parsed = UUID.fromString(uuid);
        byte[] bytes = new byte[16];
        LONGS.set(bytes, 0, parsed.getMostSignificantBits());
        LONGS.set(bytes, 8, parsed.getLeastSignificantBits());
        return BASE64.encodeToString(bytes);
    }

    static String uuidOf(String compact) {
        byte[] bytes = Base64.getUrlDecoder().decode(compact);
        return new UUID((long) LONGS.get(bytes, 0), (long) LONGS.get(bytes, 8)).toString();
    }

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static String claimKey(String inboundNumber, String callerNumber) {
        return "rtb:c:" + inboundNumber + ":" + callerNumber;
    }

    static String shieldKey(long keyId, String callerNumber) {
        return "rtb:k:" + keyId + ":" + callerNumber;
    }

    // --- the compact line ---------------------------------------------------------------------------------------

    private static final int FLAG_CAPS_HELD = 1;
    private static final int FLAG_ROUTE_ONLY_TO_RESERVED = 2;
    private static final int FLAG_INBOUND_NAMED = 4;

    /**
     * {@code account|campaign|key|publisher|buyer|caller|inbound|payout|seconds|flags|createdAt|ttlMillis}: decimal
     * ids, E.164 numbers, the payout's exact plain decimal, epoch milliseconds; absent values are empty. The UUID is
     * the key. About 70 characters.
     */
    static String encode(Reservation r) {
        StringBuilder line = new StringBuilder(96);
        line.append(r.accountId().value()).append('|');
        line.append(r.campaignId()).append('|');
        line.append(r.keyId()).append('|');
        r.publisherId().ifPresent(line::append);
        line.append('|').append(r.buyerId()).append('|');
        line.append(r.callerNumber()).append('|');
        line.append(r.inboundNumber()).append('|');
        r.payout().ifPresent(payout -> line.append(payout.toPlainString()));
        line.append('|');
        r.seconds().ifPresent(line::append);
        line.append('|');
        line.append((r.capsHeld() ? FLAG_CAPS_HELD : 0)
                | (r.routeOnlyToReserved() ? FLAG_ROUTE_ONLY_TO_RESERVED : 0)
                | (r.inboundNamed() ? FLAG_INBOUND_NAMED : 0));
        line.append('|').append(r.createdAt().toEpochMilli());
        line.append('|').append(r.expiresAt().toEpochMilli() - r.createdAt().toEpochMilli());
        return line.toString();
    }

    /** Reads a stored value: its phase character, then the line {@link #encode} wrote. */
    static Reservation decode(String uuid, String raw) {
        Fields f = new Fields(raw, 1);
        AccountId account = new AccountId(f.longValue());
        long campaign = f.longValue();
        long key = f.longValue();
        String publisher = f.next();
        long buyer = f.longValue();
        String caller = f.next();
        String inbound = f.next();
        String payout = f.next();
        String seconds = f.next();
        int flags = (int) f.longValue();
        long createdAt = f.longValue();
        long ttl = f.longValue();
        return new Reservation(
                uuid,
                account,
                campaign,
                key,
                publisher.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(publisher)),
                buyer,
                caller,
                inbound,
                payout.isEmpty() ? Optional.empty() : Optional.of(new BigDecimal(payout)),
                seconds.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(seconds)),
                (flags & FLAG_CAPS_HELD) != 0,
                (flags & FLAG_ROUTE_ONLY_TO_RESERVED) != 0,
                (flags & FLAG_INBOUND_NAMED) != 0,
                Instant.ofEpochMilli(createdAt),
                Instant.ofEpochMilli(createdAt + ttl));
    }

    /** Walks the '|'-separated fields of a line without splitting it into an array. */
    private static final class Fields {
        private final String line;
        private int at;

        Fields(String line, int from) {
            this.line = line;
            this.at = from;
        }

        String next() {
            int end = line.indexOf('|', at);
            if (end < 0) {
                end = line.length();
            }
            String field = line.substring(at, end);
            at = end + 1;
            return field;
        }

        long longValue() {
            int end = line.indexOf('|', at);
            if (end < 0) {
                end = line.length();
            }
            long value = Long.parseLong(line, at, end, 10);
            at = end + 1;
            return value;
        }
    }
}
