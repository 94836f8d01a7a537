package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Account B can neither see nor change account A's objects: every foreign id is a 404, never a 403. */
class AccountIsolationIT extends ServerIT {

    @Test
    void foreignObjectsShouldBeInvisibleAndUnchangeable() {
        // given: account A with one of everything
        Api a = newAccount();
        Api b = newAccount();
        long campaign = a.post("/api/v2/campaigns", "{\"name\": \"A campaign\", \"cid\": \"shared-cid\"}")
                .id();
        long publisher =
                a.post("/api/v2/publishers", "{\"name\": \"A publisher\"}").id();
        long number = a.post("/api/v2/numbers", "{\"number\": \"+17735550111\", \"campaign_id\": " + campaign + "}")
                .id();
        long buyer = a.post("/api/v2/buyers", "{\"name\": \"A buyer\", \"destination\": \"+17735550112\"}")
                .id();
        long group = a.post("/api/v2/buyer_groups", "{\"name\": \"A group\", \"buyer_ids\": [" + buyer + "]}")
                .id();
        a.post("/api/v2/campaigns/" + campaign + "/caller_lists", "{\"name\": \"suppressed_a\"}");
        a.post("/api/v2/buyers/" + buyer + "/caller_lists", "{\"name\": \"accepted_a\"}");
        List<String> objects = List.of(
                "/api/v2/campaigns/" + campaign,
                "/api/v2/publishers/" + publisher,
                "/api/v2/numbers/" + number,
                "/api/v2/buyers/" + buyer,
                "/api/v2/buyer_groups/" + group,
                "/api/v2/campaigns/" + campaign + "/caller_lists",
                "/api/v2/campaigns/" + campaign + "/caller_lists/suppressed_a",
                "/api/v2/campaigns/" + campaign + "/caller_lists/suppressed_a/caller_list_numbers",
                "/api/v2/buyers/" + buyer + "/caller_lists/accepted_a");

        for (String path : objects) {
            // when / then
            assertThat(b.get(path).status()).as("GET " + path).isEqualTo(404);
            assertThat(b.patch(path, "{\"name\": \"taken over\"}").status())
                    .as("PATCH " + path)
                    .isIn(404, 405);
            assertThat(b.delete(path).status()).as("DELETE " + path).isIn(404, 405);
            assertThat(a.get(path).status()).as("A still sees " + path).isEqualTo(200);
        }
        assertThat(b.post("/api/v2/buyers/" + buyer + "/reset_hard_cap", null).status())
                .isEqualTo(404);
        assertThat(b.post("/api/v2/buyer_groups/" + group + "/reset_hard_cap", null)
                        .status())
                .isEqualTo(404);
        assertThat(b.post(
                                "/api/v2/campaigns/" + campaign + "/caller_lists/suppressed_a/caller_list_numbers",
                                "{\"number\": \"+17735550199\"}")
                        .status())
                .isEqualTo(404);
        assertThat(a.get("/api/v2/campaigns/" + campaign).json().path("name").asText())
                .isEqualTo("A campaign");
        assertThat(a.get("/api/v2/campaigns/" + campaign + "/caller_lists/suppressed_a/caller_list_numbers")
                        .json()
                        .size())
                .isZero();
    }

    @Test
    void listsShouldHoldOnlyTheCallersOwnObjects() {
        // given
        Api a = newAccount();
        Api b = newAccount();
        long campaign = a.post("/api/v2/campaigns", "{\"name\": \"A\"}").id();
        a.post("/api/v2/publishers", "{\"name\": \"A\"}");
        a.post("/api/v2/numbers", "{\"number\": \"+17735550121\", \"campaign_id\": " + campaign + "}");
        long buyer = a.post(
                        "/api/v2/buyers",
                        "{\"name\": \"A\", \"destination\": \"+17735550122\", \"campaign_ids\": [" + campaign + "]}")
                .id();
        a.post("/api/v2/buyer_groups", "{\"name\": \"A\", \"buyer_ids\": [" + buyer + "]}");

        for (String list : List.of(
                "/api/v2/campaigns",
                "/api/v2/publishers",
                "/api/v2/numbers",
                "/api/v2/buyers",
                "/api/v2/buyer_groups",
                "/api/v2/numbers?campaign_id=" + campaign,
                "/api/v2/buyers?campaign_id=" + campaign)) {
            // when
            Response seenByB = b.get(list);

            // then
            assertThat(seenByB.status()).isEqualTo(200);
            assertThat(seenByB.json().size()).as(list).isZero();
            assertThat(seenByB.header("X-Total-Count")).as(list).isEqualTo("0");
            assertThat(a.get(list).json().size()).as(list).isEqualTo(1);
        }
    }

    @Test
    void foreignIdsShouldNotBeUsableAsReferences() {
        // given
        Api a = newAccount();
        Api b = newAccount();
        long campaignOfA = a.post("/api/v2/campaigns", "{\"name\": \"A\"}").id();
        long publisherOfA = a.post("/api/v2/publishers", "{\"name\": \"A\"}").id();
        long buyerOfA = a.post("/api/v2/buyers", "{\"name\": \"A\", \"destination\": \"+17735550131\"}")
                .id();
        long campaignOfB = b.post("/api/v2/campaigns", "{\"name\": \"B\"}").id();

        // when / then
        AdminApiIT.assertError(
                b.post("/api/v2/numbers", "{\"number\": \"+17735550132\", \"campaign_id\": " + campaignOfA + "}"),
                400,
                "campaign_id");
        AdminApiIT.assertError(
                b.post(
                        "/api/v2/numbers",
                        "{\"number\": \"+17735550132\", \"campaign_id\": " + campaignOfB + ", \"publisher_id\": "
                                + publisherOfA + "}"),
                400,
                "publisher_id");
        AdminApiIT.assertError(
                b.post(
                        "/api/v2/buyers",
                        "{\"name\": \"B\", \"destination\": \"+17735550133\", \"campaign_ids\": [" + campaignOfA
                                + "]}"),
                400,
                "campaign_ids");
        AdminApiIT.assertError(
                b.post("/api/v2/buyer_groups", "{\"name\": \"B\", \"buyer_ids\": [" + buyerOfA + "]}"),
                400,
                "buyer_ids");
        assertThat(b.post("/api/v2/campaigns", "{\"name\": \"B2\", \"cid\": \"same\"}")
                        .status())
                .isEqualTo(201);
        assertThat(a.post("/api/v2/campaigns", "{\"name\": \"A2\", \"cid\": \"same\"}")
                        .status())
                .as("customer ids are unique per account, not across accounts")
                .isEqualTo(201);
    }
}
