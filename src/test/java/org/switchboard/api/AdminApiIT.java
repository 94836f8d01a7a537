package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Create, read, update, list and delete of every admin resource, with validation, on both engines. */
class AdminApiIT extends ServerIT {
    private Api account() {
        return newAccount();
    }

    @Test
    void campaignShouldBeCreatedReadUpdatedListedAndDeleted() {
        // given
        Api api = account();

        // when
        Response created = api.post("/api/v2/campaigns", """
                {"name": "Solar", "cid": "solar-1", "repeat_caller_handling": true, "time_zone": "America/Chicago",
                 "tags": {"vertical": "solar", "tier": ["a", "b"]}}""");

        // then
        assertThat(created.status()).isEqualTo(201);
        long id = created.id();
        assertThat(created.header("Location")).isEqualTo("/api/v2/campaigns/" + id);
        JsonNode body = created.json();
        assertThat(body.path("name").asText()).isEqualTo("Solar");
        assertThat(body.path("cid").asText()).isEqualTo("solar-1");
        assertThat(body.path("paused").asBoolean()).isFalse();
        assertThat(body.path("repeat_caller_handling").asBoolean()).isTrue();
        assertThat(body.path("repeat_caller_window_seconds").asLong()).isEqualTo(86_400);
        assertThat(body.path("use_company_default_webhooks").asBoolean()).isTrue();
        assertThat(body.path("time_zone").asText()).isEqualTo("America/Chicago");
        assertThat(body.path("tags").toString()).isEqualTo("{\"vertical\":[\"solar\"],\"tier\":[\"a\",\"b\"]}");

        Response read = api.get("/api/v2/campaigns/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(body);

        Response updated = api.patch("/api/v2/campaigns/" + id, "{\"paused\": true, \"name\": \"Solar West\"}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().path("paused").asBoolean()).isTrue();
        assertThat(updated.json().path("name").asText()).isEqualTo("Solar West");
        assertThat(updated.json().path("cid").asText())
                .as("untouched fields stay")
                .isEqualTo("solar-1");

        Response sentBack = api.put("/api/v2/campaigns/" + id, updated.body());
        assertThat(sentBack.status())
                .as("a fetched object can be sent back as is")
                .isEqualTo(200);

        Response list = api.get("/api/v2/campaigns");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().size()).isEqualTo(1);
        assertThat(list.header("X-Total-Count")).isEqualTo("1");

        assertThat(api.delete("/api/v2/campaigns/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v2/campaigns/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/api/v2/campaigns/" + id).status()).isEqualTo(404);
    }

    @Test
    void campaignShouldRejectBadFieldsNamingThem() {
        Api api = account();
        assertError(api.post("/api/v2/campaigns", "{}"), 400, "name");
        assertError(api.post("/api/v2/campaigns", "{\"name\": 5}"), 400, "name");
        assertError(api.post("/api/v2/campaigns", "{\"name\": \"x\", \"paused\": \"yes\"}"), 400, "paused");
        assertError(api.post("/api/v2/campaigns", "{\"name\": \"x\", \"time_zone\": \"Mars/Base\"}"), 400, "time_zone");
        assertError(
                api.post("/api/v2/campaigns", "{\"name\": \"x\", \"repeat_caller_window_seconds\": 1.5}"),
                400,
                "repeat_caller_window_seconds");
        assertError(api.post("/api/v2/campaigns", "{\"name\": \"x\", \"tags\": {\"Bad Key\": \"v\"}}"), 400, "tags");
        assertError(api.post("/api/v2/campaigns", "{\"name\": \"x\", \"colour\": \"red\"}"), 400, "colour");
        assertThat(api.post("/api/v2/campaigns", "{\"name\": \"x\", \"cid\": \"dup\"}")
                        .status())
                .isEqualTo(201);
        assertError(api.post("/api/v2/campaigns", "{\"name\": \"y\", \"cid\": \"dup\"}"), 409, "cid");
        assertError(api.post("/api/v2/campaigns", "[1, 2]"), 400, null);
        assertError(api.post("/api/v2/campaigns", "{\"name\": "), 400, null);
    }

    @Test
    void campaignWithTrackingNumbersShouldNotBeDeleted() {
        // given
        Api api = account();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Busy\"}").id();
        long number = api.post("/api/v2/numbers", "{\"number\": \"+13125550147\", \"campaign_id\": " + campaign + "}")
                .id();

        // when
        Response refused = api.delete("/api/v2/campaigns/" + campaign);

        // then
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("error").path("message").asText()).contains("tracking number");
        assertThat(api.delete("/api/v2/numbers/" + number).status()).isEqualTo(204);
        assertThat(api.delete("/api/v2/campaigns/" + campaign).status()).isEqualTo(204);
    }

    @Test
    void publisherShouldBeManagedAndProtectedWhileNumbersNameIt() {
        Api api = account();
        Response created = api.post(
                "/api/v2/publishers", "{\"name\": \"Leads R Us\", \"cid\": \"lru\", \"tags\": [\"traffic:social\"]}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("tags").toString()).isEqualTo("{\"traffic\":[\"social\"]}");
        long publisher = created.id();
        assertThat(api.patch("/api/v2/publishers/" + publisher, "{\"name\": \"Leads R Us 2\"}")
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo("Leads R Us 2");
        assertError(api.post("/api/v2/publishers", "{\"name\": \"Copy\", \"cid\": \"lru\"}"), 409, "cid");

        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();
        long number = api.post(
                        "/api/v2/numbers",
                        "{\"number\": \"+14155550132\", \"campaign_id\": " + campaign + ", \"publisher_id\": "
                                + publisher + "}")
                .id();
        assertThat(api.delete("/api/v2/publishers/" + publisher).status()).isEqualTo(409);
        assertThat(api.patch("/api/v2/numbers/" + number, "{\"publisher_id\": null}")
                        .status())
                .isEqualTo(200);
        assertThat(api.delete("/api/v2/publishers/" + publisher).status()).isEqualTo(204);
        assertThat(api.get("/api/v2/publishers").json().size()).isZero();
    }

    @Test
    void trackingNumberShouldBeNormalisedToE164AndUniqueAcrossAccounts() {
        // given
        Api api = account();
        Api other = account();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();
        long otherCampaign =
                other.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();

        // when
        Response created = api.post(
                "/api/v2/numbers",
                "{\"number\": \"(646) 555-0189\", \"campaign_id\": " + campaign + ", \"tags\": {\"ad\": \"tv\"}}");

        // then
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("number").asText()).isEqualTo("+16465550189");
        assertThat(created.json().path("publisher_id").isNull()).isTrue();
        assertError(
                other.post("/api/v2/numbers", "{\"number\": \"+16465550189\", \"campaign_id\": " + otherCampaign + "}"),
                409,
                "number");
        assertError(
                api.post("/api/v2/numbers", "{\"number\": \"555\", \"campaign_id\": " + campaign + "}"), 400, "number");
        assertError(api.post("/api/v2/numbers", "{\"number\": \"+16465550190\"}"), 400, "campaign_id");
        assertError(
                api.post("/api/v2/numbers", "{\"number\": \"+16465550190\", \"campaign_id\": 999999}"),
                400,
                "campaign_id");
        assertError(
                api.post(
                        "/api/v2/numbers",
                        "{\"number\": \"+16465550190\", \"campaign_id\": " + campaign + ", \"publisher_id\": 999999}"),
                400,
                "publisher_id");
        Response filtered = api.get("/api/v2/numbers?campaign_id=" + campaign);
        assertThat(filtered.json().size()).isEqualTo(1);
        assertThat(api.get("/api/v2/numbers?campaign_id=" + (campaign + 1000))
                        .json()
                        .size())
                .isZero();
        assertError(api.get("/api/v2/numbers?campaign_id=abc"), 400, "campaign_id");
    }

    @Test
    void buyerShouldKeepEveryRoutingSetting() {
        // given
        Api api = account();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();

        // when
        Response created = api.post("/api/v2/buyers", """
                {"name": "Acme", "cid": "acme", "dba_name": "Acme Insurance LLC", "destination": "212-555-0147",
                 "ring_timeout_seconds": 20, "priority": 2, "weight": 40, "time_zone": "America/New_York",
                 "hours": {"monday": [{"open": "09:00", "close": "17:00"}, {"open": "22:00", "close": "02:00"}],
                           "sunday": [{"open": "00:00", "close": "24:00"}]},
                 "concurrency_cap": 3, "hourly_cap": 10, "daily_cap": 50, "monthly_cap": 900, "hard_cap": 5000,
                 "paused": true, "tags": {"buyer_tier": "gold"}, "tag_filters": ["geo:us-ny", "geo:us-nj", "!source:bad"],
                 "campaign_ids": [%d]}""".formatted(campaign));

        // then
        assertThat(created.status()).isEqualTo(201);
        JsonNode b = created.json();
        assertThat(b.path("destination").asText()).isEqualTo("+12125550147");
        assertThat(b.path("ring_timeout_seconds").asInt()).isEqualTo(20);
        assertThat(b.path("priority").asInt()).isEqualTo(2);
        assertThat(b.path("weight").asInt()).isEqualTo(40);
        assertThat(b.path("hours").toString())
                .isEqualTo(
                        "{\"monday\":[{\"open\":\"09:00\",\"close\":\"17:00\"},{\"open\":\"22:00\",\"close\":\"02:00\"}],"
                                + "\"sunday\":[{\"open\":\"00:00\",\"close\":\"24:00\"}]}");
        assertThat(b.path("concurrency_cap").asInt()).isEqualTo(3);
        assertThat(b.path("hourly_cap").asInt()).isEqualTo(10);
        assertThat(b.path("daily_cap").asInt()).isEqualTo(50);
        assertThat(b.path("monthly_cap").asInt()).isEqualTo(900);
        assertThat(b.path("hard_cap").asInt()).isEqualTo(5000);
        assertThat(b.path("hard_cap_reset_at").isNull()).isTrue();
        assertThat(b.path("paused").asBoolean()).isTrue();
        assertThat(b.path("tag_filters").toString()).isEqualTo("[\"geo:us-ny\",\"geo:us-nj\",\"!source:bad\"]");
        assertThat(b.path("campaign_ids").toString()).isEqualTo("[" + campaign + "]");
        assertThat(b.path("dba_name").asText()).isEqualTo("Acme Insurance LLC");

        long id = created.id();
        Response reset = api.post("/api/v2/buyers/" + id + "/reset_hard_cap", null);
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().path("hard_cap_reset_at").asText()).isNotEmpty();

        Response cleared =
                api.patch("/api/v2/buyers/" + id, "{\"hours\": null, \"hard_cap\": null, \"campaign_ids\": []}");
        assertThat(cleared.json().path("hours").isNull()).isTrue();
        assertThat(cleared.json().path("hard_cap").isNull()).isTrue();
        assertThat(cleared.json().path("campaign_ids").size()).isZero();
        assertThat(api.get("/api/v2/buyers?campaign_id=" + campaign).json().size())
                .isZero();
        assertThat(api.delete("/api/v2/buyers/" + id).status()).isEqualTo(204);
    }

    @Test
    void buyerShouldAcceptSipDestinationsAndRejectBadSettings() {
        Api api = account();
        Response sip = api.post(
                "/api/v2/buyers",
                "{\"name\": \"S\", \"destination\": \"sip:agent@pbx.example.com:5060;transport=tcp\"}");
        assertThat(sip.status()).isEqualTo(201);
        assertThat(sip.json().path("destination").asText()).isEqualTo("sip:agent@pbx.example.com:5060;transport=tcp");
        assertThat(sip.json().path("ring_timeout_seconds").asInt()).isEqualTo(30);
        assertThat(sip.json().path("priority").asInt()).isEqualTo(1);
        assertThat(sip.json().path("weight").asInt()).isEqualTo(1);
        assertThat(sip.json().path("time_zone").asText()).isEqualTo("UTC");

        assertError(api.post("/api/v2/buyers", "{\"name\": \"S\"}"), 400, "destination");
        assertError(
                api.post("/api/v2/buyers", "{\"name\": \"S\", \"destination\": \"sip:nohost\"}"), 400, "destination");
        assertError(api.post("/api/v2/buyers", "{\"name\": \"S\", \"destination\": \"call me\"}"), 400, "destination");
        String ok = "\"name\": \"S\", \"destination\": \"+12125550147\"";
        assertError(
                api.post("/api/v2/buyers", "{" + ok + ", \"ring_timeout_seconds\": 1}"), 400, "ring_timeout_seconds");
        assertError(api.post("/api/v2/buyers", "{" + ok + ", \"weight\": 0}"), 400, "weight");
        assertError(api.post("/api/v2/buyers", "{" + ok + ", \"daily_cap\": -1}"), 400, "daily_cap");
        assertError(api.post("/api/v2/buyers", "{" + ok + ", \"hours\": {\"funday\": []}}"), 400, "hours");
        assertError(
                api.post(
                        "/api/v2/buyers",
                        "{" + ok + ", \"hours\": {\"monday\": [{\"open\": \"25:00\", \"close\": \"26:00\"}]}}"),
                400,
                "hours");
        assertError(
                api.post(
                        "/api/v2/buyers",
                        "{" + ok + ", \"hours\": {\"monday\": [{\"open\": \"09:00\", \"close\": \"09:00\"}]}}"),
                400,
                "hours");
        assertError(api.post("/api/v2/buyers", "{" + ok + ", \"tag_filters\": [\"nocolon\"]}"), 400, "tag_filters");
        assertError(api.post("/api/v2/buyers", "{" + ok + ", \"campaign_ids\": [999999]}"), 400, "campaign_ids");
        assertError(api.post("/api/v2/buyers", "{" + ok + ", \"campaign_ids\": [\"x\"]}"), 400, "campaign_ids");
    }

    @Test
    void buyerGroupShouldHoldMembersAndCapsAndProtectItsMembers() {
        // given
        Api api = account();
        long first = api.post("/api/v2/buyers", "{\"name\": \"A\", \"destination\": \"+12125550147\"}")
                .id();
        long second = api.post("/api/v2/buyers", "{\"name\": \"B\", \"destination\": \"+12125550148\"}")
                .id();

        // when
        Response group = api.post(
                "/api/v2/buyer_groups",
                "{\"name\": \"Partners\", \"buyer_ids\": [" + first + ", " + second + "], \"concurrency_cap\": 4,"
                        + " \"daily_cap\": 100}");

        // then
        assertThat(group.status()).isEqualTo(201);
        assertThat(group.json().path("buyer_ids").toString()).isEqualTo("[" + first + "," + second + "]");
        assertThat(group.json().path("concurrency_cap").asInt()).isEqualTo(4);
        assertThat(group.json().path("daily_cap").asInt()).isEqualTo(100);
        Response refused = api.delete("/api/v2/buyers/" + first);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("error").path("message").asText()).contains("Partners");

        Response shrunk = api.patch("/api/v2/buyer_groups/" + group.id(), "{\"buyer_ids\": [" + second + "]}");
        assertThat(shrunk.json().path("buyer_ids").toString()).isEqualTo("[" + second + "]");
        assertThat(api.delete("/api/v2/buyers/" + first).status()).isEqualTo(204);
        assertThat(api.post("/api/v2/buyer_groups/" + group.id() + "/reset_hard_cap", null)
                        .json()
                        .path("hard_cap_reset_at")
                        .asText())
                .isNotEmpty();
        assertError(api.post("/api/v2/buyer_groups", "{\"name\": \"G\", \"buyer_ids\": [999999]}"), 400, "buyer_ids");
        assertError(api.post("/api/v2/buyer_groups", "{\"buyer_ids\": []}"), 400, "name");
        assertThat(api.delete("/api/v2/buyer_groups/" + group.id()).status()).isEqualTo(204);
    }

    @Test
    void callerListsShouldLiveOnCampaignsAndBuyersWithTheirNumbers() {
        // given
        Api api = account();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();
        long buyer = api.post("/api/v2/buyers", "{\"name\": \"B\", \"destination\": \"+12125550147\"}")
                .id();
        String lists = "/api/v2/campaigns/" + campaign + "/caller_lists";

        // when
        Response created = api.post(lists, "{\"name\": \"suppressed_dnc\"}");

        // then
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("behaviour").asText()).isEqualTo("suppress");
        assertThat(created.json().path("owner_type").asText()).isEqualTo("campaign");
        assertThat(created.header("Location")).isEqualTo(lists + "/suppressed_dnc");
        assertError(api.post(lists, "{\"name\": \"suppressed_dnc\"}"), 409, "name");
        assertError(api.post(lists, "{\"name\": \"has space\"}"), 400, "name");

        String numbers = lists + "/suppressed_dnc/caller_list_numbers";
        Response added = api.post(numbers, "{\"numbers\": [\"+13125550147\", \"(312) 555-0147\", \"4155550132\"]}");
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.json().path("added").asInt()).isEqualTo(2);
        assertThat(api.post(numbers, "{\"number\": \"+14155550132\"}")
                        .json()
                        .path("added")
                        .asInt())
                .isZero();
        assertError(api.post(numbers, "{\"numbers\": [\"+13125550147\", \"nope\"]}"), 400, "numbers[1]");
        Response listed = api.get(numbers);
        assertThat(listed.json().toString()).isEqualTo("[\"+13125550147\",\"+14155550132\"]");
        assertThat(api.get(numbers + "/+13125550147").json().path("listed").asBoolean())
                .isTrue();
        assertThat(api.get(numbers + "/+19175550100").json().path("listed").asBoolean())
                .isFalse();
        assertThat(api.delete(numbers + "/%2B13125550147").status()).isEqualTo(204);
        assertThat(api.delete(numbers + "/+13125550147").status()).isEqualTo(404);
        assertThat(api.get(lists + "/suppressed_dnc")
                        .json()
                        .path("number_count")
                        .asLong())
                .isEqualTo(1);

        Response renamed = api.patch(lists + "/suppressed_dnc", "{\"name\": \"accepted_vip\"}");
        assertThat(renamed.json().path("behaviour").asText()).isEqualTo("accept_only");
        assertThat(api.get(lists + "/suppressed_dnc").status()).isEqualTo(404);

        String buyerLists = "/api/v2/buyers/" + buyer + "/caller_lists";
        assertThat(api.post(buyerLists, "{\"name\": \"vip\"}")
                        .json()
                        .path("behaviour")
                        .asText())
                .isEqualTo("none");
        assertThat(api.get(buyerLists).json().size()).isEqualTo(1);
        assertThat(api.get("/api/v2/buyers/999999/caller_lists").status()).isEqualTo(404);

        assertThat(api.delete(lists + "/accepted_vip").status()).isEqualTo(204);
        assertThat(api.get(lists).json().size()).isZero();
    }

    @Test
    void listsShouldBePaginatedWithLinkHeaders() {
        // given
        Api api = account();
        for (int i = 1; i <= 5; i++) {
            api.post("/api/v2/publishers", "{\"name\": \"P" + i + "\"}");
        }

        // when
        Response second = api.get("/api/v2/publishers?per_page=2&page=2");

        // then
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().size()).isEqualTo(2);
        assertThat(second.json().get(0).path("name").asText()).isEqualTo("P3");
        assertThat(second.header("X-Total-Count")).isEqualTo("5");
        assertThat(second.header("Link"))
                .contains("</api/v2/publishers?page=1&per_page=2>; rel=\"first\"")
                .contains("</api/v2/publishers?page=1&per_page=2>; rel=\"prev\"")
                .contains("</api/v2/publishers?page=3&per_page=2>; rel=\"next\"")
                .contains("</api/v2/publishers?page=3&per_page=2>; rel=\"last\"");
        assertThat(api.get("/api/v2/publishers?per_page=2&page=3").header("Link"))
                .doesNotContain("rel=\"next\"");
        assertThat(api.get("/api/v2/publishers?per_page=2&page=9").json().size())
                .isZero();
        assertError(api.get("/api/v2/publishers?per_page=0"), 400, "per_page");
        assertError(api.get("/api/v2/publishers?per_page=201"), 400, "per_page");
        assertError(api.get("/api/v2/publishers?page=x"), 400, "page");
    }

    static void assertError(Response response, int status, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.json().path("error").path("message").asText()).isNotBlank();
        assertThat(response.errorField()).as(response.toString()).isEqualTo(field);
    }
}
