package org.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokensTest {
    @Test
    void webhookDisabledShouldOfferOnlyTheEventsTokens() {
        // when
        var names = Tokens.at(Trigger.WEBHOOK_DISABLED).stream()
                .map(Tokens.Token::name)
                .toList();

        // then: no call tokens, there is no call
        assertThat(names).containsExactly("webhook_id", "webhook_name", "disabled_reason", "disabled_at");
    }

    @ParameterizedTest
    @EnumSource(value = Trigger.class, names = "WEBHOOK_DISABLED", mode = EnumSource.Mode.EXCLUDE)
    void callTriggersShouldOfferTheCallsTokensAndNotTheEvents(Trigger trigger) {
        // when
        var names = Tokens.at(trigger).stream().map(Tokens.Token::name).toList();

        // then
        assertThat(names).contains("call_uuid", "caller_number").doesNotContain("disabled_reason");
    }
}
