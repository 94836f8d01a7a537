package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Call Data Reading through a buyer group's key: renamed, filtered tag values of calls that reached the group. */
class DataReadingIT extends ServerIT {
    private static int nextNumber = 100;

    /** Buyer A (tried first) is in group A; buyer B is alone in group B. */
    private record Setup(Api api, Calls calls, String number, long groupA, long groupB) {
        String key(long group, String readable) {
            Response created = api.post(
                    "/api/v2/buyer_groups/" + group + "/postback_keys",
                    "{\"type\": \"call_data_reading\", \"name\": \"Reader\", \"options\": {\"readable_tags\": "
                            + readable + "}}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return created.json().path("key").asText();
        }

        Response read(String query) {
            return Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/data_reading?" + query))
                    .GET()
                    .build());
        }
    }

    private Setup setup() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Reading\"}").id();
        String number = "+1866559" + String.format("%04d", nextNumber++ + engine.ordinal() * 5000);
        assertThat(api.post(
                                "/api/v2/numbers",
                                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign
                                        + ", \"tags\": {\"ad\": \"tv\", \"plan\": [\"gold\", \"silver\"]}}")
                        .status())
                .isEqualTo(201);
        long a = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"A\", \"destination\": \"+12125550101\", \"priority\": 1, \"campaign_ids\": ["
                                + campaign + "]}")
                .id();
        long b = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"B\", \"destination\": \"+12125550102\", \"priority\": 2, \"campaign_ids\": ["
                                + campaign + "]}")
                .id();
        long groupA = api.post("/api/v2/buyer_groups", "{\"name\": \"GA\", \"buyer_ids\": [" + a + "]}")
                .id();
        long groupB = api.post("/api/v2/buyer_groups", "{\"name\": \"GB\", \"buyer_ids\": [" + b + "]}")
                .id();
        return new Setup(api, new Calls(api), number, groupA, groupB);
    }

    @Test
    void aGroupsKeyShouldReadTheReadableTagsRenamedAndFiltered() {
        // given: a call offered to buyer A
        Setup s = setup();
        String key = s.key(s.groupA(), "[\"ad\", \"plan\", \"caller_number\"]");
        String uuid = s.calls()
                .arrive("+13125550160", s.number())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response all = s.read("key=" + key + "&caller_number=%2B13125550160&map_keys=source:ad");
        Response accepted = s.read("key=" + key + "&call_uuid=" + uuid + "&map_keys=source:ad&accept_keys=source");

        // then
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        JsonNode tags = all.json();
        assertThat(tags.path("source").asText()).isEqualTo("tv");
        assertThat(tags.has("ad")).isFalse();
        assertThat(tags.path("caller_number").asText()).isEqualTo("+13125550160");
        assertThat(tags.path("plan").toString()).isEqualTo("[\"gold\",\"silver\"]");
        assertThat(tags.has("campaign_id")).as("not on the readable list").isFalse();
        assertThat(accepted.json().toString()).isEqualTo("{\"source\":\"tv\"}");
        JsonNode log =
                s.api().get("/api/v2/postback_logs?endpoint=data_reading").json();
        assertThat(log.size()).isEqualTo(2);
        assertThat(log.get(0).path("call_uuid").asText()).isEqualTo(uuid);
    }

    @Test
    void aGroupsKeyShouldNotReadCallsThatNeverReachedTheGroupOrAnotherAccount() {
        // given: the call has only been offered to buyer A, outside group B
        Setup s = setup();
        Setup other = setup();
        String keyOfB = s.key(s.groupB(), "[\"ad\"]");
        String keyOfA = s.key(s.groupA(), "[\"ad\"]");
        String uuid = s.calls()
                .arrive("+13125550161", s.number())
                .json()
                .path("call_uuid")
                .asText();
        String theirs = other.calls()
                .arrive("+13125550162", other.number())
                .json()
                .path("call_uuid")
                .asText();

        // when
        Response byCaller = s.read("key=" + keyOfB + "&caller_number=%2B13125550161");
        Response byUuid = s.read("key=" + keyOfB + "&call_uuid=" + uuid);
        Response otherAccount = s.read("key=" + keyOfA + "&call_uuid=" + theirs);

        // then
        assertThat(byCaller.status()).isEqualTo(404);
        assertThat(byUuid.status()).isEqualTo(404);
        assertThat(otherAccount.status()).isEqualTo(404);
    }

    @Test
    void badRequestsShouldGetClearErrors() {
        // given
        Setup s = setup();
        String key = s.key(s.groupA(), "[\"ad\"]");
        String writingKey = s.api()
                .post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"W\"}")
                .json()
                .path("key")
                .asText();
        s.calls().arrive("+13125550163", s.number());

        // when
        Response wrongType = s.read("key=" + writingKey + "&caller_number=%2B13125550163");
        Response noCaller = s.read("key=" + key);
        Response badMap = s.read("key=" + key + "&caller_number=%2B13125550163&map_keys=nocolon");
        Response noKey = s.read("caller_number=%2B13125550163");

        // then
        assertThat(wrongType.status()).isEqualTo(403);
        assertThat(noCaller.status()).isEqualTo(400);
        assertThat(noCaller.errorField()).isEqualTo("caller_number");
        assertThat(badMap.status()).isEqualTo(400);
        assertThat(badMap.errorField()).isEqualTo("map_keys");
        assertThat(noKey.status()).isEqualTo(401);
    }

    @Test
    void aKeyWithoutReadableTagsShouldBeRefusedNamingTheOption() {
        // given
        Setup s = setup();
        String keys = "/api/v2/buyer_groups/" + s.groupA() + "/postback_keys";
        String reader = "{\"type\": \"call_data_reading\", \"name\": \"Reader\"";

        // when
        Response without = s.api().post(keys, reader + "}");
        Response empty = s.api().post(keys, reader + ", \"options\": {\"readable_tags\": []}}");
        Response made = s.api().post(keys, reader + ", \"options\": {\"readable_tags\": [\"ad\"]}}");
        Response emptied = s.api().patch("/api/v2/postback_keys/" + made.id(), "{\"options\": {}}");

        // then
        for (Response refused : java.util.List.of(without, empty, emptied)) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.errorField()).isEqualTo("options.readable_tags");
            assertThat(refused.json().path("error").path("message").asText()).contains("at least one tag key");
        }
        assertThat(made.status()).isEqualTo(201);
    }
}
