package org.switchboard.rtb;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonText;
import org.switchboard.platform.money.Money;
import org.switchboard.rtb.RtbLogItem.Claimed;
import org.switchboard.rtb.RtbLogItem.Confirmation;
import org.switchboard.rtb.RtbLogItem.Expired;
import org.switchboard.rtb.RtbLogItem.Flush;
import org.switchboard.rtb.RtbLogItem.Insert;

/** The RTB log's rows as they are written: a ping's insert and the updates its reservation's events make. */
final class RtbLogRows {
    private RtbLogRows() {}

    /**
     * Writes a batch in the caller's transaction with plain JDBC batches: the log takes a row per ping, and binding
     * positional parameters costs a fraction of binding named ones (this runs on the same cores as the pings).
     * Returns the claims and confirmations that found no row of their ping.
     */
    static List<RtbLogItem> write(Handle handle, List<RtbLogItem> rows) throws SQLException {
        Connection connection = handle.getConnection();
        insert(connection, rows);
        // events after the inserts (a reservation's row may be in this very batch), each kind as one batch;
        // confirmations before claims and expiries, their order in time
        return applyEvents(connection, rows);
    }

    /** The pings' rows, as one JDBC batch. */
    private static void insert(Connection connection, List<RtbLogItem> rows) throws SQLException {
        try (PreparedStatement inserts = connection.prepareStatement("""
                INSERT INTO rtb_pings (uuid, account_id, key_id, key_name, campaign_id, publisher_id, caller_number,
                    inbound_number, status, shielded, info, params, tags, passthrough, considered, reservation_uuid,
                    buyer_id, payout_micros, seconds, expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            int count = 0;
            for (RtbLogItem item : rows) {
                if (item instanceof Insert(RtbPing p)) {
                    bind(inserts, p);
                    inserts.addBatch();
                    count++;
                }
            }
            if (count > 0) {
                inserts.executeBatch();
            }
        }
    }

    /** The events, each kind as one JDBC batch; returns the claims and confirmations that found no row. */
    private static List<RtbLogItem> applyEvents(Connection connection, List<RtbLogItem> rows) throws SQLException {
        try (PreparedStatement confirmations = connection.prepareStatement("""
                        UPDATE rtb_pings SET confirmed_at = ?, confirmation = ?,
                            final_status = CASE WHEN final_status IS NULL AND ? = 'confirmed'
                                THEN 'confirmed' ELSE final_status END
                        WHERE uuid = ?""");
                PreparedStatement claims = connection.prepareStatement("""
                        UPDATE rtb_pings SET claimed_at = ?, call_uuid = ?, final_status = 'claimed'
                        WHERE uuid = ?""");
                PreparedStatement expiries = connection.prepareStatement("""
                        UPDATE rtb_pings SET expired_at = ?, final_status = 'expired'
                        WHERE uuid = ? AND (final_status IS NULL OR final_status = 'confirmed')""")) {
            int[] counts = new int[3];
            List<RtbLogItem> confirmed = new ArrayList<>();
            List<RtbLogItem> claimed = new ArrayList<>();
            for (RtbLogItem item : rows) {
                switch (item) {
                    case Confirmation c -> {
                        bind(confirmations, c);
                        confirmed.add(c);
                        counts[0]++;
                    }
                    case Claimed c -> {
                        bind(claims, c);
                        claimed.add(c);
                        counts[1]++;
                    }
                    case Expired e -> {
                        bind(expiries, e);
                        counts[2]++;
                    }
                    case Insert i -> {
                        // written above
                    }
                    case Flush f -> {
                        // not a row
                    }
                }
            }
            List<RtbLogItem> missed = new ArrayList<>();
            if (counts[0] > 0) {
                missed(confirmations.executeBatch(), confirmed, missed);
            }
            if (counts[1] > 0) {
                missed(claims.executeBatch(), claimed, missed);
            }
            if (counts[2] > 0) {
                expiries.executeBatch();
            }
            return missed;
        }
    }

    /** A confirmation, added to the batch of confirmations. */
    private static void bind(PreparedStatement confirmations, Confirmation c) throws SQLException {
        confirmations.setLong(1, c.at().toEpochMilli());
        confirmations.setString(2, c.answer().word());
        confirmations.setString(3, c.answer().word());
        confirmations.setString(4, c.reservationUuid());
        confirmations.addBatch();
    }

    /** A claim, added to the batch of claims. */
    private static void bind(PreparedStatement claims, Claimed c) throws SQLException {
        claims.setLong(1, c.at().toEpochMilli());
        claims.setString(2, c.callUuid());
        claims.setString(3, c.reservationUuid());
        claims.addBatch();
    }

    /** An expiry, added to the batch of expiries. */
    private static void bind(PreparedStatement expiries, Expired e) throws SQLException {
        expiries.setLong(1, e.at().toEpochMilli());
        expiries.setString(2, e.reservationUuid());
        expiries.addBatch();
    }

    /**
     * A ping's row, in the order of the insert's columns. The optional parts are read without {@code Optional.map}:
     * its lambdas and the boxes they made were a tenth of this method on the writer thread.
     */
    private static void bind(PreparedStatement statement, RtbPing p) throws SQLException {
        statement.setString(1, p.uuid());
        statement.setLong(2, p.accountId().value());
        statement.setLong(3, p.keyId());
        statement.setString(4, p.keyName());
        statement.setLong(5, p.campaignId());
        setLong(statement, 6, p.publisherId().orElse(null));
        statement.setString(7, p.callerNumber().orElse(null));
        statement.setString(8, p.inboundNumber().orElse(null));
        statement.setString(9, p.status().word());
        statement.setBoolean(10, p.shielded());
        statement.setString(11, p.info().isPresent() ? clip(p.info().get()) : null);
        statement.setString(12, paramsJson(p.params()));
        statement.setString(13, p.tags().toStored());
        statement.setString(14, p.passthrough().isEmpty() ? "[]" : Json.writeString(passthroughJson(p.passthrough())));
        statement.setString(15, consideredJson(p.considered()));
        statement.setString(16, p.reservationUuid().orElse(null));
        setLong(statement, 17, p.buyerId().orElse(null));
        setLong(statement, 18, p.payout().isPresent() ? micros(p.payout().get()) : null);
        setLong(statement, 19, p.seconds().isPresent() ? (long) p.seconds().getAsInt() : null);
        setLong(statement, 20, p.expiresAt().isPresent() ? p.expiresAt().get().toEpochMilli() : null);
        statement.setLong(21, p.createdAt().toEpochMilli());
    }

    /** The items whose update changed no row (a driver that does not count, answering a negative number, did write). */
    private static void missed(int[] updated, List<RtbLogItem> items, List<RtbLogItem> missed) {
        for (int i = 0; i < updated.length && i < items.size(); i++) {
            if (updated[i] == 0) {
                missed.add(items.get(i));
            }
        }
    }

    /** {@link #write}, failing like JDBI does (unchecked), so the batch is retried row by row. */
    static List<RtbLogItem> writeOrFail(Handle handle, List<RtbLogItem> rows) {
        try {
            return write(handle, rows);
        } catch (SQLException e) {
            throw new IllegalStateException("writing the RTB log failed", e);
        }
    }

    private static void setLong(PreparedStatement statement, int index, @Nullable Long value) throws SQLException {
        if (value != null) {
            statement.setLong(index, value);
        } else {
            statement.setNull(index, Types.BIGINT);
        }
    }

    /** The request's parameters without anything that is a credential (the key must never be stored). */
    static Map<String, String> withoutSecrets(Map<String, String> params) {
        Map<String, String> kept = new TreeMap<>(params);
        kept.keySet().removeIf(RtbLogRows::isSecret);
        return kept;
    }

    private static boolean isSecret(String name) {
        return name.equals("key") || name.equals("api_key") || name.equals("call_key");
    }

    private static String clip(String text) {
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    /** Dollars to integer micro-dollars, rounding half up below a micro-dollar. */
    static long micros(BigDecimal dollars) {
        return dollars.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Micro-dollars to dollars without trailing zeros ({@code 1173000} is {@code 1.173}). */
    static BigDecimal dollars(long micros) {
        return Money.plain(BigDecimal.valueOf(micros, Money.SCALE));
    }

    private static ArrayNode passthroughJson(List<RtbPing.Passthrough> passthrough) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (RtbPing.Passthrough p : passthrough) {
            ObjectNode node = out.addObject();
            node.put("webhook_id", p.webhookId());
            node.put("name", p.name());
            node.put("status", p.status());
            node.put("elapsed_ms", p.elapsedMillis());
            node.set("response_tags", Json.tree(p.responseTags()));
        }
        return out;
    }

    /**
     * The parameters without secrets, by name, as a JSON object: the text {@link Json#writeString} gives for
     * {@link #withoutSecrets}, written by hand (one per ping) unless a text holds what {@link JsonText} leaves to the
     * mapper.
     */
    static String paramsJson(Map<String, String> params) {
        // the names sorted in an array, not copied into a TreeMap: its nodes were a fifteenth of the log writer's time
        String[] names = params.keySet().toArray(new String[0]);
        Arrays.sort(names);
        JsonText json = new JsonText(24 * names.length + 2).startObject();
        for (String name : names) {
            if (!isSecret(name)) {
                json.name(name).value(Objects.requireNonNull(params.get(name)));
            }
        }
        return json.endObject().matchesMapper() ? json.toString() : Json.writeString(withoutSecrets(params));
    }

    /**
     * Each buyer considered as {@code {"buyer_id", "buyer_name", "chosen", "status", "reason"}} (a {@code null}
     * status when the reference has no word for it): the text the mapper wrote for the same tree, written by hand.
     */
    static String consideredJson(List<RtbPing.ConsideredBuyer> considered) {
        // sized for the texts, so the builder does not grow (names and reasons vary in length)
        int length = 2;
        for (RtbPing.ConsideredBuyer c : considered) {
            length += 100 + c.buyerName().length() + c.reason().length();
        }
        JsonText json = new JsonText(length).startArray();
        for (RtbPing.ConsideredBuyer c : considered) {
            json.startObject()
                    .plainName("buyer_id")
                    .value(c.buyerId())
                    .plainName("buyer_name")
                    .value(c.buyerName())
                    .plainName("chosen")
                    .value(c.chosen())
                    .plainName("status");
            if (c.status().isPresent()) {
                json.value(c.status().get().word());
            } else {
                json.nullValue();
            }
            json.plainName("reason").value(c.reason()).endObject();
        }
        return json.endArray().matchesMapper() ? json.toString() : Json.writeString(consideredTree(considered));
    }

    /** {@link #consideredJson} through the mapper, for texts {@link JsonText} leaves to it. */
    static ArrayNode consideredTree(List<RtbPing.ConsideredBuyer> considered) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (RtbPing.ConsideredBuyer c : considered) {
            ObjectNode node = out.addObject();
            node.put("buyer_id", c.buyerId());
            node.put("buyer_name", c.buyerName());
            node.put("chosen", c.chosen());
            node.put("status", c.status().map(RtbStatus::word).orElse(null));
            node.put("reason", c.reason());
        }
        return out;
    }
}
