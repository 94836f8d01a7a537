package org.switchboard.rtb;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.live.LiveState;
import org.switchboard.rtb.ReservationStore.Confirmation;
import org.switchboard.rtb.ReservationStore.Found;
import org.switchboard.rtb.ReservationStore.Phase;

/**
 * The reservations of a {@link ReservationStore} in this process's memory (a single node), built to hold a million
 * at once: each is one {@link Held} object with its fields as numbers, found by UUID through one hash index, and by
 * caller through another whose entry chains the caller's reservations that still hold their inbound number or their
 * RTB key (nearly always one); the look-ups by number and by key walk that short chain. The expiry schedule holds the
 * objects themselves by due time.
 *
 * <p>What the live-state keys say ({@link KeyedReservations}) is said here by two flags of the object, with the same
 * lifetimes: {@code HOLDS_NUMBER} is the claim key (set at reservation unless an open one holds the pair already,
 * gone when a call takes it, at expiry and at the TTL), {@code HOLDS_KEY} the shield key (gone when the reservation is
 * claimed or expired, at the TTL, or when a newer reservation of the caller on the same key replaces it). Everything
 * about one caller's reservations is read and changed under the lock of the caller's stripe, so a claim, a
 * confirmation and an expiry racing each other happen in one order, as the keys' compare-and-set makes them.
 *
 * <p>A claimed or expired reservation stays readable by UUID for {@link ReservationStore#LINGER}, an unprocessed one
 * {@link ReservationStore#UNPROCESSED_GRACE} past its TTL; a sweep on a virtual thread drops what is past that every
 * {@link #SWEEP_EVERY}. The ping shield's processing markers stay in the live state.
 */
final class LocalReservations implements ReservationStore.Storage {
    /** How often (in this store's clock) reservations past their keeping are dropped. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

    private static final int STRIPES = 64;
    private static final long LINGER_MILLIS = ReservationStore.LINGER.toMillis();
    private static final long GRACE_MILLIS = ReservationStore.UNPROCESSED_GRACE.toMillis();

    private final LiveState live;
    private final Clock clock;
    /** Each held reservation keyed by itself (its UUID): no key object per entry. */
    private final ConcurrentHashMap<Held, Held> byUuid = new ConcurrentHashMap<>();

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final ReentrantLock scheduleLock = new ReentrantLock();
    /**
     * The expiry schedule: the second a reservation is due in to the ones due in it, sorted by due time only when
     * taken (a tree of every due millisecond was most of a reservation's cost: a look-up in a tree of a hundred
     * thousand keys per ping).
     */
    private final TreeMap<Long, DueInSecond> secondToDue = new TreeMap<>();

    private final ReentrantLock keptLock = new ReentrantLock();
    /**
     * The closed reservations (claimed, expired; and open ones found past their grace) by the second their keeping
     * ends: the sweep takes the seconds that have begun instead of walking every reservation held. An open one is in
     * {@link #secondToDue} until the expiry worker takes it, which puts it here; the sweep looks there only for ones past
     * their grace (no worker ran).
     */
    private final TreeMap<Long, ArrayList<Held>> secondToClosed = new TreeMap<>();

    private volatile long nextSweepMillis = Long.MIN_VALUE;
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** Callers whose numbers hash alike: the first of each caller's chain, and the lock for all of them. */
    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        final HashMap<Long, Held> callerToFirst = new HashMap<>();
    }

    LocalReservations(LiveState live, Clock clock) {
        this.live = live;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    @Override
    public boolean reserve(Reservation reservation, Duration ttl) {
        Held held = new Held(reservation);
        long now = clock.millis();
        Stripe stripe = stripe(held.caller);
        stripe.lock.lock();
        try {
            Held first = chain(stripe, held.caller, now);
            for (Held h = first; h != null; h = h.next) {
                if (h.has(Held.HOLDS_NUMBER) && h.inbound == held.inbound) {
                    return false;
                }
            }
            for (Held h = first; h != null; h = h.next) {
                if (h.has(Held.HOLDS_KEY) && h.keyId == held.keyId) {
                    h.drop(Held.HOLDS_KEY); // the ping shield finds the newer one from now on
                }
            }
            held.keptUntil = held.expiresAt + GRACE_MILLIS;
            held.next = chain(stripe, held.caller, now);
            stripe.callerToFirst.put(held.caller, held);
            byUuid.put(held, held);
        } finally {
            stripe.lock.unlock();
        }
        schedule(held, held.expiresAt);
        sweepWhenDue(now);
        return true;
    }

    @Override
    public Optional<Found> findByUuid(String uuid) {
        Held held = byUuid.get(Held.probe(uuid));
        if (held == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Stripe stripe = stripe(held.caller);
        stripe.lock.lock();
        try {
            if (now.toEpochMilli() >= held.keptUntil) {
                return Optional.empty();
            }
            return Optional.of(Found.at(held.reservation(), held.phase, now));
        } finally {
            stripe.lock.unlock();
        }
    }

    @Override
    public Optional<Reservation> findActive(String inboundNumber, String callerNumber) {
        long inbound = digits(inboundNumber);
        return inbound < 0 ? Optional.empty() : findOpen(callerNumber, Held.HOLDS_NUMBER, inbound);
    }

    @Override
    public Optional<Reservation> findActiveForCaller(long keyId, String callerNumber) {
        return findOpen(callerNumber, Held.HOLDS_KEY, keyId);
    }

    /** The open reservation the caller's {@code index} (number or key) holds for {@code value}. */
    private Optional<Reservation> findOpen(String callerNumber, int index, long value) {
        long caller = digits(callerNumber);
        if (caller < 0) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Stripe stripe = stripe(caller);
        stripe.lock.lock();
        try {
            Held held = indexed(chain(stripe, caller, now.toEpochMilli()), index, value);
            if (held == null) {
                return Optional.empty();
            }
            Found found = Found.at(held.reservation(), held.phase, now);
            return found.phase().open() ? Optional.of(found.reservation()) : Optional.empty();
        } finally {
            stripe.lock.unlock();
        }
    }

    @Override
    public Optional<Reservation> claim(String inboundNumber, String callerNumber) {
        long caller = digits(callerNumber);
        long inbound = digits(inboundNumber);
        if (caller < 0 || inbound < 0) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        long nowMillis = now.toEpochMilli();
        Stripe stripe = stripe(caller);
        stripe.lock.lock();
        try {
            Held held = indexed(chain(stripe, caller, nowMillis), Held.HOLDS_NUMBER, inbound);
            if (held == null) {
                return Optional.empty();
            }
            // the number stops routing to it whatever comes next, as a taken claim key
            held.drop(Held.HOLDS_NUMBER);
            Optional<Reservation> claimed = Optional.empty();
            if (held.phase.open() && held.expiresAt > nowMillis) {
                claimed = Optional.of(held.reservation());
                held.phase = Phase.CLAIMED;
                held.keptUntil = nowMillis + LINGER_MILLIS;
                held.drop(Held.HOLDS_KEY);
                keep(List.of(held));
            }
            chain(stripe, caller, nowMillis);
            return claimed;
        } finally {
            stripe.lock.unlock();
        }
    }

    @Override
    public Confirmation confirm(String uuid) {
        Held held = byUuid.get(Held.probe(uuid));
        if (held == null) {
            return new Confirmation.NotOpen(Optional.empty());
        }
        Instant now = clock.instant();
        Stripe stripe = stripe(held.caller);
        stripe.lock.lock();
        try {
            if (now.toEpochMilli() >= held.keptUntil) {
                return new Confirmation.NotOpen(Optional.empty());
            }
            Found found = Found.at(held.reservation(), held.phase, now);
            return switch (found.phase()) {
                case CONFIRMED -> new Confirmation.AlreadyConfirmed(found.reservation());
                case CLAIMED, EXPIRED -> new Confirmation.NotOpen(Optional.of(found.phase()));
                case RESERVED -> {
                    held.set(Held.CAPS_HELD);
                    held.phase = Phase.CONFIRMED;
                    held.keptUntil = held.expiresAt + GRACE_MILLIS;
                    yield new Confirmation.Confirmed(found.reservation().withCapsHeld());
                }
            };
        } finally {
            stripe.lock.unlock();
        }
    }

    @Override
    public List<Reservation> takeExpired(Instant now, int max) {
        List<Reservation> expired = new ArrayList<>();
        List<Held> closed = new ArrayList<>();
        for (Held held : takeDue(now.toEpochMilli(), max)) {
            // judged by this store's clock, as a transition of the keys is
            long at = clock.millis();
            Stripe stripe = stripe(held.caller);
            boolean early = false;
            stripe.lock.lock();
            try {
                if (!held.phase.open()) {
                    continue; // claimed: kept by the second since
                }
                if (at >= held.keptUntil) {
                    closed.add(held); // past its grace: the next sweep drops it
                    continue;
                }
                if (held.expiresAt > at) {
                    early = true; // asked too early (a clock ahead of this one): put it back for its real time
                } else {
                    expired.add(held.reservation());
                    held.phase = Phase.EXPIRED;
                    held.keptUntil = at + LINGER_MILLIS;
                    held.drop(Held.HOLDS_NUMBER | Held.HOLDS_KEY);
                    chain(stripe, held.caller, at);
                    closed.add(held);
                }
            } finally {
                stripe.lock.unlock();
            }
            if (early) {
                schedule(held, held.expiresAt);
            }
        }
        keep(closed);
        sweepWhenDue(clock.millis());
        return expired;
    }

    /** As {@code putIfAbsentUnless} of the in-memory live state: the guard looked at before and after storing. */
    @Override
    public LiveState.Guarded markUnlessHeld(
            String markerKey, String value, Duration ttl, long keyId, String callerNumber) {
        if (keyHeld(keyId, callerNumber)) {
            return LiveState.Guarded.GUARDED;
        }
        if (!live.putIfAbsent(markerKey, value, ttl)) {
            return LiveState.Guarded.TAKEN;
        }
        if (keyHeld(keyId, callerNumber)) {
            live.deleteIfEquals(markerKey, value);
            return LiveState.Guarded.GUARDED;
        }
        return LiveState.Guarded.STORED;
    }

    /** Whether a reservation of the caller is indexed under the key (open or not: the shield key's presence). */
    private boolean keyHeld(long keyId, String callerNumber) {
        long caller = digits(callerNumber);
        if (caller < 0) {
            return false;
        }
        Stripe stripe = stripe(caller);
        stripe.lock.lock();
        try {
            return indexed(chain(stripe, caller, clock.millis()), Held.HOLDS_KEY, keyId) != null;
        } finally {
            stripe.lock.unlock();
        }
    }

    /** How many reservations are held, past their keeping but not yet swept included (for tests). */
    int size() {
        return byUuid.size();
    }

    // --- the caller chains -----------------------------------------------------------------------------------------

    private Stripe stripe(long caller) {
        return stripes[(int) ((caller * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - Integer.numberOfTrailingZeros(STRIPES)))];
    }

    private static @Nullable Held indexed(@Nullable Held first, int index, long value) {
        for (Held h = first; h != null; h = h.next) {
            if (h.has(index) && (index == Held.HOLDS_NUMBER ? h.inbound : h.keyId) == value) {
                return h;
            }
        }
        return null;
    }

    /**
     * The first of the caller's chain, after taking out what no longer holds a number or a key: claimed, expired, or
     * past its TTL (where the keys would have lapsed). Under the stripe's lock.
     */
    private static @Nullable Held chain(Stripe stripe, long caller, long now) {
        @Nullable Held first = stripe.callerToFirst.get(caller);
        @Nullable Held kept = null;
        @Nullable Held last = null;
        for (Held h = first; h != null; ) {
            @Nullable Held next = h.next;
            if (h.expiresAt <= now) {
                h.drop(Held.HOLDS_NUMBER | Held.HOLDS_KEY);
            }
            if (h.has(Held.HOLDS_NUMBER) || h.has(Held.HOLDS_KEY)) {
                if (last == null) {
                    kept = h;
                } else {
                    last.next = h;
                }
                last = h;
            } else {
                h.next = null;
            }
            h = next;
        }
        if (last != null) {
            last.next = null;
        }
        if (kept == null) {
            if (first != null) {
                stripe.callerToFirst.remove(caller);
            }
        } else if (kept != first) {
            stripe.callerToFirst.put(caller, kept);
        }
        return kept;
    }

    /**
     * The digits of an E.164 number as a long ({@code +} and 2 to 15 digits, the first not 0, as a {@link Reservation}
     * requires, so the long gives the number back), or -1 for anything else, which no reservation holds.
     */
    static long digits(String number) {
        int length = number.length();
        if (length < 3 || length > 16 || number.charAt(0) != '+' || number.charAt(1) == '0') {
            return -1;
        }
        long value = 0;
        for (int i = 1; i < length; i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    // --- the expiry schedule and the sweep -------------------------------------------------------------------------

    private void schedule(Held held, long at) {
        scheduleLock.lock();
        try {
            secondToDue
                    .computeIfAbsent(Math.floorDiv(at, 1000L), second -> new DueInSecond())
                    .add(held);
        } finally {
            scheduleLock.unlock();
        }
    }

    /**
     * Removes and returns up to {@code max} held reservations due at or before {@code now}, earliest first (those due
     * at one millisecond in the order they were scheduled).
     */
    private List<Held> takeDue(long now, int max) {
        List<Held> due = new ArrayList<>(Math.min(Math.max(max, 0), 64));
        long second = Math.floorDiv(now, 1000L);
        scheduleLock.lock();
        try {
            while (due.size() < max && !secondToDue.isEmpty() && secondToDue.firstKey() <= second) {
                DueInSecond first = secondToDue.firstEntry().getValue();
                first.take(now, max - due.size(), due);
                if (!first.isEmpty()) {
                    break; // the rest of this second is not due yet, or enough were taken
                }
                secondToDue.pollFirstEntry();
            }
        } finally {
            scheduleLock.unlock();
        }
        return due;
    }

    /** The reservations due in one second: those before {@code taken} are taken, the rest sorted when needed. */
    private static final class DueInSecond {
        private static final Comparator<Held> BY_DUE = Comparator.comparingLong(h -> h.expiresAt);

        private final ArrayList<Held> held = new ArrayList<>();
        private int taken;
        private boolean sorted = true;

        void add(Held h) {
            if (held.size() > taken && held.getLast().expiresAt > h.expiresAt) {
                sorted = false;
            }
            held.add(h);
        }

        boolean isEmpty() {
            return taken == held.size();
        }

        /** Moves up to {@code max} of those due at or before {@code now} to {@code into}, earliest first. */
        void take(long now, int max, List<Held> into) {
            if (!sorted) {
                held.subList(taken, held.size()).sort(BY_DUE); // stable: one millisecond keeps its order
                sorted = true;
            }
            for (int n = 0; n < max && taken < held.size() && held.get(taken).expiresAt <= now; n++) {
                into.add(held.get(taken));
                held.set(taken++, null);
            }
        }

        /** Those not taken yet. */
        List<Held> waiting() {
            return held.subList(taken, held.size());
        }
    }

    /** Starts a sweep on a virtual thread when one is due, so no request pays for walking a million reservations. */
    private void sweepWhenDue(long now) {
        if (now < nextSweepMillis || !sweeping.compareAndSet(false, true)) {
            return;
        }
        nextSweepMillis = now + SWEEP_EVERY.toMillis();
        Thread.ofVirtual().name("rtb-reservation-sweep").start(() -> {
            try {
                sweep();
            } finally {
                sweeping.set(false);
            }
        });
    }

    /**
     * Drops every reservation past its keeping now: the closed ones of the seconds that have begun, and open ones
     * past their grace (whose expiry no worker took); what the seconds hold that is not yet past goes back.
     */
    void sweep() {
        long now = clock.millis();
        List<Held> candidates = new ArrayList<>();
        keptLock.lock();
        try {
            for (var seconds = secondToClosed
                            .headMap(Math.floorDiv(now, 1000L), true)
                            .entrySet()
                            .iterator();
                    seconds.hasNext(); ) {
                candidates.addAll(seconds.next().getValue());
                seconds.remove();
            }
        } finally {
            keptLock.unlock();
        }
        List<Held> notYet = new ArrayList<>();
        for (Held held : candidates) {
            if (!dropIfPast(held, now)) {
                notYet.add(held);
            }
        }
        keep(notYet);
        for (Held held : pastGrace(now)) {
            dropIfPast(held, now);
        }
    }

    /** Drops the reservation when it is past its keeping at {@code now}; false when it is not. */
    private boolean dropIfPast(Held held, long now) {
        Stripe stripe = stripe(held.caller);
        stripe.lock.lock();
        try {
            if (held.keptUntil > now) {
                return false;
            }
            byUuid.remove(held, held);
            held.drop(Held.HOLDS_NUMBER | Held.HOLDS_KEY);
            chain(stripe, held.caller, now);
            return true;
        } finally {
            stripe.lock.unlock();
        }
    }

    /** Keeps closed reservations by the second their keeping ends, for the sweep. */
    private void keep(List<Held> closed) {
        if (closed.isEmpty()) {
            return;
        }
        keptLock.lock();
        try {
            for (Held held : closed) {
                secondToClosed
                        .computeIfAbsent(Math.floorDiv(held.keptUntil, 1000L), s -> new ArrayList<>())
                        .add(held);
            }
        } finally {
            keptLock.unlock();
        }
    }

    /**
     * The scheduled reservations due {@link ReservationStore#UNPROCESSED_GRACE} or more before {@code now}: ones whose
     * expiry no worker took (they stay scheduled, for a worker that comes late). Normally none.
     */
    private List<Held> pastGrace(long now) {
        List<Held> past = new ArrayList<>();
        scheduleLock.lock();
        try {
            // the second of the limit too: a reservation not past its keeping there is left alone by the sweep
            for (DueInSecond due : secondToDue
                    .headMap(Math.floorDiv(now - GRACE_MILLIS, 1000L), true)
                    .values()) {
                past.addAll(due.waiting());
            }
        } finally {
            scheduleLock.unlock();
        }
        return past;
    }

    /** Whether a sweep started by a request is running (tests wait for it). */
    boolean sweepRunning() {
        return sweeping.get();
    }

    /** How many of the reservations held are past their keeping at {@code now} (tests: none after a sweep). */
    int pastKeeping(long now) {
        int past = 0;
        for (Held held : byUuid.keySet()) {
            if (held.keptUntil <= now) {
                past++;
            }
        }
        return past;
    }

    // --- one reservation -------------------------------------------------------------------------------------------

    /**
     * One reservation: its fields as numbers (E.164 numbers as their digits, the payout as unscaled value and scale),
     * about 140 bytes (257 with its two index entries, where the keys took 563). Equal by UUID, so it is its own key
     * in the UUID index. The fields after {@code expiresAt} change only under the lock of the caller's stripe.
     */
    private static final class Held {
        static final int PUBLISHER = 1;
        static final int SECONDS = 2;
        static final int PAYOUT = 4;
        static final int CAPS_HELD = 8;
        static final int ROUTE_ONLY_TO_RESERVED = 16;
        static final int INBOUND_NAMED = 32;
        /** The claim key: a call from the caller to the inbound number finds it. */
        static final int HOLDS_NUMBER = 64;
        /** The shield key: a repeat ping of the caller through the key finds it. */
        static final int HOLDS_KEY = 128;

        final long uuidHigh;
        final long uuidLow;
        final long account;
        final long campaign;
        final long keyId;
        final long publisher;
        final long buyer;
        final long caller;
        final long inbound;
        final long payoutUnscaled;
        final int payoutScale;
        /** A payout whose unscaled value does not fit a long (never a price in practice), else null. */
        final @Nullable BigDecimal payoutWide;

        final int seconds;
        final long createdAt;
        final long expiresAt;

        Phase phase = Phase.RESERVED;
        long keptUntil;
        /** The flags above. */
        int flags;
        /** The caller's next reservation that holds a number or a key. */
        @Nullable
        Held next;

        /** A look-up key for the UUID index. */
        static Held probe(String uuid) {
            UUID parsed = UUID.fromString(uuid);
            return new Held(parsed.getMostSignificantBits(), parsed.getLeastSignificantBits());
        }

        private Held(long uuidHigh, long uuidLow) {
            this.uuidHigh = uuidHigh;
            this.uuidLow = uuidLow;
            this.account = 0;
            this.campaign = 0;
            this.keyId = 0;
            this.publisher = 0;
            this.buyer = 0;
            this.caller = 0;
            this.inbound = 0;
            this.payoutUnscaled = 0;
            this.payoutScale = 0;
            this.payoutWide = null;
            this.seconds = 0;
            this.createdAt = 0;
            this.expiresAt = 0;
        }

        Held(Reservation r) {
            UUID uuid = UUID.fromString(r.uuid());
            this.uuidHigh = uuid.getMostSignificantBits();
            this.uuidLow = uuid.getLeastSignificantBits();
            this.account = r.accountId().value();
            this.campaign = r.campaignId();
            this.keyId = r.keyId();
            this.publisher = r.publisherId().orElse(0L);
            this.buyer = r.buyerId();
            this.caller = digits(r.callerNumber());
            this.inbound = digits(r.inboundNumber());
            // as the keys keep it: the exact plain decimal (a negative scale comes back as scale 0)
            @Nullable
            BigDecimal payout =
                    r.payout().map(p -> p.scale() < 0 ? p.setScale(0) : p).orElse(null);
            boolean narrow = payout != null && payout.unscaledValue().bitLength() < Long.SIZE;
            this.payoutUnscaled =
                    narrow && payout != null ? payout.unscaledValue().longValue() : 0;
            this.payoutScale = narrow && payout != null ? payout.scale() : 0;
            this.payoutWide = narrow ? null : payout;
            this.seconds = r.seconds().orElse(0);
            this.createdAt = r.createdAt().toEpochMilli();
            this.expiresAt = r.expiresAt().toEpochMilli();
            this.flags = (r.publisherId().isPresent() ? PUBLISHER : 0)
                    | (r.seconds().isPresent() ? SECONDS : 0)
                    | (payout != null ? PAYOUT : 0)
                    | (r.capsHeld() ? CAPS_HELD : 0)
                    | (r.routeOnlyToReserved() ? ROUTE_ONLY_TO_RESERVED : 0)
                    | (r.inboundNamed() ? INBOUND_NAMED : 0)
                    | HOLDS_NUMBER
                    | HOLDS_KEY;
        }

        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        void set(int flag) {
            flags |= flag;
        }

        void drop(int flag) {
            flags &= ~flag;
        }

        /** The reservation as stored (times in whole milliseconds, as the keys keep them). */
        Reservation reservation() {
            return new Reservation(
                    new UUID(uuidHigh, uuidLow).toString(),
                    new AccountId(account),
                    campaign,
                    keyId,
                    has(PUBLISHER) ? Optional.of(publisher) : Optional.empty(),
                    buyer,
                    "+" + caller,
                    "+" + inbound,
                    has(PAYOUT)
                            ? Optional.of(
                                    payoutWide != null ? payoutWide : BigDecimal.valueOf(payoutUnscaled, payoutScale))
                            : Optional.empty(),
                    has(SECONDS) ? OptionalInt.of(seconds) : OptionalInt.empty(),
                    has(CAPS_HELD),
                    has(ROUTE_ONLY_TO_RESERVED),
                    has(INBOUND_NAMED),
                    Instant.ofEpochMilli(createdAt),
                    Instant.ofEpochMilli(expiresAt));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Held held && held.uuidHigh == uuidHigh && held.uuidLow == uuidLow;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(uuidHigh ^ uuidLow);
        }
    }
}
