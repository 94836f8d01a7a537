package org.switchboard.rtb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.live.InMemoryLiveState;
import org.switchboard.platform.live.LiveState;

/**
 * RTB reservations in live state, shared by every node: a ping reserves, the call claims, a confirmation marks the
 * buyer's caps as holding it, and the expiry worker takes the ones whose TTL passed unclaimed.
 *
 * <p>A reservation is found three ways: by its UUID, by inbound number and caller (what an arriving call claims, at
 * most one open per pair), and by RTB key and caller (what the ping shield answers again for a repeat ping). Every
 * change of phase is atomic, so a claim, a confirmation and an expiry racing each other cannot both win: claimed and
 * expired are final, and exactly one of them happens. After it is claimed or expired a reservation stays readable for
 * {@link #LINGER} (for a late confirmation's answer); one whose expiry nobody processed (every node down) disappears
 * {@link #UNPROCESSED_GRACE} after its TTL. The RTB log in SQL is the lasting record.
 *
 * <p>Two storages keep the same contract: on a shared store (Redis) the reservation is a few expiring keys
 * ({@link KeyedReservations}); in a single node's memory it is one compact object in a table indexed for the three
 * look-ups ({@link LocalReservations}), which holds a live reservation in 257 bytes where the keys took 563
 * (docs/benchmarks.md). The constructor picks the table for an {@link InMemoryLiveState} and the keys for anything
 * else.
 */
public final class ReservationStore {
    /** How long a claimed or expired reservation stays readable. */
    public static final Duration LINGER = Duration.ofSeconds(30);

    /** How long past its TTL an unprocessed reservation is kept for the expiry worker to find. */
    public static final Duration UNPROCESSED_GRACE = Duration.ofHours(1);

    private final Storage storage;
    private final Clock clock;

    public ReservationStore(LiveState live, Clock clock) {
        this(
                live instanceof InMemoryLiveState
                        ? new LocalReservations(live, clock)
                        : new KeyedReservations(live, clock),
                clock);
    }

    private ReservationStore(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /** The store kept in live-state keys whatever the live state is (tests run both storages on one contract). */
    static ReservationStore onKeys(LiveState live, Clock clock) {
        return new ReservationStore(new KeyedReservations(live, clock), clock);
    }

    /** What a storage keeps; every method has the contract of the {@link ReservationStore} method of its name. */
    sealed interface Storage permits KeyedReservations, LocalReservations {
        boolean reserve(Reservation reservation, Duration ttl);

        /** {@code uuid} is a valid UUID. */
        Optional<Found> findByUuid(String uuid);

        Optional<Reservation> findActive(String inboundNumber, String callerNumber);

        Optional<Reservation> findActiveForCaller(long keyId, String callerNumber);

        Optional<Reservation> claim(String inboundNumber, String callerNumber);

        /** {@code uuid} is a valid UUID. */
        Confirmation confirm(String uuid);

        List<Reservation> takeExpired(Instant now, int max);

        LiveState.Guarded markUnlessHeld(String markerKey, String value, Duration ttl, long keyId, String callerNumber);
    }

    /** Where a reservation is in its life. */
    public enum Phase {
        RESERVED('R'),
        CONFIRMED('F'),
        CLAIMED('C'),
        EXPIRED('X');

        final char code;

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
    public record Found(Reservation reservation, Phase phase) {
        /** As stored in {@code phase}, read at {@code now}. */
        static Found at(Reservation reservation, Phase phase, Instant now) {
            return new Found(reservation, phase.open() && !reservation.liveAt(now) ? Phase.EXPIRED : phase);
        }
    }

    /**
     * Stores a new reservation. False (and nothing stored) when a reservation that is still open already holds this
     * inbound number for this caller: a call could not tell the two apart. The caller's reservation on the same key,
     * if any, is no longer the one the ping shield finds: this one is.
     *
     * @throws IllegalArgumentException when it has already expired
     */
    public boolean reserve(Reservation reservation) {
        Duration ttl = Duration.between(clock.instant(), reservation.expiresAt());
        if (ttl.toMillis() <= 0) {
            throw new IllegalArgumentException("reservation " + reservation.uuid() + " has already expired");
        }
        return storage.reserve(reservation, ttl);
    }

    /** The reservation with this UUID while it is kept (see the class comment), whatever its phase. */
    public Optional<Found> findByUuid(String uuid) {
        return Reservation.isUuid(uuid) ? storage.findByUuid(uuid) : Optional.empty();
    }

    /** The open, unexpired reservation a call from {@code callerNumber} to {@code inboundNumber} would claim. */
    public Optional<Reservation> findActive(String inboundNumber, String callerNumber) {
        return storage.findActive(inboundNumber, callerNumber);
    }

    /** The open, unexpired reservation the caller holds through this key (what the ping shield returns again). */
    public Optional<Reservation> findActiveForCaller(long keyId, String callerNumber) {
        return storage.findActiveForCaller(keyId, callerNumber);
    }

    /**
     * Claims the open reservation of {@code callerNumber} on {@code inboundNumber}: exactly one caller ever gets it,
     * and never after its TTL. The answer's {@code capsHeld} says whether the buyer's caps already count it. Whatever
     * the answer, the number no longer routes to that reservation.
     */
    public Optional<Reservation> claim(String inboundNumber, String callerNumber) {
        return storage.claim(inboundNumber, callerNumber);
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
        return Reservation.isUuid(uuid) ? storage.confirm(uuid) : new Confirmation.NotOpen(Optional.empty());
    }

    /**
     * Takes up to {@code max} reservations whose TTL passed unclaimed, each handed to exactly one caller across all
     * nodes, marked expired. Their {@code capsHeld} says whether units must be given back to the buyer's caps.
     */
    public List<Reservation> takeExpired(Instant now, int max) {
        return storage.takeExpired(now, max);
    }

    /**
     * The ping shield's processing marker: stores {@code value} under the live-state key {@code markerKey} for
     * {@code ttl} unless the caller holds a reservation through the key ({@code GUARDED}, nothing stored) or the marker
     * is set ({@code TAKEN}), as one step (one round trip to Redis).
     */
    public LiveState.Guarded markUnlessHeld(
            String markerKey, String value, Duration ttl, long keyId, String callerNumber) {
        return storage.markUnlessHeld(markerKey, value, ttl, keyId, callerNumber);
    }

    /**
     * A UUID in 22 URL-safe base64 characters instead of 36, for live-state keys that belong to a reservation (its
     * learned tags and held caps).
     */
    public static String compact(String uuid) {
        return KeyedReservations.compact(uuid);
    }
}
