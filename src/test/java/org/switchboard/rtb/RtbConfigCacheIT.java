package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;
import org.switchboard.testing.Api;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * The RTB configuration cache drops only what a write changed: what it still holds is the very object it loaded
 * (the same instance), what the write touched is read again, and nothing waits for a maximum age.
 */
class RtbConfigCacheIT extends ServerIT {

    private RtbConfigCache cache() {
        return server.wiring().rtbCache();
    }

    @Test
    void aChangeToOneCampaignShouldNotReloadAnother() {
        // given: two campaigns of one account, both held
        Api api = newAccount();
        RtbSetup a = RtbSetup.create(api, engine);
        RtbSetup b = RtbSetup.create(api, engine);
        AccountId account = new AccountId(api.accountId());
        var heldA = cache().campaign(account, a.campaign()).orElseThrow();
        var heldB = cache().campaign(account, b.campaign()).orElseThrow();

        // when
        api.patch("/api/v2/campaigns/" + b.campaign(), "{\"name\": \"Renamed\"}");

        // then
        assertThat(cache().campaign(account, a.campaign()).orElseThrow()).isSameAs(heldA);
        var reloadedB = cache().campaign(account, b.campaign()).orElseThrow();
        assertThat(reloadedB).isNotSameAs(heldB);
        assertThat(reloadedB.campaign().name()).isEqualTo("Renamed");
    }

    @Test
    void aBuyerChangeShouldReloadOnlyTheCampaignsThatTakeIt() {
        // given: a buyer on campaign A only
        Api api = newAccount();
        RtbSetup a = RtbSetup.create(api, engine);
        RtbSetup b = RtbSetup.create(api, engine);
        AccountId account = new AccountId(api.accountId());
        long buyer = a.buyer("{\"name\": \"A's\", \"destination\": \"+12125550971\", \"campaign_ids\": [CAMPAIGN]}");
        var heldA = cache().campaign(account, a.campaign()).orElseThrow();
        var heldB = cache().campaign(account, b.campaign()).orElseThrow();

        // when
        api.patch("/api/v2/buyers/" + buyer, "{\"paused\": true}");

        // then
        assertThat(cache().campaign(account, b.campaign()).orElseThrow()).isSameAs(heldB);
        var reloadedA = cache().campaign(account, a.campaign()).orElseThrow();
        assertThat(reloadedA).isNotSameAs(heldA);
        assertThat(reloadedA.buyer(buyer).orElseThrow().paused()).isTrue();
    }

    @Test
    void aBuyerJoiningACampaignShouldReloadThatCampaign() {
        // given: a buyer on campaign A, campaign B held without it
        Api api = newAccount();
        RtbSetup a = RtbSetup.create(api, engine);
        RtbSetup b = RtbSetup.create(api, engine);
        AccountId account = new AccountId(api.accountId());
        long buyer = a.buyer("{\"name\": \"Mover\", \"destination\": \"+12125550972\", \"campaign_ids\": [CAMPAIGN]}");
        assertThat(cache().campaign(account, b.campaign()).orElseThrow().buyers())
                .isEmpty();

        // when
        api.patch("/api/v2/buyers/" + buyer, "{\"campaign_ids\": [" + a.campaign() + ", " + b.campaign() + "]}");

        // then
        assertThat(cache().campaign(account, b.campaign()).orElseThrow().buyer(buyer))
                .isPresent();
    }

    @Test
    void aPausedKeyShouldBeRefusedOnTheNextPing() {
        // given: the key held from a first ping
        RtbSetup s = RtbSetup.create(newAccount(), engine);
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550973\", \"campaign_ids\": [CAMPAIGN]}");
        String key = s.key("{}");
        Response first = s.ping(key, s.pingQuery(RtbSetup.caller()));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);

        // when
        s.api().patch("/api/v2/postback_keys/" + s.firstKeyId(), "{\"paused\": true}");

        // then: the very next ping, with no wait
        assertThat(s.ping(key, s.pingQuery(RtbSetup.caller())).status()).isEqualTo(403);
    }

    @Test
    void aCallerAddedToASuppressionListShouldCountForTheNextPingAndLeaveTheCampaignHeld() {
        // given: a suppression list on the campaign, held with its numbers
        RtbSetup s = RtbSetup.create(newAccount(), engine);
        s.buyer("{\"name\": \"Any\", \"destination\": \"+12125550974\", \"campaign_ids\": [CAMPAIGN]}");
        s.api().post("/api/v2/campaigns/" + s.campaign() + "/caller_lists", "{\"name\": \"suppressed_dnc\"}");
        String key = s.key("{}");
        String caller = RtbSetup.caller();
        assertThat(s.ping(key, s.pingQuery(RtbSetup.caller()))
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("reserved");
        AccountId account = new AccountId(s.api().accountId());
        var held = cache().campaign(account, s.campaign()).orElseThrow();

        // when
        s.api()
                .post(
                        "/api/v2/campaigns/" + s.campaign() + "/caller_lists/suppressed_dnc/caller_list_numbers",
                        "{\"numbers\": [\"" + caller + "\"]}");

        // then: the caller is refused and the campaign was not read again
        assertThat(s.ping(key, s.pingQuery(caller)).json().path("status").asText())
                .isEqualTo("target_disqualified");
        assertThat(cache().campaign(account, s.campaign()).orElseThrow()).isSameAs(held);
    }
}
