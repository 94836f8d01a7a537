package org.switchboard.rtb;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.switchboard.platform.id.AccountId;
import org.switchboard.tag.TagSet;

/**
 * One ping as the RTB log keeps it: who pinged through which key, what they sent, what the passthrough webhooks
 * answered, each buyer considered and why it was or was not chosen, and the answer. {@code uuid} is the ping's own;
 * {@code reservationUuid} names the reservation answered (the ping's own when it reserved, the held one when the
 * shield returned it again). Later events (claim, confirmation, expiry) are logged against the reservation's UUID.
 * Build one with {@link #builder}.
 */
public record RtbPing(
        String uuid,
        AccountId accountId,
        long keyId,
        String keyName,
        long campaignId,
        Optional<Long> publisherId,
        Optional<String> callerNumber,
        Optional<String> inboundNumber,
        RtbStatus status,
        boolean shielded,
        Optional<String> info,
        Map<String, String> params,
        TagSet tags,
        List<Passthrough> passthrough,
        List<ConsideredBuyer> considered,
        Optional<String> reservationUuid,
        Optional<Long> buyerId,
        Optional<BigDecimal> payout,
        OptionalInt seconds,
        Optional<Instant> expiresAt,
        Instant createdAt) {

    public RtbPing {
        params = Map.copyOf(params);
        passthrough = List.copyOf(passthrough);
        considered = List.copyOf(considered);
    }

    /**
     * One passthrough webhook fired for the ping: {@code status} is the HTTP status, or a word for a request that got
     * none ({@code timeout}, {@code refused}, {@code error}).
     */
    public record Passthrough(
            long webhookId, String name, String status, long elapsedMillis, Map<String, List<String>> responseTags) {}

    /**
     * One buyer the ping considered: chosen or not, the reason in the campaign owner's words, and where the
     * reference has a word for the reason ({@code target_disqualified_by_cap}, {@code targets_paused}, ...) that word.
     */
    public record ConsideredBuyer(
            long buyerId, String buyerName, boolean chosen, Optional<RtbStatus> status, String reason) {}

    public static Builder builder(
            String uuid,
            AccountId accountId,
            long keyId,
            String keyName,
            long campaignId,
            RtbStatus status,
            Instant createdAt) {
        return new Builder(uuid, accountId, keyId, keyName, campaignId, status, createdAt);
    }

    /** Fills the optional parts of a ping by name rather than by position among twenty-one. */
    public static final class Builder {
        private final String uuid;
        private final AccountId accountId;
        private final long keyId;
        private final String keyName;
        private final long campaignId;
        private RtbStatus status;
        private final Instant createdAt;
        private Optional<Long> publisherId = Optional.empty();
        private Optional<String> callerNumber = Optional.empty();
        private Optional<String> inboundNumber = Optional.empty();
        private boolean shielded;
        private Optional<String> info = Optional.empty();
        private Map<String, String> params = Map.of();
        private TagSet tags = TagSet.empty();
        private List<Passthrough> passthrough = List.of();
        private List<ConsideredBuyer> considered = List.of();
        private Optional<String> reservationUuid = Optional.empty();
        private Optional<Long> buyerId = Optional.empty();
        private Optional<BigDecimal> payout = Optional.empty();
        private OptionalInt seconds = OptionalInt.empty();
        private Optional<Instant> expiresAt = Optional.empty();

        private Builder(
                String uuid,
                AccountId accountId,
                long keyId,
                String keyName,
                long campaignId,
                RtbStatus status,
                Instant createdAt) {
            this.uuid = uuid;
            this.accountId = accountId;
            this.keyId = keyId;
            this.keyName = keyName;
            this.campaignId = campaignId;
            this.status = status;
            this.createdAt = createdAt;
        }

        public Builder publisherId(Optional<Long> value) {
            this.publisherId = value;
            return this;
        }

        public Builder callerNumber(Optional<String> value) {
            this.callerNumber = value;
            return this;
        }

        public Builder inboundNumber(Optional<String> value) {
            this.inboundNumber = value;
            return this;
        }

        public Builder shielded(boolean value) {
            this.shielded = value;
            return this;
        }

        /** The answer, once it is known (the builder starts with a provisional one). */
        public Builder status(RtbStatus value) {
            this.status = value;
            return this;
        }

        public Builder info(Optional<String> value) {
            this.info = value;
            return this;
        }

        public Builder params(Map<String, String> value) {
            this.params = value;
            return this;
        }

        public Builder tags(TagSet value) {
            this.tags = value;
            return this;
        }

        public Builder passthrough(List<Passthrough> value) {
            this.passthrough = value;
            return this;
        }

        public Builder considered(List<ConsideredBuyer> value) {
            this.considered = value;
            return this;
        }

        /** The reservation answered: sets its UUID, buyer, payout, seconds, inbound number and expiry. */
        public Builder reservation(Reservation r) {
            this.reservationUuid = Optional.of(r.uuid());
            this.buyerId = Optional.of(r.buyerId());
            this.payout = r.payout();
            this.seconds = r.seconds();
            this.inboundNumber = Optional.of(r.inboundNumber());
            this.expiresAt = Optional.of(r.expiresAt());
            return this;
        }

        public Builder buyerId(Optional<Long> value) {
            this.buyerId = value;
            return this;
        }

        public Builder payout(Optional<BigDecimal> value) {
            this.payout = value;
            return this;
        }

        public Builder seconds(OptionalInt value) {
            this.seconds = value;
            return this;
        }

        public RtbPing build() {
            return new RtbPing(
                    uuid,
                    accountId,
                    keyId,
                    keyName,
                    campaignId,
                    publisherId,
                    callerNumber,
                    inboundNumber,
                    status,
                    shielded,
                    info,
                    params,
                    tags,
                    passthrough,
                    considered,
                    reservationUuid,
                    buyerId,
                    payout,
                    seconds,
                    expiresAt,
                    createdAt);
        }
    }
}
