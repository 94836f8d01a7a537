package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * The money report end to end: calls driven through the call-control API, decided by duration and postback criteria
 * (and a buyer's own criterion), converted by real postbacks, then reported per campaign, publisher, buyer and day,
 * with exact decimals, local days either side of midnight, filters, validation and account isolation.
 */
class ReportIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    /** Reads amounts as the exact decimals sent, not as doubles. */
    private static final ObjectMapper EXACT =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** An amount written with a trailing zero after the point, or in exponent form. */
    private static final Pattern UNTIDY_AMOUNT =
            Pattern.compile("\"(revenue|payout|profit|buyer_revenue)\":(-?\\d+\\.\\d*0[,}]|[^,}]*[eE])");

    @AfterEach
    void resetClock() {
        server.clock().reset();
    }

    private String nextNumber() {
        return "+1866554" + String.format("%04d", NEXT.incrementAndGet());
    }

    /** An account's campaign, buyer and tracking number, for simple calls. */
    private record Line(Api api, Calls calls, long campaign, long buyer, String number) {
        String call(String caller, int connected) {
            String uuid = calls.arrive(caller, number).json().path("call_uuid").asText();
            calls.attempt(uuid, 1, "answered");
            calls.hangup(uuid, connected + 10, connected);
            return uuid;
        }
    }

    private Line line(Api api, String campaignName, String publisherJson) {
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"" + campaignName + "\"}")
                .id();
        String number = nextNumber();
        Response created = api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + publisherJson + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"" + campaignName + " buyer\", \"destination\": \"+12125550701\","
                                + " \"campaign_ids\": [" + campaign + "]}")
                .id();
        return new Line(api, new Calls(api), campaign, buyer, number);
    }

    private static void criterion(Api api, String owner, long id, String json) {
        Response created = api.post("/api/v2/" + owner + "/" + id + "/conversion_criteria", json);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static JsonNode report(Api api, String query) {
        Response response = api.get("/api/v2/reports/calls?" + query);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(UNTIDY_AMOUNT.matcher(response.body()).find())
                .as(response.body())
                .isFalse();
        try {
            return EXACT.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertCounters(
            JsonNode node,
            long calls,
            long connected,
            long converted,
            String revenue,
            String payout,
            String profit,
            String buyerRevenue) {
        assertThat(node.path("calls").asLong()).as("calls of " + node).isEqualTo(calls);
        assertThat(node.path("connected").asLong()).as("connected of " + node).isEqualTo(connected);
        assertThat(node.path("converted").asLong()).as("converted of " + node).isEqualTo(converted);
        assertThat(node.path("revenue").decimalValue()).as("revenue of " + node).isEqualTo(new BigDecimal(revenue));
        assertThat(node.path("payout").decimalValue()).as("payout of " + node).isEqualTo(new BigDecimal(payout));
        assertThat(node.path("profit").decimalValue()).as("profit of " + node).isEqualTo(new BigDecimal(profit));
        assertThat(node.path("buyer_revenue").decimalValue())
                .as("buyer_revenue of " + node)
                .isEqualTo(new BigDecimal(buyerRevenue));
    }

    private static List<String> keys(JsonNode report) {
        List<String> keys = new ArrayList<>();
        report.path("rows")
                .forEach(row -> keys.add(
                        row.path("key").isNull() ? null : row.path("key").asText()));
        return keys;
    }

    private static Response postback(Api api, String key, String query) {
        return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/postbacks/" + key + "?" + query))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** Moves the server's clock forward to {@code target} (never back: other timers run on real time). */
    private static Instant moveClockTo(Instant target) {
        Instant now = server.clock().instant();
        assertThat(target).isAfter(now);
        server.clock().advance(Duration.between(now, target));
        return target;
    }

    @Test
    void reportShouldCountCallsAndSumExactMoneyByEveryGrouping() {
        // given: noon UTC, so every call is on one UTC day
        Instant now = server.clock().instant();
        Instant noon = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(12));
        moveClockTo(noon.isAfter(now) ? noon : noon.plus(Duration.ofDays(1)));
        LocalDate day = server.clock().instant().atZone(ZoneId.of("UTC")).toLocalDate();
        Api api = newAccount();
        long p1 = api.post("/api/v2/publishers", "{\"name\": \"Pub One\"}").id();
        long p2 = api.post("/api/v2/publishers", "{\"name\": \"Pub Two\"}").id();
        // Auto: converts at 60 s for 1.6757, pays 70% (1.17299); its buyer counts 20 of its own from 30 s
        Line auto = line(api, "Auto", ", \"publisher_id\": " + p1);
        String autoSecondNumber = nextNumber();
        long autoSecondNumberId = api.post(
                        "/api/v2/numbers",
                        "{\"number\": \"" + autoSecondNumber + "\", \"campaign_id\": " + auto.campaign()
                                + ", \"publisher_id\": " + p2 + "}")
                .id();
        Line autoViaP2 = new Line(api, auto.calls(), auto.campaign(), auto.buyer(), autoSecondNumber);
        criterion(api, "campaigns", auto.campaign(), """
                {"name": "Sixty seconds", "trigger": {"type": "duration", "seconds": 60},
                 "revenue": {"type": "static", "amount": "1.6757"}, "payout": {"type": "percent", "percent": 70}}""");
        criterion(api, "buyers", auto.buyer(), """
                {"name": "Buyer's view", "trigger": {"type": "duration", "seconds": 30},
                 "revenue": {"type": "static", "amount": 20}}""");
        // Home: no publisher; converts on the buyer's postback for the posted value, pays 80% of it
        Line home = line(api, "Home", "");
        criterion(api, "campaigns", home.campaign(), """
                {"name": "Sale", "matches": ["system_buyer_id:%d"], "trigger": {"type": "postback"},
                 "revenue": {"type": "posted"}, "payout": {"type": "modifier", "modifier": "*0.8"}}""".formatted(home.buyer()));
        String key = api.post(
                        "/api/v2/buyers/" + home.buyer() + "/postback_keys",
                        "{\"type\": \"conversion\", \"name\": \"Home sales\"}")
                .json()
                .path("key")
                .asText();

        // when: Auto via Pub One: 95 s and 61 s convert, one call is still live
        auto.call("+13125550901", 95);
        auto.call("+13125550902", 61);
        String live = auto.calls()
                .arrive("+13125550903", auto.number())
                .json()
                .path("call_uuid")
                .asText();
        auto.calls().attempt(live, 1, "answered");
        // Auto via Pub Two: 75 s converts, 45 s does not (but reaches the buyer's 30 s), one goes unanswered
        autoViaP2.call("+13125550904", 75);
        autoViaP2.call("+13125550905", 45);
        String unanswered = auto.calls()
                .arrive("+13125550906", autoSecondNumber)
                .json()
                .path("call_uuid")
                .asText();
        auto.calls().attempt(unanswered, 1, "no_answer");
        auto.calls().hangup(unanswered, 30, 0);
        // Home: two postbacks convert, one call waits for its postback
        String sale1 = home.call("+13125550907", 120);
        String sale2 = home.call("+13125550908", 30);
        home.call("+13125550909", 200);
        assertThat(postback(api, key, "call_uuid=" + sale1 + "&value=10").body())
                .isEqualTo("SUCCESS " + sale1 + " 10.00");
        assertThat(postback(api, key, "call_uuid=" + sale2 + "&value=12.345678").body())
                .isEqualTo("SUCCESS " + sale2 + " 12.35");
        // Pub Two goes away after its calls (its number first): its row keeps its id, without a name
        assertThat(api.delete("/api/v2/numbers/" + autoSecondNumberId).status()).isEqualTo(204);
        assertThat(api.delete("/api/v2/publishers/" + p2).status()).isEqualTo(204);
        // another account's calls in the same range
        Api other = newAccount();
        Line otherLine = line(other, "Other", "");
        criterion(other, "campaigns", otherLine.campaign(), """
                {"name": "Any", "trigger": {"type": "duration", "seconds": 1},
                 "revenue": {"type": "static", "amount": 99}, "payout": {"type": "static", "amount": 33}}""");
        otherLine.call("+13125550910", 100);
        String range = "from=" + day + "T00:00:00Z&to=" + day.plusDays(1) + "T00:00:00Z";

        // then: per campaign. Revenue 3 x 1.6757 + 10 + 12.345678; payout 3 x 1.17299 + 8 + 9.876542 (80%, half up)
        JsonNode byCampaign = report(api, range + "&group_by=campaign");
        assertThat(byCampaign.path("group_by").asText()).isEqualTo("campaign");
        assertThat(byCampaign.path("time_zone").asText()).isEqualTo("UTC");
        assertThat(byCampaign.path("from").asText()).isEqualTo(day + "T00:00:00Z");
        assertThat(byCampaign.path("to").asText()).isEqualTo(day.plusDays(1) + "T00:00:00Z");
        assertThat(keys(byCampaign)).containsExactly(Long.toString(auto.campaign()), Long.toString(home.campaign()));
        JsonNode autoRow = byCampaign.path("rows").get(0);
        assertThat(autoRow.path("key").isIntegralNumber()).isTrue();
        assertThat(autoRow.path("name").asText()).isEqualTo("Auto");
        assertCounters(autoRow, 6, 5, 3, "5.0271", "3.51897", "1.50813", "80");
        JsonNode homeRow = byCampaign.path("rows").get(1);
        assertThat(homeRow.path("name").asText()).isEqualTo("Home");
        assertCounters(homeRow, 3, 3, 2, "22.345678", "17.876542", "4.469136", "0");
        assertCounters(byCampaign.path("totals"), 9, 8, 5, "27.372778", "21.395512", "5.977266", "80");

        // then: per publisher, calls without one last; the deleted publisher has no name
        JsonNode byPublisher = report(api, range + "&group_by=publisher");
        assertThat(keys(byPublisher)).containsExactly(Long.toString(p1), Long.toString(p2), null);
        assertThat(byPublisher.path("rows").get(0).path("name").asText()).isEqualTo("Pub One");
        assertThat(byPublisher.path("rows").get(1).path("name").isNull()).isTrue();
        assertThat(byPublisher.path("rows").get(2).path("name").isNull()).isTrue();
        assertCounters(byPublisher.path("rows").get(0), 3, 3, 2, "3.3514", "2.34598", "1.00542", "40");
        assertCounters(byPublisher.path("rows").get(1), 3, 2, 1, "1.6757", "1.17299", "0.50271", "40");
        assertCounters(byPublisher.path("rows").get(2), 3, 3, 2, "22.345678", "17.876542", "4.469136", "0");
        assertCounters(byPublisher.path("totals"), 9, 8, 5, "27.372778", "21.395512", "5.977266", "80");

        // then: per answering buyer; the unanswered call has none
        JsonNode byBuyer = report(api, range + "&group_by=buyer");
        assertThat(keys(byBuyer)).containsExactly(Long.toString(auto.buyer()), Long.toString(home.buyer()), null);
        assertThat(byBuyer.path("rows").get(0).path("name").asText()).isEqualTo("Auto buyer");
        assertCounters(byBuyer.path("rows").get(0), 5, 5, 3, "5.0271", "3.51897", "1.50813", "80");
        assertCounters(byBuyer.path("rows").get(1), 3, 3, 2, "22.345678", "17.876542", "4.469136", "0");
        assertCounters(byBuyer.path("rows").get(2), 1, 0, 0, "0", "0", "0", "0");

        // then: per day (the default grouping), in UTC
        JsonNode byDay = report(api, range);
        assertThat(byDay.path("group_by").asText()).isEqualTo("day");
        assertThat(keys(byDay)).containsExactly(day.toString());
        assertThat(byDay.path("rows").get(0).path("name").isNull()).isTrue();
        assertCounters(byDay.path("rows").get(0), 9, 8, 5, "27.372778", "21.395512", "5.977266", "80");

        // then: filters combine with any grouping
        assertCounters(
                report(api, range + "&group_by=campaign&publisher_id=" + p1).path("totals"),
                3,
                3,
                2,
                "3.3514",
                "2.34598",
                "1.00542",
                "40");
        JsonNode homeOnly = report(api, range + "&group_by=publisher&buyer_id=" + home.buyer());
        assertThat(keys(homeOnly)).containsExactly((String) null);
        assertCounters(homeOnly.path("totals"), 3, 3, 2, "22.345678", "17.876542", "4.469136", "0");
        assertCounters(
                report(api, range + "&campaign_id=" + auto.campaign()).path("totals"),
                6,
                5,
                3,
                "5.0271",
                "3.51897",
                "1.50813",
                "80");

        // then: another account's calls never appear, not even when its campaign is named
        JsonNode foreign = report(api, range + "&group_by=campaign&campaign_id=" + otherLine.campaign());
        assertThat(foreign.path("rows")).isEmpty();
        assertCounters(foreign.path("totals"), 0, 0, 0, "0", "0", "0", "0");
        JsonNode theirs = report(other, range + "&group_by=campaign");
        assertThat(keys(theirs)).containsExactly(Long.toString(otherLine.campaign()));
        assertCounters(theirs.path("totals"), 1, 1, 1, "99", "33", "66", "0");
    }

    @Test
    void callsEitherSideOfMidnightInNewYorkShouldFallOnTheirOwnLocalDays() {
        // given: the next 23:30 in New York, then 00:30 the next day
        Api api = newAccount();
        Line line = line(api, "Night", "");
        ZonedDateTime now = server.clock().instant().atZone(NEW_YORK);
        ZonedDateTime lateEvening = now.toLocalDate().atTime(23, 30).atZone(NEW_YORK);
        if (!lateEvening.isAfter(now)) {
            lateEvening = lateEvening.plusDays(1);
        }
        LocalDate first = lateEvening.toLocalDate();
        LocalDate second = first.plusDays(1);

        // when
        moveClockTo(lateEvening.toInstant());
        line.call("+13125550911", 20);
        moveClockTo(second.atTime(0, 30).atZone(NEW_YORK).toInstant());
        line.call("+13125550912", 20);
        line.call("+13125550913", 20);

        // then: New York days split them; dates in from/to are days of time_zone
        JsonNode newYork = report(api, "from=" + first + "&to=" + second + "&time_zone=America/New_York");
        assertThat(newYork.path("time_zone").asText()).isEqualTo("America/New_York");
        assertThat(Instant.parse(newYork.path("from").asText()))
                .isEqualTo(first.atStartOfDay(NEW_YORK).toInstant());
        assertThat(keys(newYork)).containsExactly(first.toString(), second.toString());
        assertThat(newYork.path("rows").get(0).path("calls").asLong()).isEqualTo(1);
        assertThat(newYork.path("rows").get(1).path("calls").asLong()).isEqualTo(2);
        assertThat(newYork.path("totals").path("calls").asLong()).isEqualTo(3);
        assertThat(newYork.path("totals").path("connected").asLong()).isEqualTo(3);
        // one day is asked as from=D&to=D: the day starting at local midnight holds only the later calls
        JsonNode secondDay = report(api, "from=" + second + "&to=" + second + "&time_zone=America/New_York");
        assertThat(keys(secondDay)).containsExactly(second.toString());
        assertThat(secondDay.path("totals").path("calls").asLong()).isEqualTo(2);
        // a date as to ends with that day: the calls after local midnight are left out
        JsonNode firstDay = report(api, "from=" + first + "&to=" + first + "&time_zone=America/New_York");
        assertThat(Instant.parse(firstDay.path("to").asText()))
                .isEqualTo(second.atStartOfDay(NEW_YORK).toInstant());
        assertThat(firstDay.path("totals").path("calls").asLong()).isEqualTo(1);
        // by hour: the local hours with their offsets, the same totals
        JsonNode hours = report(api, "from=" + first + "&to=" + second + "&time_zone=America/New_York&group_by=hour");
        assertThat(keys(hours))
                .containsExactly(
                        lateEvening
                                .truncatedTo(ChronoUnit.HOURS)
                                .toOffsetDateTime()
                                .toString(),
                        second.atTime(0, 0).atZone(NEW_YORK).toOffsetDateTime().toString());
        assertThat(hours.path("rows").get(1).path("calls").asLong()).isEqualTo(2);
        assertThat(hours.path("totals")).isEqualTo(newYork.path("totals"));
        // in UTC (04:30 or 03:30 and 05:30 or 04:30) all three are on one day
        LocalDate utcDay = lateEvening.toInstant().atZone(ZoneId.of("UTC")).toLocalDate();
        JsonNode utc = report(api, "from=" + utcDay + "&to=" + utcDay);
        assertThat(keys(utc)).containsExactly(utcDay.toString());
        assertThat(utc.path("rows").get(0).path("calls").asLong()).isEqualTo(3);
    }

    @Test
    void badParametersShouldBeRefusedNamingTheParameter() {
        // given
        Api api = newAccount();
        String[][] cases = {
            {"to=2026-12-02T00:00:00Z", "from"},
            {"from=2026-12-01T00:00:00Z", "to"},
            {"from=noon&to=2026-12-02T00:00:00Z", "from"},
            {"from=2026-12-02T00:00:00Z&to=2026-12-02T00:00:00Z", "to"},
            {"from=2026-12-03T00:00:00Z&to=2026-12-02T00:00:00Z", "to"},
            {"from=2025-12-01T00:00:00Z&to=2026-12-03T00:00:00Z", "to"},
            {"from=2026-12-01&to=2026-12-02&group_by=week", "group_by"},
            {"from=2026-11-01&to=2026-12-02&group_by=hour", "to"},
            {"from=2026-12-01&to=2026-12-02&time_zone=EST5EDT-nope", "time_zone"},
            {"from=2026-12-01&to=2026-12-02&time_zone=GMT%2B5", "time_zone"},
            {"from=2026-12-01&to=2026-12-02&campaign_id=abc", "campaign_id"},
            {"from=2026-12-01&to=2026-12-02&publisher_id=0", "publisher_id"},
            {"from=2026-12-01&to=2026-12-02&buyer_id=-1", "buyer_id"},
        };

        for (String[] c : cases) {
            // when
            Response response = api.get("/api/v2/reports/calls?" + c[0]);

            // then
            assertThat(response.status()).as(c[0] + " " + response).isEqualTo(400);
            assertThat(response.errorCode()).as(c[0]).isEqualTo("invalid");
            assertThat(response.errorField()).as(c[0]).isEqualTo(c[1]);
        }
        Response anonymous = server.anonymous().get("/api/v2/reports/calls?from=2026-12-01&to=2026-12-02");
        assertThat(anonymous.status()).isEqualTo(401);
    }
}
