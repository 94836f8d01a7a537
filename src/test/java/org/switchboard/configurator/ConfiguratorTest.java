package org.switchboard.configurator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.switchboard.platform.problem.Problem;

class ConfiguratorTest {
    private static final Configurator LIBRARY = Configurator.load();

    @Test
    void everyTemplateFileShouldLoadWithItsFieldsAndOwners() {
        assertThat(LIBRARY.templates())
                .extracting(Configurator.Template::id)
                .containsExactly(
                        "zapier", "json_post", "ringba_conversion", "cake", "hasoffers", "voluum", "rtb_buyer");
        LIBRARY.templates().forEach(t -> {
            assertThat(t.owners()).as(t.id()).isNotEmpty();
            assertThat(t.webhooks()).as(t.id()).isNotEmpty();
        });
    }

    @Test
    void inAJarOnlyTheJsonFilesDirectlyInTheFolderShouldBeRead(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("app.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "configurator/", "");
            put(out, "configurator/20_b.json", "{\"b\": 2}");
            put(out, "configurator/10_a.json", "{\"a\": 1}");
            put(out, "configurator/notes.txt", "not a template");
            put(out, "configurator/old/30_c.json", "{}");
            put(out, "other/40_d.json", "{}");
        }

        try (var file = new JarFile(jar.toFile())) {
            assertThat(Configurator.read(file))
                    .containsExactly(Map.entry("10_a.json", "{\"a\": 1}"), Map.entry("20_b.json", "{\"b\": 2}"));
        }
    }

    private static void put(JarOutputStream jar, String name, String content) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(content.getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
    }

    @ParameterizedTest
    @CsvSource({
        "track.example.com, https://track.example.com",
        "https://track.example.com/, https://track.example.com",
        "http://127.0.0.1:8080, http://127.0.0.1:8080"
    })
    void aTrackingDomainShouldBecomeABaseUrl(String given, String expected) {
        var plan = Configurator.plan(LIBRARY.find("voluum").orElseThrow(), Map.of("domain", given), 0);

        assertThat(plan.webhooks().getFirst().path("url").asText())
                .isEqualTo(expected + "/postback?cid=[cid]&payout=[payout]&txid=[call_uuid]");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"track.example.com/p.ashx?x=1", "evil.com\"><script>", "track example.com"})
    void aDomainThatIsNotOneShouldBeRefusedNamingItsField(String given) {
        assertThatThrownBy(() -> Configurator.plan(LIBRARY.find("cake").orElseThrow(), Map.of("domain", given), 0))
                .isInstanceOfSatisfying(
                        Problem.Invalid.class, e -> assertThat(e.field()).contains("domain"));
    }

    @Test
    void aBlankOptionalAnswerShouldDropItsFilterTermAndHeader() {
        var ringba = Configurator.plan(
                LIBRARY.find("ringba_conversion").orElseThrow(),
                Map.of("hook_url", "https://webhook.ringba.com/hook/abc"),
                5);
        var json = Configurator.plan(
                LIBRARY.find("json_post").orElseThrow(),
                Map.of("url", "https://api.example.com/calls", "trigger", "start"),
                5);

        assertThat(ringba.webhooks().getFirst().path("matches")).isEmpty();
        assertThat(json.webhooks().getFirst().path("headers").has("Authorization"))
                .isFalse();
    }

    @Test
    void autoBuyerShouldPlanBothCriteriaForTheBuyerAndNoneWithoutIt() {
        var template = LIBRARY.find("rtb_buyer").orElseThrow();
        Map<String, String> answers = Map.of(
                "rtb_host", "rtb.example.com", "rtb_key", "k-1", "publisher_id", "P1", "campaign", "12", "share", "70");

        var with = Configurator.plan(template, withAnswer(answers, "auto_buyer", "true"), 44407);
        var without = Configurator.plan(template, answers, 44407);

        assertThat(with.criteria())
                .extracting(Configurator.PlannedCriterion::owner)
                .containsExactly("campaign:12", "buyer:44407");
        assertThat(with.criteria().getFirst().body().path("revenue").path("tag").asText())
                .isEqualTo("retreaver_rtb_44407_bid");
        assertThat(with.criteria()
                        .getFirst()
                        .body()
                        .path("trigger")
                        .path("seconds_tag")
                        .asText())
                .isEqualTo("retreaver_rtb_44407_timer");
        assertThat(with.criteria()
                        .getFirst()
                        .body()
                        .path("payout")
                        .path("percent")
                        .asText())
                .isEqualTo("70");
        assertThat(without.criteria()).isEmpty();
        assertThat(without.webhooks().getFirst().path("url").asText())
                .isEqualTo("https://rtb.example.com/rtbs.json?key=k-1&publisher_id=P1&caller_number=[caller_number]"
                        + "&caller_zip=[caller_zip]&caller_state=[caller_state]");
    }

    private static Map<String, String> withAnswer(Map<String, String> answers, String name, String value) {
        var out = new java.util.HashMap<>(answers);
        out.put(name, value);
        return out;
    }
}
