package org.switchboard.rtb;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.switchboard.platform.live.LiveState;

/**
 * The ping shield of an RTB key, checked before any buyer is pinged, in this order:
 * <ol>
 *   <li>the caller already holds an open reservation on this key: it is answered again
 *       ({@code ..._caller_number_already_reserved}), and no buyer is pinged;
 *   <li>a ping for this key and caller is still being processed ({@code ..._caller_number_already_processing}); the
 *       first ping holds a marker taken atomically at its start and released when it ends (or, if its node dies,
 *       when the marker's safety TTL passes);
 *   <li>the key's claim-to-ping ratio is below {@code claim_percent_threshold}: {@code blocked_inbound_percent} of its
 *       pings are blocked ({@code ..._claim_based_limited});
 *   <li>the key's outbound limit ({@code ping_shield_outbound_count_limit} per {@code ping_shield_outbound_ms_limit})
 *       is used up ({@code ..._outbound_limited}, ours).
 * </ol>
 * A ping that passes counts as a ping of the key, and is the only kind that does: the claim ratio measures how many
 * of the pings that went on to buyers became calls (a blocked ping could never be claimed, so it must not drag the
 * ratio down, which would also keep a key blocked for ever). The arithmetic is in {@link PingShieldPolicy}. Pings
 * without a caller number (keys that allow them) skip the two caller checks.
 *
 * <p>Live-state keys, all expiring: {@code ps:KEY:m:CALLER} (processing marker), {@code ps:KEY:p:HOUR} and
 * {@code ps:KEY:c:HOUR} (pings and claims per hour), {@code ps:KEY:b} (ordinal of limited pings),
 * {@code ps:KEY:o:M:WINDOW} (outbound count).
 */
public final class PingShield {
    /** How long past the key's timeout a processing marker outlives a ping whose node died. */
    static final Duration MARKER_MARGIN = Duration.ofSeconds(5);

    /**
     * How long a window's ping and claim counts are kept: two claim windows (the current and the previous are read).
     * A constant: {@code Duration.multipliedBy} goes through {@code BigDecimal}, once per ping.
     */
    private static final Duration COUNT_TTL = PingShieldPolicy.CLAIM_WINDOW.multipliedBy(2);

    private final LiveState live;
    private final ReservationStore reservations;
    private final Clock clock;

    public PingShield(LiveState live, ReservationStore reservations, Clock clock) {
        this.live = live;
        this.reservations = reservations;
        this.clock = clock;
    }

    /**
     * An RTB key's shield options. {@code outboundCountLimit} and {@code outboundMillisLimit} act only together (a
     * count needs its period); {@code blockedInboundPercent} defaults to 100 when only a threshold is set.
     */
    public record Settings(
            OptionalLong outboundCountLimit,
            OptionalLong outboundMillisLimit,
            OptionalLong claimPercentThreshold,
            OptionalLong blockedInboundPercent,
            Duration processingLimit) {

        public static final Settings NONE = new Settings(
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                Duration.ofSeconds(5).plus(MARKER_MARGIN));

        /** From an RTB key's stored options ({@code PostbackKey.options()}). */
        public static Settings of(JsonNode options) {
            return new Settings(
                    number(options, "ping_shield_outbound_count_limit"),
                    number(options, "ping_shield_outbound_ms_limit"),
                    number(options, "claim_percent_threshold"),
                    number(options, "blocked_inbound_percent"),
                    Duration.ofSeconds(number(options, "timeout_seconds").orElse(5))
                            .plus(MARKER_MARGIN));
        }

        private static OptionalLong number(JsonNode options, String name) {
            JsonNode value = options.path(name);
            return value.canConvertToLong() ? OptionalLong.of(value.asLong()) : OptionalLong.empty();
        }

        boolean outboundLimited() {
            return outboundCountLimit.isPresent()
                    && outboundMillisLimit.isPresent()
                    && outboundMillisLimit.getAsLong() > 0;
        }
    }

    /** What the shield decided for a ping. */
    public sealed interface Verdict {
        /** The status the ping is answered with, or empty when it goes on to buyers. */
        Optional<RtbStatus> status();

        /**
         * Go on to the buyers; close the ticket when the ping is answered, after its reservation (if any) is stored,
         * so a repeat ping finds the reservation rather than slipping in between.
         */
        record Proceed(Ticket ticket) implements Verdict {
            @Override
            public Optional<RtbStatus> status() {
                return Optional.empty();
            }
        }

        /** The caller's open reservation on this key, to be answered again and flagged as shielded. */
        record AlreadyReserved(Reservation reservation) implements Verdict {
            @Override
            public Optional<RtbStatus> status() {
                return Optional.of(RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_RESERVED);
            }
        }

        record AlreadyProcessing() implements Verdict {
            @Override
            public Optional<RtbStatus> status() {
                return Optional.of(RtbStatus.PING_SHIELD_POSTBACK_KEY_CALLER_NUMBER_ALREADY_PROCESSING);
            }
        }

        record ClaimBasedLimited() implements Verdict {
            @Override
            public Optional<RtbStatus> status() {
                return Optional.of(RtbStatus.PING_SHIELD_POSTBACK_KEY_CLAIM_BASED_LIMITED);
            }
        }

        record OutboundLimited() implements Verdict {
            @Override
            public Optional<RtbStatus> status() {
                return Optional.of(RtbStatus.PING_SHIELD_POSTBACK_KEY_OUTBOUND_LIMITED);
            }
        }
    }

    /** The processing marker of a ping that went on to buyers; closing releases it (only if still its own). */
    public final class Ticket implements AutoCloseable {
        private final Optional<String> markerKey;
        private final String pingUuid;

        private Ticket(Optional<String> markerKey, String pingUuid) {
            this.markerKey = markerKey;
            this.pingUuid = pingUuid;
        }

        @Override
        public void close() {
            markerKey.ifPresent(key -> live.deleteIfEquals(key, pingUuid));
        }
    }

    /** Checks a ping of {@code keyId} from {@code callerNumber} (empty when the key allows none). */
    public Verdict check(long keyId, Optional<String> callerNumber, String pingUuid, Settings settings) {
        Optional<String> markerKey = callerNumber.map(caller -> "ps:" + keyId + ":m:" + caller);
        if (callerNumber.isPresent()) {
            // the processing marker, unless the caller's reservation is held: one step (one round trip to Redis)
            LiveState.Guarded marked = reservations.markUnlessHeld(
                    markerKey.get(), pingUuid, settings.processingLimit(), keyId, callerNumber.get());
            if (marked == LiveState.Guarded.TAKEN) {
                return new Verdict.AlreadyProcessing();
            }
            if (marked == LiveState.Guarded.GUARDED) {
                Optional<Reservation> held = reservations.findActiveForCaller(keyId, callerNumber.get());
                if (held.isPresent()) {
                    return new Verdict.AlreadyReserved(held.get());
                }
                // the index outlived its reservation (expired): take the marker the slow way
                if (!live.putIfAbsent(markerKey.get(), pingUuid, settings.processingLimit())) {
                    return new Verdict.AlreadyProcessing();
                }
                held = reservations.findActiveForCaller(keyId, callerNumber.get());
                if (held.isPresent()) {
                    live.deleteIfEquals(markerKey.get(), pingUuid);
                    return new Verdict.AlreadyReserved(held.get());
                }
            }
        }
        Ticket ticket = new Ticket(markerKey, pingUuid);
        long now = clock.millis();
        if (claimLimited(keyId, settings, now)) {
            ticket.close();
            return new Verdict.ClaimBasedLimited();
        }
        if (settings.outboundLimited()) {
            long window = settings.outboundMillisLimit().getAsLong();
            long count = live.increment(
                    "ps:" + keyId + ":o:" + window + ":" + PingShieldPolicy.windowIndex(now, window),
                    Duration.ofMillis(window));
            if (PingShieldPolicy.outboundLimited(
                    count, settings.outboundCountLimit().getAsLong())) {
                ticket.close();
                return new Verdict.OutboundLimited();
            }
        }
        recordPing(keyId);
        return new Verdict.Proceed(ticket);
    }

    private boolean claimLimited(long keyId, Settings settings, long now) {
        if (settings.claimPercentThreshold().isEmpty()) {
            return false;
        }
        long window = PingShieldPolicy.CLAIM_WINDOW.toMillis();
        long hour = PingShieldPolicy.windowIndex(now, window);
        PingShieldPolicy.ClaimCounts counts = new PingShieldPolicy.ClaimCounts(
                count(pingsKey(keyId, hour - 1)),
                count(claimsKey(keyId, hour - 1)),
                count(pingsKey(keyId, hour)),
                count(claimsKey(keyId, hour)));
        if (!PingShieldPolicy.belowClaimThreshold(
                counts,
                PingShieldPolicy.elapsedInWindow(now, window),
                window,
                settings.claimPercentThreshold().getAsLong())) {
            return false;
        }
        long ordinal = live.increment("ps:" + keyId + ":b", PingShieldPolicy.CLAIM_WINDOW);
        return PingShieldPolicy.blocksOrdinal(
                ordinal, settings.blockedInboundPercent().orElse(100));
    }

    /** Counts a ping of the key that went on to buyers (done by {@link #check} for the pings it lets through). */
    public void recordPing(long keyId) {
        live.increment(pingsKey(keyId, currentHour()), COUNT_TTL);
    }

    /** Counts a claim of one of the key's reservations; call it when a call claims a reservation. */
    public void recordClaim(long keyId) {
        live.increment(claimsKey(keyId, currentHour()), COUNT_TTL);
    }

    /** The key's pings and claims in the previous and current claim windows (for the dashboard and tests). */
    public PingShieldPolicy.ClaimCounts claimCounts(long keyId) {
        long hour = currentHour();
        return new PingShieldPolicy.ClaimCounts(
                count(pingsKey(keyId, hour - 1)),
                count(claimsKey(keyId, hour - 1)),
                count(pingsKey(keyId, hour)),
                count(claimsKey(keyId, hour)));
    }

    private long currentHour() {
        return PingShieldPolicy.windowIndex(clock.millis(), PingShieldPolicy.CLAIM_WINDOW.toMillis());
    }

    private long count(String key) {
        return live.get(key).map(Long::parseLong).orElse(0L);
    }

    private static String pingsKey(long keyId, long hour) {
        return "ps:" + keyId + ":p:" + hour;
    }

    private static String claimsKey(long keyId, long hour) {
        return "ps:" + keyId + ":c:" + hour;
    }
}
