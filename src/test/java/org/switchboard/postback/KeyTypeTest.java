package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

class KeyTypeTest {

    @Test
    void eachEntityShouldAllowExactlyTheDocumentedKeyTypes() {
        // given: the matrix of the reference document
        Map<KeyType.Owner, Set<KeyType>> documented = Map.of(
                KeyType.Owner.COMPANY, Set.of(KeyType.CALL_DATA_WRITING, KeyType.CALLER_LIST_MANAGEMENT),
                KeyType.Owner.CAMPAIGN, Set.of(KeyType.REAL_TIME_BIDDING, KeyType.CALLER_LIST_MANAGEMENT),
                KeyType.Owner.PUBLISHER, Set.of(KeyType.REAL_TIME_BIDDING, KeyType.CALL_DATA_WRITING),
                KeyType.Owner.BUYER, Set.of(KeyType.CONVERSION, KeyType.CALLER_LIST_MANAGEMENT),
                KeyType.Owner.BUYER_GROUP,
                        Set.of(
                                KeyType.CALL_REJECTION,
                                KeyType.CALL_TRANSFER,
                                KeyType.CALL_DATA_READING,
                                KeyType.CONVERSION));

        for (KeyType.Owner owner : KeyType.Owner.values()) {
            // when
            Set<KeyType> allowed = EnumSet.noneOf(KeyType.class);
            for (KeyType type : KeyType.values()) {
                if (type.allowedOn(owner)) {
                    allowed.add(type);
                }
            }

            // then
            assertThat(allowed).as(owner.word()).isEqualTo(documented.get(owner));
        }
    }

    @Test
    void dataWritingOptionsShouldTakeDefaultsAndRefuseWhatTheTypeDoesNotHave() {
        // when
        var defaults = KeyOptions.parse(KeyType.CALL_DATA_WRITING, null);

        // then
        assertThat(defaults.path("start_seconds").asInt()).isZero();
        assertThat(defaults.path("end_seconds").asInt()).isEqualTo(3600);
        assertThat(defaults.path("tag_prefix").asText()).isEmpty();
        assertThat(defaults.path("reuse_tags_on_repeat_calls").asBoolean()).isFalse();
        assertThatThrownBy(() ->
                        KeyOptions.parse(KeyType.CALL_DATA_WRITING, Json.MAPPER.readTree("{\"start_seconds\": 900}")))
                .isInstanceOfSatisfying(
                        Problem.Invalid.class, e -> assertThat(e.field()).contains("options.start_seconds"));
        assertThatThrownBy(() ->
                        KeyOptions.parse(KeyType.CALL_DATA_WRITING, Json.MAPPER.readTree("{\"directory_id\": 3}")))
                .isInstanceOfSatisfying(
                        Problem.Invalid.class, e -> assertThat(e.field()).contains("options.directory_id"));
        assertThatThrownBy(() -> KeyOptions.parse(
                        KeyType.CALLER_LIST_MANAGEMENT,
                        Json.MAPPER.readTree("{\"permissions\": [\"caller_list__destroy_all\"]}")))
                .isInstanceOf(Problem.Invalid.class);
    }
}
