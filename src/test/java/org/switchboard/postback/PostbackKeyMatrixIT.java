package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Every key type on every entity through the admin API: issued where allowed, with its URL; refused elsewhere. */
class PostbackKeyMatrixIT extends ServerIT {
    private static final List<String> TYPES = List.of(
            "real_time_bidding",
            "caller_list_management",
            "call_data_writing",
            "conversion",
            "call_rejection",
            "call_transfer",
            "call_data_reading");

    @Test
    void eachEntityShouldIssueExactlyItsTypesWithTheirUrlShapes() {
        // given
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Matrix\"}").id();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"P\"}").id();
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"B\", \"destination\": \"+12125550101\", \"campaign_ids\": [" + campaign + "]}")
                .id();
        long group = api.post("/api/v2/buyer_groups", "{\"name\": \"G\", \"buyer_ids\": [" + buyer + "]}")
                .id();
        // RTB and call transfer keys are gated by the account's features
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true, \"live_call_control\": true}}");
        Map<String, String> owners = new LinkedHashMap<>();
        owners.put("/api/v2", "call_data_writing caller_list_management");
        owners.put("/api/v2/campaigns/" + campaign, "real_time_bidding caller_list_management");
        owners.put("/api/v2/publishers/" + publisher, "real_time_bidding call_data_writing");
        owners.put("/api/v2/buyers/" + buyer, "conversion caller_list_management");
        owners.put("/api/v2/buyer_groups/" + group, "call_rejection call_transfer call_data_reading conversion");

        for (var owner : owners.entrySet()) {
            for (String type : TYPES) {
                // when
                // a data-reading key reads only the tags it lists, so it cannot be issued without them
                String options = type.equals("call_data_reading") ? ", \"options\": {\"readable_tags\": [\"ad\"]}" : "";
                Response created = api.post(
                        owner.getKey() + "/postback_keys",
                        "{\"type\": \"" + type + "\", \"name\": \"" + type + "\"" + options + "}");

                // then
                boolean allowed = List.of(owner.getValue().split(" ")).contains(type);
                assertThat(created.status())
                        .as(type + " on " + owner.getKey() + ": " + created)
                        .isEqualTo(allowed ? 201 : 400);
                if (!allowed) {
                    assertThat(created.errorField()).isEqualTo("type");
                    continue;
                }
                JsonNode key = created.json();
                String secret = key.path("key").asText();
                String url = key.path("url").asText();
                String expectedPath = switch (type) {
                    case "real_time_bidding" -> "/rtbs.json?key=" + secret;
                    case "call_data_writing" -> "/data_writing?key=" + secret;
                    case "call_data_reading" -> "/data_reading?key=" + secret;
                    case "conversion" -> "/postbacks/" + secret + "?";
                    case "call_rejection" -> "/handler_groups/" + group + "/call_control/reject?key=" + secret;
                    case "call_transfer" -> "/handler_groups/" + group + "/transfers/interface?key=" + secret;
                    default -> "/caller_lists/<list_name>/caller_list_numbers.json?key=" + secret;
                };
                assertThat(url).as(type).contains(expectedPath);
                if (type.equals("caller_list_management")) {
                    assertThat(key.path("secret_key").asText()).matches("[1-9A-HJ-NP-Za-km-z]{24}");
                    if (owner.getKey().contains("/buyers/")) {
                        assertThat(url).contains("/api/v2/targets/" + buyer + "/caller_lists/");
                    }
                } else {
                    assertThat(key.has("secret_key")).as(type).isFalse();
                }
                // the key is shown again, unchanged, and can be paused
                Response shown =
                        api.get("/api/v2/postback_keys/" + key.path("id").asLong());
                assertThat(shown.json().path("url").asText()).isEqualTo(url);
                Response paused =
                        api.patch("/api/v2/postback_keys/" + key.path("id").asLong(), "{\"paused\": true}");
                assertThat(paused.json().path("paused").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void keysShouldNotBeIssuedOnAnotherAccountsEntitiesNorShownToIt() {
        // given
        Api mine = newAccount();
        Api theirs = newAccount();
        long theirGroup =
                theirs.post("/api/v2/buyer_groups", "{\"name\": \"G\"}").id();
        long theirKey = theirs.post(
                        "/api/v2/buyer_groups/" + theirGroup + "/postback_keys",
                        "{\"type\": \"call_rejection\", \"name\": \"R\"}")
                .id();

        // when
        Response issue = mine.post(
                "/api/v2/buyer_groups/" + theirGroup + "/postback_keys",
                "{\"type\": \"call_rejection\", \"name\": \"X\"}");
        Response show = mine.get("/api/v2/postback_keys/" + theirKey);
        Response delete = mine.delete("/api/v2/postback_keys/" + theirKey);

        // then
        assertThat(issue.status()).isEqualTo(404);
        assertThat(show.status()).isEqualTo(404);
        assertThat(delete.status()).isEqualTo(404);
        assertThat(theirs.get("/api/v2/postback_keys/" + theirKey).status()).isEqualTo(200);
    }

    @Test
    void idsInsideOptionsShouldBeTheCallersOwnOnCreateAndUpdate() {
        // given
        Api mine = newAccount();
        Api theirs = newAccount();
        for (Api api : List.of(mine, theirs)) {
            api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true, \"live_call_control\": true}}");
        }
        long campaign = mine.post("/api/v2/campaigns", "{\"name\": \"Mine\"}").id();
        long otherCampaign =
                mine.post("/api/v2/campaigns", "{\"name\": \"Mine too\"}").id();
        long publisher = mine.post("/api/v2/publishers", "{\"name\": \"P\"}").id();
        long group = mine.post("/api/v2/buyer_groups", "{\"name\": \"G\"}").id();
        String otherCampaignsNumber = "+1866561" + String.format("%04d", 10 + engine.ordinal());
        mine.post(
                "/api/v2/numbers",
                "{\"number\": \"" + otherCampaignsNumber + "\", \"campaign_id\": " + otherCampaign + "}");
        long theirCampaign =
                theirs.post("/api/v2/campaigns", "{\"name\": \"Theirs\"}").id();
        long theirPublisher =
                theirs.post("/api/v2/publishers", "{\"name\": \"Q\"}").id();
        long theirDirectory = theirs.post(
                        "/api/v2/directories",
                        "{\"name\": \"D\", \"entries\": [{\"name\": \"Sales\", \"destination\": \"+12125550199\"}]}")
                .id();
        String theirNumber = "+1866561" + String.format("%04d", 20 + engine.ordinal());
        theirs.post("/api/v2/numbers", "{\"number\": \"" + theirNumber + "\", \"campaign_id\": " + theirCampaign + "}");
        String keys = "/api/v2/campaigns/" + campaign + "/postback_keys";
        String rtb = "{\"type\": \"real_time_bidding\", \"name\": \"R\", \"options\": ";

        // when / then: on create
        refused(mine.post(keys, rtb + "{\"publisher_id\": " + theirPublisher + "}}"), 400, "options.publisher_id");
        refused(mine.post(keys, rtb + "{\"inbound_number\": \"" + theirNumber + "\"}}"), 400, "options.inbound_number");
        refused(
                mine.post(keys, rtb + "{\"inbound_number\": \"" + otherCampaignsNumber + "\"}}"),
                400,
                "options.inbound_number");
        refused(
                mine.post(
                        "/api/v2/buyer_groups/" + group + "/postback_keys",
                        "{\"type\": \"call_transfer\", \"name\": \"T\", \"options\": {\"directory_id\": "
                                + theirDirectory + "}}"),
                400,
                "options.directory_id");
        // a publisher's key may name any tracking number of the account (it pings into many campaigns)
        assertThat(mine.post(
                                "/api/v2/publishers/" + publisher + "/postback_keys",
                                rtb + "{\"inbound_number\": \"" + otherCampaignsNumber + "\"}}")
                        .status())
                .isEqualTo(201);

        // when / then: on update
        Response own = mine.post(keys, rtb + "{\"publisher_id\": " + publisher + "}}");
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        refused(
                mine.patch(
                        "/api/v2/postback_keys/" + own.id(),
                        "{\"options\": {\"publisher_id\": " + theirPublisher + "}}"),
                400,
                "options.publisher_id");
        assertThat(mine.get("/api/v2/postback_keys/" + own.id())
                        .json()
                        .path("options")
                        .path("publisher_id")
                        .asLong())
                .isEqualTo(publisher);
    }

    private static void refused(Response response, int status, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.errorField()).as(response.toString()).isEqualTo(field);
    }
}
