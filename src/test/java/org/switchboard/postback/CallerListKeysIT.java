package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/** Caller lists managed with Caller List Management keys: key + secret, permissions, scope, effect on routing. */
class CallerListKeysIT extends ServerIT {
    private static int nextNumber = 100;

    private record Setup(Api api, long campaign, long otherCampaign, long buyer, String number) {}

    private record Key(long id, String key, String secret) {}

    private Setup setup() {
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Lists\"}").id();
        long other = api.post("/api/v2/campaigns", "{\"name\": \"Other\"}").id();
        String number = "+1866560" + String.format("%04d", nextNumber++ + engine.ordinal() * 5000);
        api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}");
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"B\", \"destination\": \"+12125550101\", \"campaign_ids\": [" + campaign + "]}")
                .id();
        return new Setup(api, campaign, other, buyer, number);
    }

    private static Key key(Api api, String owner, String permissions) {
        Response created = api.post(
                owner + "/postback_keys",
                "{\"type\": \"caller_list_management\", \"name\": \"CRM\", \"options\": {\"permissions\": "
                        + permissions + "}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode json = created.json();
        return new Key(
                created.id(), json.path("key").asText(), json.path("secret_key").asText());
    }

    private static Response send(Api api, String method, String path, Key key, String secret, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(api.base() + path + (path.contains("?") ? "&" : "?") + "key=" + key.key()))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return Api.send(request.build());
    }

    @Test
    void aCampaignKeyShouldManageThatCampaignsListsWithinItsPermissionsAndBlockCallersAtOnce() {
        // given
        Setup s = setup();
        Key key = key(
                s.api(),
                "/api/v2/campaigns/" + s.campaign(),
                "[\"caller_list__create\", \"caller_list_number__create\", \"caller_list_number__show\"]");
        String lists = "/api/v2/campaigns/" + s.campaign() + "/caller_lists";

        // when
        Response created = send(s.api(), "POST", lists, key, key.secret(), "{\"name\": \"suppressed_dnc\"}");
        Response added = send(
                s.api(),
                "POST",
                lists + "/suppressed_dnc/caller_list_numbers.json",
                key,
                key.secret(),
                "{\"numbers\": [\"+13125550180\"]}");
        Response shown = send(
                s.api(), "GET", lists + "/suppressed_dnc/caller_list_numbers/%2B13125550180", key, key.secret(), null);
        Response notPermitted = send(
                s.api(),
                "DELETE",
                lists + "/suppressed_dnc/caller_list_numbers/%2B13125550180",
                key,
                key.secret(),
                null);
        Response noSecret = send(s.api(), "GET", lists + "/suppressed_dnc/caller_list_numbers", key, null, null);
        Response wrongSecret =
                send(s.api(), "GET", lists + "/suppressed_dnc/caller_list_numbers", key, "x" + key.secret(), null);
        Response otherCampaign = send(
                s.api(),
                "POST",
                "/api/v2/campaigns/" + s.otherCampaign() + "/caller_lists",
                key,
                key.secret(),
                "{\"name\": \"suppressed_x\"}");
        JsonNode call = new Calls(s.api()).arrive("+13125550180", s.number()).json();

        // then
        assertThat(key.secret()).matches("[1-9A-HJ-NP-Za-km-z]{24}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(added.status()).as(added.toString()).isEqualTo(200);
        assertThat(added.json().path("added").asInt()).isEqualTo(1);
        assertThat(shown.json().path("listed").asBoolean()).isTrue();
        assertThat(notPermitted.status()).isEqualTo(403);
        assertThat(notPermitted.body()).contains("caller_list_number__delete");
        assertThat(noSecret.status()).as("the key alone is the document's URL").isEqualTo(200);
        assertThat(wrongSecret.status())
                .as("a secret that is sent must be right")
                .isEqualTo(401);
        assertThat(otherCampaign.status()).isEqualTo(403);
        assertThat(call.path("instruction").path("action").asText()).isEqualTo("hangup");
        JsonNode log =
                s.api().get("/api/v2/postback_logs?endpoint=caller_lists").json();
        assertThat(log.toString()).doesNotContain(key.key()).doesNotContain(key.secret());
        assertThat(log.get(0).path("result").asText()).startsWith("403");
    }

    @Test
    void aBuyerKeyShouldWorkUnderTargetsAndNotOnCampaigns() {
        // given
        Setup s = setup();
        Key key = key(s.api(), "/api/v2/buyers/" + s.buyer(), "[\"caller_list__create\", \"caller_list__index\"]");

        // when
        Response created = send(
                s.api(),
                "POST",
                "/api/v2/targets/" + s.buyer() + "/caller_lists",
                key,
                key.secret(),
                "{\"name\": \"accepted_vip\"}");
        Response listed =
                send(s.api(), "GET", "/api/v2/buyers/" + s.buyer() + "/caller_lists", key, key.secret(), null);
        Response onCampaign =
                send(s.api(), "GET", "/api/v2/campaigns/" + s.campaign() + "/caller_lists", key, key.secret(), null);

        // then
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(listed.json().get(0).path("name").asText()).isEqualTo("accepted_vip");
        assertThat(onCampaign.status()).isEqualTo(403);
    }

    @Test
    void pausedDeletedAndWrongTypeKeysShouldBeRefused() {
        // given
        Setup s = setup();
        Key key = key(s.api(), "/api/v2", "[\"caller_list__index\"]");
        String lists = "/api/v2/campaigns/" + s.campaign() + "/caller_lists";
        Response companyWide = send(s.api(), "GET", lists, key, key.secret(), null);
        Response dataKey = s.api().post("/api/v2/postback_keys", "{\"type\": \"call_data_writing\", \"name\": \"W\"}");
        Key wrongType = new Key(dataKey.id(), dataKey.json().path("key").asText(), "whatever");

        // when
        s.api().patch("/api/v2/postback_keys/" + key.id(), "{\"paused\": true}");
        Response paused = send(s.api(), "GET", lists, key, key.secret(), null);
        s.api().delete("/api/v2/postback_keys/" + key.id());
        Response deleted = send(s.api(), "GET", lists, key, key.secret(), null);
        Response wrong = send(s.api(), "GET", lists, wrongType, "whatever", null);

        // then
        assertThat(companyWide.status()).as(companyWide.toString()).isEqualTo(200);
        assertThat(paused.status()).isEqualTo(403);
        assertThat(paused.body()).contains("paused");
        assertThat(deleted.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(403);
    }

    @Test
    void checksAndBulkUploadsShouldWorkWithTheirPermissionsAndReportPerLineErrors() {
        // given: a suppression list with one number, a key that may check and upload
        Setup s = setup();
        String lists = "/api/v2/campaigns/" + s.campaign() + "/caller_lists";
        s.api().post(lists, "{\"name\": \"suppressed_dnc\"}");
        s.api().post(lists + "/suppressed_dnc/caller_list_numbers", "{\"number\": \"+13125550190\"}");
        Key key = key(
                s.api(),
                "/api/v2/campaigns/" + s.campaign(),
                "[\"caller_list_check__create\", \"caller_list_upload__create\"]");
        String one = lists + "/suppressed_dnc";

        // when
        Response present = send(
                s.api(), "POST", one + "/caller_list_checks", key, key.secret(), "{\"number\": \"(312) 555-0190\"}");
        Response absent =
                send(s.api(), "GET", one + "/caller_list_checks.json?number=%2B13125550191", key, key.secret(), null);
        Response badNumber =
                send(s.api(), "POST", one + "/caller_list_checks", key, key.secret(), "{\"number\": \"12\"}");
        Response uploaded = Api.send(HttpRequest.newBuilder(
                        URI.create(s.api().base() + one + "/caller_list_uploads?clear_first=true&key=" + key.key()))
                .header("Authorization", "Bearer " + key.secret())
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "phone,name\n+13125550192,Ada\n(312) 555-0193,Bob\nnot-a-number,Eve\n\n312-555-0192,Dup\n"))
                .build());
        String status = uploaded.header("Location");
        JsonNode done = Await.until(
                "the upload completed",
                () -> send(s.api(), "GET", status, key, key.secret(), null).json(),
                report -> report.path("status").asText().equals("completed"));
        Response removal =
                s.api().post(one + "/caller_list_uploads", "{\"numbers\": [\"+13125550193\"], \"action\": \"delete\"}");
        JsonNode removed = Await.until(
                "the removal completed",
                () -> s.api().get(removal.header("Location")).json(),
                report -> report.path("status").asText().equals("completed"));
        Response badAction =
                s.api().post(one + "/caller_list_uploads", "{\"numbers\": \"+13125550194\", \"action\": \"merge\"}");
        Response notPermitted = send(s.api(), "GET", one + "/caller_list_numbers", key, key.secret(), null);

        // then
        assertThat(present.json().path("status").asText()).isEqualTo("present");
        assertThat(present.json().path("number").asText()).isEqualTo("+13125550190");
        assertThat(absent.json().path("status").asText()).isEqualTo("not-present");
        assertThat(badNumber.status()).isEqualTo(400);
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(202);
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.path("lines").asInt()).isEqualTo(5);
        assertThat(done.path("applied").asInt()).isEqualTo(2);
        assertThat(done.path("error_count").asInt()).isEqualTo(1);
        assertThat(done.path("errors").get(0).path("line").asInt()).isEqualTo(4);
        assertThat(done.path("errors").get(0).path("value").asText()).isEqualTo("not-a-number");
        assertThat(removal.status()).isEqualTo(202);
        assertThat(removed.path("applied").asInt()).isEqualTo(1);
        JsonNode numbers = s.api().get(one + "/caller_list_numbers").json();
        assertThat(numbers.toString()).isEqualTo("[\"+13125550192\"]");
        assertThat(badAction.status()).isEqualTo(400);
        assertThat(badAction.errorField()).isEqualTo("action");
        assertThat(notPermitted.status()).isEqualTo(403);
    }

    @Test
    void theKeysOwnUrlShouldWorkAloneAndTheSecretOnlyWhenTheKeyRequiresIt() {
        // given: the URL shape of the reference document, with the key alone, as an existing integration calls it
        Setup s = setup();
        s.api().post("/api/v2/campaigns/" + s.campaign() + "/caller_lists", "{\"name\": \"suppressed_crm\"}");
        String permissions = "[\"caller_list_number__create\", \"caller_list_number__show\"]";
        Response plain = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/postback_keys",
                        "{\"type\": \"caller_list_management\", \"name\": \"CRM\", \"options\": {\"permissions\": "
                                + permissions + "}}");
        Response strict = s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/postback_keys",
                        "{\"type\": \"caller_list_management\", \"name\": \"CRM strict\", \"options\": {\"permissions\": "
                                + permissions + ", \"require_secret_key\": true}}");
        String plainUrl = plain.json().path("url").asText().replace("<list_name>", "suppressed_crm");
        String strictUrl = strict.json().path("url").asText().replace("<list_name>", "suppressed_crm");

        // when
        Response added = Api.send(HttpRequest.newBuilder(URI.create(plainUrl))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [\"+13125550185\"]}"))
                .build());
        Response listed =
                Api.send(HttpRequest.newBuilder(URI.create(plainUrl)).GET().build());
        Response strictWithout =
                Api.send(HttpRequest.newBuilder(URI.create(strictUrl)).GET().build());
        Response strictWith = Api.send(HttpRequest.newBuilder(URI.create(strictUrl))
                .header(
                        "Authorization",
                        "Bearer " + strict.json().path("secret_key").asText())
                .GET()
                .build());

        // then
        assertThat(plain.json().path("options").path("require_secret_key").asBoolean())
                .isFalse();
        assertThat(strict.json().path("options").path("require_secret_key").asBoolean())
                .isTrue();
        assertThat(added.status()).as(added.toString()).isEqualTo(200);
        assertThat(added.json().path("added").asInt()).isEqualTo(1);
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.body()).contains("+13125550185");
        assertThat(strictWithout.status()).isEqualTo(401);
        assertThat(strictWithout.json().path("error").path("message").asText()).contains("require_secret_key");
        assertThat(strictWith.status()).as(strictWith.toString()).isEqualTo(200);
    }
}
