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

/**
 * RTB reservations in live state, shared by every node: a ping reserves, the call claims, a confirmation marks the
 * buyer's caps as holding it, and the expiry worker takes the ones whose TTL passed unclaimed.
 *
 * <p>Keys (all expire on their own, so a crashed node leaves nothing behind for long), where ID is the UUID in 22
 * URL-safe base64 characters ({@link #compact}):
 * <ul>
 *   <li>{@code rtb:r:ID}: the reservation, its phase first ({@code R} reserved, {@code F} confirmed, {@code C}
 *       claimed, {@code X} expired), then its fields in a compact line. Every change of phase is one
 *       compare-and-set ({@link LiveState#replace}) from the exact value read, so a claim, a confirmation and an
 *       expiry racing each other cannot both win: claimed and expired are final, and exactly one of them happens.
 *   <li>{@code rtb:c:INBOUND:CALLER}: the ID, until the TTL: what an arriving call finds. Claiming takes it
 *       ({@code GETDEL}), so the number stops routing to the reservation at once, and after the TTL it is gone.
 *   <li>{@code rtb:k:KEY_ID:CALLER}: the ID, until the TTL: what the ping shield finds for a repeat ping.
 *   <li>the schedule {@code rtb:expiry}: record keys by expiry instant, popped once by {@link #takeExpired}.
 * </ul>
 *
 * <p>After it is claimed or expired a reservation stays readable for {@link #LINGER} (for a late confirmation's
 * answer); one whose expiry nobody processed (every node down) disappears {@link #UNPROCESSED_GRACE} after its TTL.
 * The RTB log in SQL is the lasting record.
 */
public final class ReservationStore {
    /** How long a claimed or expired reservation stays readable. */
    public static final Duration LINGER = Duration.ofSeconds(30);

    /** How long past its TTL an unprocessed reservation is kept for the expiry worker to find. */
    public static final Duration UNPROCESSED_GRACE = Duration.ofHours(1);

    static final String EXPIRY_QUEUE = "rtb:expiry";

    private final LiveState live;
    private final Clock clock;

    public ReservationStore(LiveState live, Clock clock) {
        this.live = live;
        this.clock = clock;
    }

    /** Where a reservation is in its life. */
    public enum Phase {
        RESERVED('R'),
        CONFIRMED('F'),
        CLAIMED('C'),
        EXPIRED('X');

        private final char code;

        Phase(char code) {
            this.code = code;
        }

        static Phase of(char code) {
            return switch (code) {
                case 'R' -> RESERVED;
                case 'F' -> CONFIRMED;
                case 'C' -> CLAIMED;
                case 'X' -> EXPIRED;
                default -> throw new IllegalStateException("unknown reservation phase " + code);
            };
        }

        /** Reserved or confirmed: it can still be claimed, confirmed or expire. */
        public boolean open() {
            return this == RESERVED || this == CONFIRMED;
        }
    }

    /**
     * A reservation as found, with its phase. An open reservation past its TTL whose expiry is not yet processed is
     * reported {@code EXPIRED}: it can no longer be claimed or confirmed.
     */
    public record Found(Reservation reservation, Phase phase) {}

    /**
     * Stores a new reservation. False (and nothing stored) when a reservation that is still open already holds this
     * inbound number for this caller: a call could not tell the two apart.
     *
     * @throws IllegalArgumentException when it has already expired
     */
    public boolean reserve(Reservation reservation) {
        Instant now = clock.instant();
        Duration ttl = Duration.between(now, reservation.expiresAt());
        if (ttl.toMillis() <= 0) {
            throw new IllegalArgumentException("reservation " + reservation.uuid() + " has already expired");
        }
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

    /** The reservation with this UUID while it is kept (see the class comment), whatever its phase. */
    public Optional<Found> findByUuid(String uuid) {
        if (!Reservation.isUuid(uuid)) {
            return Optional.empty();
        }
        return findById(compact(uuid));
    }

    private Optional<Found> findById(String id) {
        return live.get(recordKey(id)).map(raw -> found(uuidOf(id), raw, clock.instant()));
    }

    /** The open, unexpired reservation a call from {@code callerNumber} to {@code inboundNumber} would claim. */
    public Optional<Reservation> findActive(String inboundNumber, String callerNumber) {
        return live.get(claimKey(inboundNumber, callerNumber)).flatMap(this::open);
    }

    /** The open, unexpired reservation the caller holds through this key (what the ping shield returns again). */
    public Optional<Reservation> findActiveForCaller(long keyId, String callerNumber) {
        return live.get(shieldKey(keyId, callerNumber)).flatMap(this::open);
    }

    private Optional<Reservation> open(String id) {
        return findById(id).filter(found -> found.phase().open()).map(Found::reservation);
    }

    /**
     * Claims the open reservation of {@code callerNumber} on {@code inboundNumber}: exactly one caller ever gets it,
     * and never after its TTL. The answer's {@code capsHeld} says whether the buyer's caps already count it.
     */
    public Optional<Reservation> claim(String inboundNumber, String callerNumber) {
        Optional<String> id = live.take(claimKey(inboundNumber, callerNumber));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<Reservation> claimed = transition(id.get(), Phase.CLAIMED);
        claimed.ifPresent(r -> live.deleteIfEquals(shieldKey(r.keyId(), r.callerNumber()), id.get()));
        return claimed;
    }

    /** The result of a confirmation. */
    public sealed interface Confirmation {
        /** Confirmed now; from here on the reservation counts as held in the buyer's caps. */
        record Confirmed(Reservation reservation) implements Confirmation {}

        /** It was confirmed before: nothing changed (units a caller took for this confirmation are not needed). */
        record AlreadyConfirmed(Reservation reservation) implements Confirmation {}

        /** Claimed, expired (or past its TTL), or unknown: there is nothing left to confirm. */
        record NotOpen(Optional<Phase> phase) implements Confirmation {}
    }

    /**
     * Marks an open reservation confirmed, with the buyer's caps holding it (the caller has taken the units, or they
     * were taken at reservation). When the answer is not {@code Confirmed}, units taken for it must be given back.
     */
    public Confirmation confirm(String uuid) {
        if (!Reservation.isUuid(uuid)) {
            return new Confirmation.NotOpen(Optional.empty());
        }
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

    /**
     * Takes up to {@code max} reservations whose TTL passed unclaimed, each handed to exactly one caller across all
     * nodes, marked expired. Their {@code capsHeld} says whether units must be given back to the buyer's caps.
     */
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

    private Found found(String uuid, String raw, Instant now) {
        Phase phase = Phase.of(raw.charAt(0));
        Reservation reservation = decode(uuid, raw);
        return new Found(reservation, phase.open() && !reservation.liveAt(now) ? Phase.EXPIRED : phase);
    }

    private static final String RECORD_PREFIX = "rtb:r:";

    static String recordKey(String id) {
        return RECORD_PREFIX + id;
    }

    /**
     * A UUID in 22 URL-safe base64 characters instead of 36: it appears in four keys and values of every
     * reservation, so this saves about 60 bytes of memory per reservation.
     */
    public static String compact(String uuid) {
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
