package org.switchboard.tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;

class TagSetTest {

    @Test
    void objectFormShouldGiveMultiValuedTagsAsTheWebhookDocumentShows() {
        // given: the example response of the webhooks document
        var response = Json.read(
                "{\"first_name\": \"Jason\", \"age\": 23, \"product_interest\": [\"mortgage\", \"insurance\"]}");

        // when
        TagSet tags = TagSet.parse("tags", response);

        // then
        assertThat(tags.values("first_name")).containsExactly("Jason");
        assertThat(tags.values("age")).containsExactly("23");
        assertThat(tags.values("product_interest")).containsExactly("mortgage", "insurance");
    }

    @Test
    void pairFormShouldBeAcceptedAndKeysNormalised() {
        TagSet tags = TagSet.parse("tags", Json.read("[\"Geo:us\", \"geo:us-ny\", \"geo:us\", \"note:a:b\"]"));
        assertThat(tags.asMap()).containsEntry("geo", List.of("us", "us-ny")).containsEntry("note", List.of("a:b"));
    }

    @Test
    void changesShouldReturnNewSets() {
        TagSet original = TagSet.of("a", "1");
        TagSet more = original.with("a", "2").with("b", "3");
        assertThat(original.asMap()).hasSize(1);
        assertThat(more.values("a")).containsExactly("1", "2");
        assertThat(more.replacing("a", List.of("9")).values("a")).containsExactly("9");
        assertThat(more.without("b").has("b")).isFalse();
        assertThat(TagSet.fromStored(more.toStored())).isEqualTo(more);
        assertThat(more.has("A", "1")).isTrue();
    }

    @Test
    void badKeysAndValuesShouldBeRequestErrors() {
        assertThatThrownBy(() -> TagSet.parse("tags", Json.read("{\"has space\": \"v\"}")))
                .isInstanceOf(Problem.Invalid.class);
        assertThatThrownBy(() -> TagSet.parse("tags", Json.read("{\"k\": \"\"}")))
                .isInstanceOf(Problem.Invalid.class);
        assertThatThrownBy(() -> TagSet.parse("tags", Json.read("{\"k\": {\"nested\": 1}}")))
                .isInstanceOf(Problem.Invalid.class);
        assertThatThrownBy(() -> TagSet.parse("tags", Json.read("\"k:v\""))).isInstanceOf(Problem.Invalid.class);
        assertThatThrownBy(() -> TagSet.parse("tags", Json.read("{\"k\": \"" + "x".repeat(256) + "\"}")))
                .isInstanceOf(Problem.Invalid.class);
    }

    @Test
    void keyCheckShouldAgreeWithTheKeyPatternOnEveryShortKey() {
        // every key of up to 3 characters over an alphabet with all the kinds of characters that matter
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(TagSet.KEY_PATTERN);
        String alphabet = "az09_.-A ! ";
        List<String> keys = new java.util.ArrayList<>(List.of(""));
        for (int length = 1; length <= 3; length++) {
            List<String> longer = new java.util.ArrayList<>();
            for (String key : keys) {
                for (char c : alphabet.toCharArray()) {
                    longer.add(key + c);
                }
            }
            for (String key : longer) {
                assertThat(TagSet.isValidKey(key))
                        .as("'" + key + "'")
                        .isEqualTo(pattern.matcher(key).matches());
            }
            keys = longer;
        }
        assertThat(TagSet.isValidKey("a".repeat(64))).isTrue();
        assertThat(TagSet.isValidKey("a".repeat(65))).isFalse();
    }

    @Test
    void setsBuiltFromOthersShouldNeverChangeThem() {
        // given: a set, a set built from it, and a builder used again after building
        TagSet original = TagSet.of("geo", "us", "geo", "us-ny", "vertical", "auto");
        TagSet.Builder builder = original.toBuilder().add("geo", "us-10101");
        TagSet first = builder.build();

        // when
        builder.add("geo", "ca").add("vertical", "home").remove("missing");
        TagSet second = builder.build();
        TagSet replaced = original.replacing("vertical", List.of("life"));
        TagSet merged = original.withAll(TagSet.of("geo", "mx"));

        // then: every earlier set is unchanged
        assertThat(original.values("geo")).containsExactly("us", "us-ny");
        assertThat(original.values("vertical")).containsExactly("auto");
        assertThat(first.values("geo")).containsExactly("us", "us-ny", "us-10101");
        assertThat(first.values("vertical")).containsExactly("auto");
        assertThat(second.values("geo")).containsExactly("us", "us-ny", "us-10101", "ca");
        assertThat(second.values("vertical")).containsExactly("auto", "home");
        assertThat(replaced.values("vertical")).containsExactly("life");
        assertThat(merged.values("geo")).containsExactly("us", "us-ny", "mx");
        assertThatThrownBy(() -> first.values("geo").add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void storedFormShouldBeTheTextTheMapperWritesForTheMap() {
        // given: several values per key, characters to escape, and one value only the mapper writes
        TagSet tags = TagSet.builder()
                .add("geo", "us")
                .add("geo", "us-ny")
                .add("note", "say \"hi\" \\ back é")
                .add("caller_number", "+13125550147")
                .build();
        TagSet emoji = tags.with("mood", "\uD83D\uDE00");

        // when / then
        assertThat(tags.toStored()).isEqualTo(Json.writeString(tags.asMap()));
        assertThat(emoji.toStored()).isEqualTo(Json.writeString(emoji.asMap()));
        assertThat(TagSet.empty().toStored())
                .isEqualTo(Json.writeString(TagSet.empty().asMap()));
        assertThat(TagSet.fromStored(tags.toStored())).isEqualTo(tags);
    }

    @Test
    void replacingAllShouldReadAsTheCopyWithTheKeysRemovedAndAddedAgain() {
        // given: random sets and replacements over a few keys, so that replaced keys are sometimes absent
        Random random = new Random(42);
        String[] keys = {"a", "b", "c", "system_buyer_id", "handler_id", "geo"};
        for (int round = 0; round < 5_000; round++) {
            TagSet tags = randomSet(random, keys, 7);
            TagSet replacements = randomSet(random, keys, 3);
            TagSet.Builder copy = tags.toBuilder();
            replacements.keys().forEach(copy::remove);
            replacements.keys().forEach(key -> replacements.values(key).forEach(value -> copy.add(key, value)));
            TagSet expected = copy.build();

            // when
            TagSet replaced = tags.replacingAll(replacements);
            TagSet twice = replaced.replacingAll(randomSet(random, keys, 2));

            // then: equal either way round, the same order of keys and values, the same stored text and look-ups
            assertThat(replaced).isEqualTo(expected);
            assertThat(expected).isEqualTo(replaced);
            assertThat(replaced.hashCode()).isEqualTo(expected.hashCode());
            assertThat(new ArrayList<>(replaced.keys())).isEqualTo(new ArrayList<>(expected.keys()));
            assertThat(replaced.asMap()).isEqualTo(expected.asMap());
            assertThat(List.copyOf(replaced.asMap().entrySet()))
                    .isEqualTo(List.copyOf(expected.asMap().entrySet()));
            assertThat(replaced.toStored()).isEqualTo(expected.toStored());
            for (String key : keys) {
                assertThat(replaced.has(key)).isEqualTo(expected.has(key));
                assertThat(replaced.values(key)).containsExactlyElementsOf(expected.values(key));
            }
            assertThat(replaced.changedFrom(tags)).isEqualTo(expected.changedFrom(tags));
            assertThat(replaced.toBuilder().add("z", "1").build())
                    .isEqualTo(expected.toBuilder().add("z", "1").build());
            assertThat(TagSet.fromStored(twice.toStored())).isEqualTo(twice);
        }
    }

    private static TagSet randomSet(Random random, String[] keys, int most) {
        TagSet.Builder builder = TagSet.builder();
        for (int i = random.nextInt(most + 1); i > 0; i--) {
            builder.add(keys[random.nextInt(keys.length)], Integer.toString(random.nextInt(4)));
        }
        return builder.build();
    }
}
