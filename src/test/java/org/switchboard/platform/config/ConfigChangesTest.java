package org.switchboard.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.id.AccountId;

class ConfigChangesTest {
    private final ConfigChanges changes = new ConfigChanges();
    private final List<ConfigChange> heard = new ArrayList<>();
    private final AtomicInteger everything = new AtomicInteger();

    ConfigChangesTest() {
        changes.listen(new ConfigChanges.Listener() {
            @Override
            public void changed(ConfigChange change) {
                heard.add(change);
            }

            @Override
            public void everythingMayHaveChanged() {
                everything.incrementAndGet();
            }
        });
    }

    @Test
    void aLocalChangeShouldReachThisNodesCachesAndTravelToTheOthersAsOneMessage() {
        // given
        List<String> sent = new ArrayList<>();
        changes.sendTo(sent::add);
        var buyer = new ConfigChange(ConfigChange.Kind.BUYER, new AccountId(12), 345);
        var campaign = new ConfigChange(ConfigChange.Kind.CAMPAIGN, new AccountId(12), 6);

        // when
        changes.changed(buyer, campaign);

        // then
        assertThat(heard).containsExactly(buyer, campaign);
        assertThat(sent).containsExactly("buyer:12:345,campaign:12:6");
    }

    @Test
    void anotherNodesChangesShouldReachTheCachesAsTheyWereMade() {
        // when
        changes.received("postback_key:7:99,tracking_number:7:3");

        // then
        assertThat(heard)
                .containsExactly(
                        new ConfigChange(ConfigChange.Kind.POSTBACK_KEY, new AccountId(7), 99),
                        new ConfigChange(ConfigChange.Kind.TRACKING_NUMBER, new AccountId(7), 3));
        assertThat(everything).hasValue(0);
    }

    @Test
    void aMessageThatDoesNotReadAsChangesShouldCountAsAnythingChanged() {
        // when: the word an older version sends, and nonsense
        changes.received("configuration");
        changes.received("buyer:x:1");

        // then
        assertThat(heard).isEmpty();
        assertThat(everything).hasValue(2);
    }

    @Test
    void everyKindShouldTravelAndComeBackAsItself() {
        for (ConfigChange.Kind kind : ConfigChange.Kind.values()) {
            var change = new ConfigChange(kind, new AccountId(4), 5);
            assertThat(ConfigChange.parse(change.text())).contains(change);
        }
    }
}
