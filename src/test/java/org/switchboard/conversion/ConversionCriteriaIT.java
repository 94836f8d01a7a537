package org.switchboard.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagFilter;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Conversion criteria through the admin API and their repository, on both engines. */
class ConversionCriteriaIT extends ServerIT {
    private static final String DURATION = """
            {"name": "Ninety seconds", "trigger": {"type": "duration", "seconds": 90},
             "revenue": {"type": "static", "amount": 12.5}, "payout": {"type": "static", "amount": "$8.00"}}""";

    private record Setup(Api api, long campaign, long buyer) {
        String campaignCriteria() {
            return "/api/v2/campaigns/" + campaign + "/conversion_criteria";
        }

        String buyerCriteria() {
            return "/api/v2/buyers/" + buyer + "/conversion_criteria";
        }

        long create(String path, String json) {
            Response created = api.post(path, json);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.id();
        }

        List<Long> order() {
            Response list = api.get(campaignCriteria());
            assertThat(list.status()).isEqualTo(200);
            List<Long> ids = new ArrayList<>();
            int expectedPosition = 1;
            for (JsonNode criterion : list.json()) {
                assertThat(criterion.path("position").asInt()).isEqualTo(expectedPosition++);
                ids.add(criterion.path("id").asLong());
            }
            return ids;
        }
    }

    private Setup setup() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Solar\"}").id();
        long buyer = api.post("/api/v2/buyers", "{\"name\": \"Bidder\", \"destination\": \"+12125550188\"}")
                .id();
        return new Setup(api, campaign, buyer);
    }

    @Test
    void everyTriggerAndRuleKindShouldBeStoredAndShownAsSent() {
        // given
        Setup s = setup();

        // when
        Response duration = s.api().post(s.campaignCriteria(), DURATION);
        Response rtb = s.api().post(s.campaignCriteria(), """
                {"name": "RTB buyer 44407", "matches": ["system_buyer_id:44407"],
                 "trigger": {"type": "duration", "seconds": 60, "seconds_tag": "Retreaver_RTB_44407_Timer"},
                 "revenue": {"type": "tag", "tag": "retreaver_rtb_44407_bid"},
                 "payout": {"type": "percent", "percent": 70}, "duplicate_window_seconds": 86400}""");
        Response tagOnly = s.api().post(s.campaignCriteria(), """
                {"name": "Timer only", "trigger": {"type": "duration", "seconds_tag": "timer"},
                 "revenue": {"type": "static", "amount": "1.173"}, "payout": {"type": "tag", "tag": "pay"}}""");
        Response postback = s.api().post(s.campaignCriteria(), """
                {"name": "Sale", "matches": ["publisher_id:17", "geo:us-ny"], "trigger": {"type": "postback"},
                 "revenue": {"type": "posted"}, "payout": {"type": "modifier", "modifier": " * 0.80 "}}""");
        Response noPayout = s.api().post(s.campaignCriteria(), """
                {"name": "Revenue only", "matches": ["handler_id:9"],
                 "trigger": {"type": "postback", "timeout_seconds": 1800},
                 "revenue": {"type": "static", "amount": 0}}""");

        // then
        assertThat(duration.status()).as(duration.toString()).isEqualTo(201);
        assertThat(duration.header("Location")).isEqualTo("/api/v2/conversion_criteria/" + duration.id());
        JsonNode first = duration.json();
        assertThat(first.path("owner_type").asText()).isEqualTo("campaign");
        assertThat(first.path("owner_id").asLong()).isEqualTo(s.campaign());
        assertThat(first.path("position").asInt()).isEqualTo(1);
        assertThat(first.path("matches").size()).isZero();
        assertThat(first.path("trigger").toString())
                .isEqualTo("{\"type\":\"duration\",\"seconds\":90,\"seconds_tag\":null}");
        assertThat(first.path("revenue").toString()).isEqualTo("{\"type\":\"static\",\"amount\":12.5}");
        assertThat(first.path("payout").toString()).isEqualTo("{\"type\":\"static\",\"amount\":8}");
        assertThat(first.path("duplicate_window_seconds").asInt()).isZero();

        assertThat(rtb.status()).as(rtb.toString()).isEqualTo(201);
        assertThat(rtb.json().path("position").asInt()).isEqualTo(2);
        assertThat(rtb.json().path("trigger").toString())
                .isEqualTo("{\"type\":\"duration\",\"seconds\":60,\"seconds_tag\":\"retreaver_rtb_44407_timer\"}");
        assertThat(rtb.json().path("revenue").toString())
                .isEqualTo("{\"type\":\"tag\",\"tag\":\"retreaver_rtb_44407_bid\"}");
        assertThat(rtb.json().path("payout").toString()).isEqualTo("{\"type\":\"percent\",\"percent\":70}");
        assertThat(rtb.json().path("duplicate_window_seconds").asInt()).isEqualTo(86_400);

        assertThat(tagOnly.status()).as(tagOnly.toString()).isEqualTo(201);
        assertThat(tagOnly.body()).contains("\"amount\":1.173");
        assertThat(tagOnly.json().path("trigger").path("seconds").isNull()).isTrue();

        assertThat(postback.status()).as(postback.toString()).isEqualTo(201);
        assertThat(postback.json().path("trigger").toString())
                .isEqualTo("{\"type\":\"postback\",\"timeout_seconds\":600}");
        assertThat(postback.json().path("revenue").toString()).isEqualTo("{\"type\":\"posted\"}");
        assertThat(postback.json().path("payout").toString())
                .as("the modifier in its canonical form")
                .isEqualTo("{\"type\":\"modifier\",\"modifier\":\"*0.8\"}");

        assertThat(noPayout.status()).as(noPayout.toString()).isEqualTo(201);
        assertThat(noPayout.json().path("trigger").path("timeout_seconds").asInt())
                .isEqualTo(1800);
        assertThat(noPayout.json().path("payout").toString())
                .as("no payout pays nothing")
                .isEqualTo("{\"type\":\"static\",\"amount\":0}");

        Response list = s.api().get(s.campaignCriteria());
        assertThat(list.header("X-Total-Count")).isEqualTo("5");
        assertThat(list.header("Link")).contains("rel=\"first\"");
        assertThat(s.order()).containsExactly(duration.id(), rtb.id(), tagOnly.id(), postback.id(), noPayout.id());
        Response shown = s.api().get("/api/v2/conversion_criteria/" + rtb.id());
        assertThat(shown.status()).isEqualTo(200);
        // buyer 44407 is not in this account: the answer that saved it says so; the criterion itself is as sent
        assertThat(rtb.json().path("warnings").get(0).asText()).startsWith("'system_buyer_id:44407' names no buyer");
        assertThat(shown.json())
                .isEqualTo(((com.fasterxml.jackson.databind.node.ObjectNode) rtb.json()).without("warnings"));
    }

    @Test
    void amountsShouldBeKeptExactly() {
        // given
        Setup s = setup();

        // when: more digits than a double holds, and a half-micro to round
        Response created = s.api().post(s.campaignCriteria(), """
                {"name": "Exact", "trigger": {"type": "duration", "seconds": 0},
                 "revenue": {"type": "static", "amount": 123456789.1234565},
                 "payout": {"type": "percent", "percent": "33.3333335"}}""");

        // then
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body()).contains("\"amount\":123456789.123457").contains("\"percent\":33.333334");
        ConversionCriterion stored = repository()
                .find(new AccountId(s.api().accountId()), created.id())
                .orElseThrow();
        assertThat(stored.revenue()).isEqualTo(new RevenueRule.Static(Money.of("123456789.123457")));
    }

    @Test
    void positionShouldMoveACriterionAndRenumberTheRest() {
        // given: a, b, c, d
        Setup s = setup();
        long a = s.create(s.campaignCriteria(), DURATION.replace("Ninety seconds", "a"));
        long b = s.create(s.campaignCriteria(), DURATION.replace("Ninety seconds", "b"));
        long c = s.create(s.campaignCriteria(), DURATION.replace("Ninety seconds", "c"));
        long d = s.create(s.campaignCriteria(), DURATION.replace("Ninety seconds", "d"));

        // when / then: c to the top
        Response moved = s.api().patch("/api/v2/conversion_criteria/" + c, "{\"position\": 1}");
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.json().path("position").asInt()).isEqualTo(1);
        assertThat(s.order()).containsExactly(c, a, b, d);

        // a to the bottom
        assertThat(s.api()
                        .patch("/api/v2/conversion_criteria/" + a, "{\"position\": 4}")
                        .status())
                .isEqualTo(200);
        assertThat(s.order()).containsExactly(c, b, d, a);

        // a new one in the middle
        Response inserted = s.api()
                .post(
                        s.campaignCriteria(),
                        DURATION.replace("Ninety seconds", "e").replace("{\"name\"", "{\"position\": 2, \"name\""));
        assertThat(inserted.status()).as(inserted.toString()).isEqualTo(201);
        assertThat(s.order()).containsExactly(c, inserted.id(), b, d, a);

        // deleting closes the gap
        assertThat(s.api().delete("/api/v2/conversion_criteria/" + b).status()).isEqualTo(204);
        assertThat(s.api().get("/api/v2/conversion_criteria/" + b).status()).isEqualTo(404);
        assertThat(s.order()).containsExactly(c, inserted.id(), d, a);

        // outside 1..n
        assertError(
                s.api().patch("/api/v2/conversion_criteria/" + a, "{\"position\": 5}"), "position", "between 1 and 4");
        assertError(s.api().patch("/api/v2/conversion_criteria/" + a, "{\"position\": 0}"), "position", "between 1");
        assertError(
                s.api().post(s.campaignCriteria(), DURATION.replace("{\"name\"", "{\"position\": 6, \"name\"")),
                "position",
                "between 1 and 5");
        assertThat(s.order()).containsExactly(c, inserted.id(), d, a);
    }

    @Test
    void concurrentInsertsShouldTakeDistinctPositions() throws Exception {
        // given
        Setup s = setup();
        int count = 12;

        // when: all at once, as two admins or a script might
        List<java.util.concurrent.Future<Response>> sent = new ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                String body = DURATION.replace("Ninety seconds", "n" + i);
                sent.add(executor.submit(() -> s.api().post(s.campaignCriteria(), body)));
            }
        }

        // then: positions 1..n without repeats (order() checks them)
        for (var response : sent) {
            assertThat(response.get().status()).as(response.get().toString()).isEqualTo(201);
        }
        assertThat(s.order()).hasSize(count).doesNotHaveDuplicates();
    }

    @Test
    void patchShouldReplaceOnlyTheFieldsSentAndRulesWhole() {
        // given
        Setup s = setup();
        long id = s.create(s.campaignCriteria(), DURATION);
        String path = "/api/v2/conversion_criteria/" + id;

        // when: a rename keeps the rest
        Response renamed = s.api().patch(path, "{\"name\": \"Renamed\"}");

        // then
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        assertThat(renamed.json().path("name").asText()).isEqualTo("Renamed");
        assertThat(renamed.json().path("revenue").path("amount").asText()).isEqualTo("12.5");

        // a switch to a postback trigger replaces the duration fields; it needs a publisher or buyer
        assertError(s.api().patch(path, "{\"trigger\": {\"type\": \"postback\"}}"), "matches", "publisher or buyer");
        Response switched = s.api().patch(path, """
                {"trigger": {"type": "postback", "timeout_seconds": 900}, "matches": ["source_id:abc"],
                 "revenue": {"type": "posted"}, "payout": {"type": "modifier", "modifier": "*0+(50)"}}""");
        assertThat(switched.status()).as(switched.toString()).isEqualTo(200);
        assertThat(switched.json().path("trigger").toString())
                .isEqualTo("{\"type\":\"postback\",\"timeout_seconds\":900}");
        assertThat(switched.json().path("payout").path("modifier").asText()).isEqualTo("*0+50");

        // posted revenue cannot go back to a duration trigger
        assertError(
                s.api().patch(path, "{\"trigger\": {\"type\": \"duration\", \"seconds\": 30}}"),
                "revenue.type",
                "postback trigger");

        // a fetched criterion can be sent back as it is
        Response sentBack = s.api().put(path, switched.body());
        assertThat(sentBack.status()).as(sentBack.toString()).isEqualTo(200);
        assertThat(withoutUpdatedAt(sentBack.json())).isEqualTo(withoutUpdatedAt(switched.json()));
        assertThat(sentBack.json().path("position").asInt()).isEqualTo(1);
    }

    @Test
    void invalidCriteriaShouldBeRefusedNamingTheField() {
        // given
        Setup s = setup();
        String postback = """
                {"name": "Sale", "matches": MATCHES, "trigger": {"type": "postback"}, "revenue": {"type": "posted"},
                 "payout": {"type": "modifier", "modifier": "*0.8"}}""";
        String withPublisher = postback.replace("MATCHES", "[\"publisher_id:17\"]");
        record Case(String body, String field, String message) {}
        List<Case> cases = List.of(
                new Case(DURATION.replace("{\"name\"", "{\"colour\": 1, \"name\""), "colour", "not a known field"),
                new Case(
                        DURATION.replace("\"amount\": 12.5}", "\"amount\": 12.5, \"currency\": \"usd\"}"),
                        "revenue.currency",
                        "not a known field"),
                new Case(withPublisher.replace("*0.8", "*0.8x"), "payout.modifier", "unexpected 'x' at position 5"),
                new Case(withPublisher.replace("*0.8", "*0+"), "payout.modifier", "expected a number at position 4"),
                new Case(withPublisher.replace("*0.8", "/0"), "payout.modifier", "division by zero at position 1"),
                new Case(withPublisher.replace("*0.8", "0.8"), "payout.modifier", "must start with an operator"),
                new Case(withPublisher.replace("\"*0.8\"", "0.8"), "payout.modifier", "must be a string"),
                new Case(postback.replace("MATCHES", "[]"), "matches", "publisher or buyer"),
                new Case(postback.replace("MATCHES", "[\"geo:us-ny\"]"), "matches", "publisher or buyer"),
                new Case(postback.replace("MATCHES", "[\"publisher_id:*\"]"), "matches", "publisher or buyer"),
                new Case(postback.replace("MATCHES", "[\"!system_buyer_id:4\"]"), "matches", "publisher or buyer"),
                new Case(postback.replace("MATCHES", "[\"not a term\"]"), "matches", "key:value"),
                new Case(DURATION.replace("\"seconds\": 90", "\"seconds\": null"), "trigger.seconds", "needs seconds"),
                new Case(
                        DURATION.replace("\"seconds\": 90", "\"seconds\": -1"),
                        "trigger.seconds",
                        "between 0 and 86400"),
                new Case(
                        DURATION.replace("\"seconds\": 90", "\"seconds\": 90, \"timeout_seconds\": 5"),
                        "trigger.timeout_seconds",
                        "only for postback"),
                new Case(
                        withPublisher.replace("{\"type\": \"postback\"}", "{\"type\": \"postback\", \"seconds\": 5}"),
                        "trigger.seconds",
                        "only for duration"),
                new Case(
                        withPublisher.replace(
                                "{\"type\": \"postback\"}", "{\"type\": \"postback\", \"timeout_seconds\": 0}"),
                        "trigger.timeout_seconds",
                        "between 1"),
                new Case(DURATION.replace("\"duration\"", "\"sometimes\""), "trigger.type", "duration or postback"),
                new Case(
                        DURATION.replace("{\"type\": \"duration\", \"seconds\": 90}", "\"duration\""),
                        "trigger",
                        "must be an object"),
                new Case(
                        DURATION.replace("\"amount\": 12.5", "\"amount\": -12.5"),
                        "revenue.amount",
                        "must not be negative"),
                new Case(DURATION.replace("\"$8.00\"", "\"-$8.00\""), "payout.amount", "must not be negative"),
                new Case(
                        DURATION.replace("\"amount\": 12.5", "\"amount\": \"abc\""), "revenue.amount", "not an amount"),
                new Case(
                        DURATION.replace("\"amount\": 12.5", "\"amount\": \"1e3\""), "revenue.amount", "not an amount"),
                new Case(DURATION.replace("\"amount\": 12.5", "\"amount\": 1000000001"), "revenue.amount", "at most"),
                new Case(DURATION.replace("\"amount\": 12.5", "\"amount\": true"), "revenue.amount", "number"),
                new Case(DURATION.replace("\"amount\": 12.5", "\"amount\": null"), "revenue.amount", "is required"),
                new Case(
                        DURATION.replace(
                                "{\"type\": \"static\", \"amount\": \"$8.00\"}",
                                "{\"type\": \"percent\", \"percent\": 1000.5}"),
                        "payout.percent",
                        "0 to 1000"),
                new Case(
                        DURATION.replace(
                                "{\"type\": \"static\", \"amount\": \"$8.00\"}",
                                "{\"type\": \"percent\", \"percent\": -1}"),
                        "payout.percent",
                        "0 to 1000"),
                new Case(
                        DURATION.replace(
                                "{\"type\": \"static\", \"amount\": \"$8.00\"}",
                                "{\"type\": \"percent\", \"percent\": \"lots\"}"),
                        "payout.percent",
                        "0 to 1000"),
                new Case(
                        DURATION.replace("{\"type\": \"static\", \"amount\": \"$8.00\"}", "{\"type\": \"tag\"}"),
                        "payout.tag",
                        "is required"),
                new Case(
                        DURATION.replace(
                                "{\"type\": \"static\", \"amount\": 12.5}",
                                "{\"type\": \"tag\", \"tag\": \"Bad Key!\"}"),
                        "revenue.tag",
                        "not a tag key"),
                new Case(
                        DURATION.replace("{\"type\": \"static\", \"amount\": 12.5}", "{\"type\": \"posted\"}"),
                        "revenue.type",
                        "postback trigger"),
                new Case(
                        DURATION.replace("{\"type\": \"static\", \"amount\": 12.5}", "{\"type\": \"bid\"}"),
                        "revenue.type",
                        "static, posted or tag"),
                new Case(
                        DURATION.replace("\"revenue\": {\"type\": \"static\", \"amount\": 12.5}, ", ""),
                        "revenue",
                        "is required"),
                new Case(
                        DURATION.replace("\"trigger\": {\"type\": \"duration\", \"seconds\": 90},", ""),
                        "trigger",
                        "is required"),
                new Case(DURATION.replace("\"name\": \"Ninety seconds\", ", ""), "name", "is required"),
                new Case(
                        DURATION.replace("{\"name\"", "{\"duplicate_window_seconds\": -1, \"name\""),
                        "duplicate_window_seconds",
                        "between 0"));

        SoftAssertions softly = new SoftAssertions();
        for (Case c : cases) {
            // when
            Response response = s.api().post(s.campaignCriteria(), c.body());

            // then
            softly.assertThat(response.status()).as(c.body()).isEqualTo(400);
            softly.assertThat(response.errorField()).as(c.body()).isEqualTo(c.field());
            softly.assertThat(response.json().path("error").path("message").asText())
                    .as(c.body())
                    .contains(c.message());
        }
        softly.assertAll();
        assertThat(s.api().get(s.campaignCriteria()).json().size()).isZero();
    }

    @Test
    void buyerCriteriaShouldBeTheBuyersOwnAndNeedNoPartyTag() {
        // given
        Setup s = setup();

        // when: the buyer's own postback criterion needs no system_buyer_id (its calls are the buyer's)
        Response created = s.api().post(s.buyerCriteria(), """
                {"name": "My sales", "trigger": {"type": "postback"}, "revenue": {"type": "posted"}}""");
        s.create(s.campaignCriteria(), DURATION);

        // then
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("owner_type").asText()).isEqualTo("buyer");
        assertThat(created.json().path("owner_id").asLong()).isEqualTo(s.buyer());
        assertThat(created.json().path("position").asInt()).isEqualTo(1);
        Response list = s.api().get(s.buyerCriteria());
        assertThat(list.json().size()).isEqualTo(1);
        assertThat(list.json().get(0).path("id").asLong()).isEqualTo(created.id());
        assertThat(s.api()
                        .patch("/api/v2/conversion_criteria/" + created.id(), "{\"name\": \"Sales\"}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void criteriaShouldGoWithTheirOwner() {
        // given
        Setup s = setup();
        long ofCampaign = s.create(s.campaignCriteria(), DURATION);
        long ofBuyer = s.create(s.buyerCriteria(), DURATION);
        long otherCampaign =
                s.api().post("/api/v2/campaigns", "{\"name\": \"Other\"}").id();
        long kept = s.create("/api/v2/campaigns/" + otherCampaign + "/conversion_criteria", DURATION);

        // when
        assertThat(s.api().delete("/api/v2/campaigns/" + s.campaign()).status()).isEqualTo(204);
        assertThat(s.api().delete("/api/v2/buyers/" + s.buyer()).status()).isEqualTo(204);

        // then
        assertThat(s.api().get("/api/v2/conversion_criteria/" + ofCampaign).status())
                .isEqualTo(404);
        assertThat(s.api().get("/api/v2/conversion_criteria/" + ofBuyer).status())
                .isEqualTo(404);
        assertThat(s.api().get(s.campaignCriteria()).status()).isEqualTo(404);
        assertThat(s.api().post(s.buyerCriteria(), DURATION).status()).isEqualTo(404);
        assertThat(s.api().get("/api/v2/conversion_criteria/" + kept).status()).isEqualTo(200);
    }

    @Test
    void anotherAccountsOwnersAndCriteriaShouldBeNotFound() {
        // given
        Setup a = setup();
        Api b = newAccount();
        long criterion = a.create(a.campaignCriteria(), DURATION);
        long buyerCriterion = a.create(a.buyerCriteria(), DURATION);
        String item = "/api/v2/conversion_criteria/" + criterion;

        // when / then
        for (String owner : List.of(a.campaignCriteria(), a.buyerCriteria())) {
            assertThat(b.get(owner).status()).as("GET " + owner).isEqualTo(404);
            assertThat(b.post(owner, DURATION).status()).as("POST " + owner).isEqualTo(404);
        }
        for (String path : List.of(item, "/api/v2/conversion_criteria/" + buyerCriterion)) {
            assertThat(b.get(path).status()).as("GET " + path).isEqualTo(404);
            assertThat(b.patch(path, "{\"name\": \"taken over\"}").status()).isEqualTo(404);
            assertThat(b.put(path, "{\"position\": 1}").status()).isEqualTo(404);
            assertThat(b.delete(path).status()).isEqualTo(404);
        }
        assertThat(a.api()
                        .get("/api/v2/campaigns/999999999/conversion_criteria")
                        .status())
                .isEqualTo(404);
        assertThat(a.api().get("/api/v2/conversion_criteria/not-an-id").status())
                .isEqualTo(404);
        assertThat(a.api().get(item).json().path("name").asText()).isEqualTo("Ninety seconds");
        assertThat(a.order()).containsExactly(criterion);
    }

    @Test
    void repositoryShouldKeepAccountsApart() {
        // given
        Setup s = setup();
        AccountId a = new AccountId(s.api().accountId());
        AccountId b = new AccountId(newAccount().accountId());
        long id = s.create(s.campaignCriteria(), DURATION);
        ConversionCriterionRepository repository = repository();
        ConversionCriterionIn in = new ConversionCriterionIn(
                "intruder",
                Optional.of(1),
                TagFilter.ANY,
                Trigger.Duration.ofSeconds(1),
                new RevenueRule.Static(Money.of("1")),
                new PayoutRule.Static(Money.ZERO),
                0);

        // when / then: B reads nothing of A's
        assertThat(repository.find(b, id)).isEmpty();
        assertThat(repository.listFor(b, ConversionCriterion.Owner.CAMPAIGN, s.campaign()))
                .isEmpty();
        assertThat(repository
                        .page(
                                b,
                                ConversionCriterion.Owner.CAMPAIGN,
                                s.campaign(),
                                new org.switchboard.platform.paging.PageRequest(1, 25))
                        .total())
                .isZero();
        // and writes nothing of A's
        assertThatThrownBy(() -> repository.insert(b, ConversionCriterion.Owner.CAMPAIGN, s.campaign(), in))
                .isInstanceOf(Problem.NotFound.class);
        assertThatThrownBy(() -> repository.update(b, id, in)).isInstanceOf(Problem.NotFound.class);
        assertThatThrownBy(() -> repository.delete(b, id)).isInstanceOf(Problem.NotFound.class);
        assertThatThrownBy(() -> repository.move(b, id, 1)).isInstanceOf(Problem.NotFound.class);
        assertThat(repository.listFor(a, ConversionCriterion.Owner.CAMPAIGN, s.campaign()))
                .extracting(ConversionCriterion::name)
                .containsExactly("Ninety seconds");
        // while A reorders its own
        ConversionCriterion second = repository.insert(a, ConversionCriterion.Owner.CAMPAIGN, s.campaign(), in);
        assertThat(second.position()).as("asked for position 1").isEqualTo(1);
        repository.move(a, second.id(), 2);
        assertThat(repository.listFor(a, ConversionCriterion.Owner.CAMPAIGN, s.campaign()))
                .extracting(ConversionCriterion::name, ConversionCriterion::position)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Ninety seconds", 1),
                        org.assertj.core.groups.Tuple.tuple("intruder", 2));
    }

    @Test
    void storedCriteriaShouldFeedThePolicy() {
        // given: the RTB document's setup, a duration criterion on a bidding buyer's timer and bid tags
        Setup s = setup();
        s.create(s.campaignCriteria(), """
                {"name": "RTB buyer 44407", "matches": ["system_buyer_id:44407"],
                 "trigger": {"type": "duration", "seconds": 120, "seconds_tag": "retreaver_rtb_44407_timer"},
                 "revenue": {"type": "tag", "tag": "retreaver_rtb_44407_bid"},
                 "payout": {"type": "percent", "percent": 70}}""");
        s.create(s.campaignCriteria(), DURATION);
        List<ConversionCriterion> criteria = repository()
                .listFor(new AccountId(s.api().accountId()), ConversionCriterion.Owner.CAMPAIGN, s.campaign());
        var tags = org.switchboard.tag.TagSet.of(
                "system_buyer_id", "44407", "retreaver_rtb_44407_timer", "95", "retreaver_rtb_44407_bid", "1.6757");

        // when
        ConversionCriterion chosen = ConversionPolicy.select(criteria, tags).orElseThrow();

        // then
        assertThat(chosen.name()).isEqualTo("RTB buyer 44407");
        assertThat(ConversionPolicy.requiredSeconds(chosen, tags)).hasValue(95);
        assertThat(ConversionPolicy.amounts(chosen, tags, Optional.empty()))
                .isEqualTo(new ConversionPolicy.Amounts(
                        Optional.of(Money.of("1.6757")), Optional.of(Money.of("1.17299"))));
        assertThat(ConversionPolicy.select(criteria, org.switchboard.tag.TagSet.empty())
                        .orElseThrow()
                        .name())
                .isEqualTo("Ninety seconds");
    }

    private static ConversionCriterionRepository repository() {
        return new ConversionCriterionRepository(
                server.wiring().database().jdbi(),
                Clock.systemUTC(),
                server.wiring().configChanges());
    }

    private static void assertError(Response response, String field, String message) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.errorField()).as(response.toString()).isEqualTo(field);
        assertThat(response.json().path("error").path("message").asText()).contains(message);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("invalid");
    }

    private static JsonNode withoutUpdatedAt(JsonNode criterion) {
        ObjectNode copy = criterion.deepCopy();
        copy.remove("updated_at");
        return copy;
    }
}
