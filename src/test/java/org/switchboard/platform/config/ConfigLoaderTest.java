package org.switchboard.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    @Test
    void defaultsShouldGiveTheEmbeddedSetup() {
        SwitchboardConfig config = ConfigLoader.load(Map.of());
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.jdbcUrl())
                .isEqualTo("jdbc:sqlite:" + Path.of("./data").resolve("switchboard.db"));
        assertThat(config.redis()).isEmpty();
        assertThat(config.demoData()).isFalse();
        assertThat(config.firstAccountName()).isEqualTo("Demo Company");
        assertThat(config.webhookMaxConnections()).isEqualTo(1_000);
        assertThat(config.webhookMaxConnectionsPerHost()).isEqualTo(250);
        assertThat(config.logFormat()).isEqualTo(SwitchboardConfig.LogFormat.TEXT);
    }

    @Test
    void logFormatShouldBeTextOrJson() {
        assertThat(ConfigLoader.load(Map.of("SWITCHBOARD_LOG_FORMAT", "JSON")).logFormat())
                .isEqualTo(SwitchboardConfig.LogFormat.JSON);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SWITCHBOARD_LOG_FORMAT", "logfmt")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly("SWITCHBOARD_LOG_FORMAT: 'logfmt' is not text or json"));
    }

    @Test
    void environmentShouldOverrideDefaults() {
        SwitchboardConfig config = ConfigLoader.load(Map.of(
                "SWITCHBOARD_PORT", "9090",
                "SWITCHBOARD_DATA_DIR", "/srv/sb",
                "SWITCHBOARD_DATABASE_URL", "jdbc:postgresql://db:5432/sb",
                "SWITCHBOARD_PUBLIC_DATA_URL", "https://data.example.com/",
                "SWITCHBOARD_FIRST_ACCOUNT_API_KEY", "sb_0123456789abcdefghijklmnop",
                "PATH", "/usr/bin"));
        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/sb"));
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/sb");
        assertThat(config.publicDataUrl()).isEqualTo("https://data.example.com");
        assertThat(config.firstAccountApiKey()).contains("sb_0123456789abcdefghijklmnop");
    }

    @Test
    void publicUrlsShouldFollowThePortAndTheApiUrlUnlessSet() {
        SwitchboardConfig onItsPort = ConfigLoader.load(Map.of("SWITCHBOARD_PORT", "9090"));
        SwitchboardConfig behindAHost = ConfigLoader.load(Map.of(
                "SWITCHBOARD_PUBLIC_API_URL", "https://calls.example.com/",
                "SWITCHBOARD_PUBLIC_RTB_URL", "https://rtb.example.com"));

        assertThat(ConfigLoader.load(Map.of()).publicApiUrl()).isEqualTo("http://localhost:8080");
        assertThat(onItsPort.publicApiUrl()).isEqualTo("http://localhost:9090");
        assertThat(onItsPort.publicRtbUrl()).isEqualTo("http://localhost:9090");
        assertThat(onItsPort.publicDataUrl()).isEqualTo("http://localhost:9090");
        assertThat(behindAHost.publicApiUrl()).isEqualTo("https://calls.example.com");
        assertThat(behindAHost.publicRtbUrl()).isEqualTo("https://rtb.example.com");
        assertThat(behindAHost.publicDataUrl()).isEqualTo("https://calls.example.com");
    }

    @Test
    void publicUrlsShouldNamePortZeroOnlyWhenTheListenerTakesAnyPort() {
        // given a listener on port 0, with and without a public URL naming port 0, and one on a fixed port naming it
        SwitchboardConfig anyPort = ConfigLoader.load(Map.of("SWITCHBOARD_PORT", "0"));
        SwitchboardConfig onLoopback =
                ConfigLoader.load(Map.of("SWITCHBOARD_PORT", "0", "SWITCHBOARD_PUBLIC_API_URL", "http://127.0.0.1:0"));

        // then: the port-0 URLs are kept (the server puts the port it got in them), and refused on a fixed port
        assertThat(anyPort.publicApiUrl()).isEqualTo("http://localhost:0");
        assertThat(PublicUrl.of(onLoopback.publicDataUrl(), onLoopback.port()))
                .satisfies(url -> url.listening(41_234))
                .extracting(PublicUrl::get)
                .isEqualTo("http://127.0.0.1:41234");
        assertThat(PublicUrl.of("https://calls.example.com", 0))
                .satisfies(url -> url.listening(41_234))
                .extracting(PublicUrl::get)
                .isEqualTo("https://calls.example.com");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SWITCHBOARD_PUBLIC_API_URL", "http://127.0.0.1:0")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void webhookDeliveryShouldDefaultToTheDocumentedScheduleAndRefuseBadWaits() {
        SwitchboardConfig.WebhookDelivery delivery = ConfigLoader.load(Map.of()).webhookDelivery();
        assertThat(delivery.retrySchedule())
                .containsExactly(
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(30),
                        Duration.ofHours(2),
                        Duration.ofHours(5),
                        Duration.ofHours(10),
                        Duration.ofHours(10));
        assertThat(delivery.workers()).isEqualTo(32);
        assertThat(delivery.disableAfter()).isEqualTo(Duration.ofDays(5));
        assertThat(delivery.disableMinFailures()).isEqualTo(5);
        assertThat(ConfigLoader.load(Map.of("SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE", "1s, 500ms"))
                        .webhookDelivery()
                        .retrySchedule())
                .containsExactly(Duration.ofSeconds(1), Duration.ofMillis(500));
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                        "SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE", "5s,soon",
                        "SWITCHBOARD_WEBHOOK_DISABLE_AFTER", "5",
                        "SWITCHBOARD_WEBHOOK_DELIVERY_WORKERS", "0")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .hasSize(3)
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: 'soon'"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_WEBHOOK_DISABLE_AFTER"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_WEBHOOK_DELIVERY_WORKERS")));
    }

    @Test
    void conversionRecoveryShouldDefaultToThirtySecondsAndStayWithinFiveMinutes() {
        // given the defaults, then shorter waits (as the crash tests set), then waits out of range
        SwitchboardConfig.ConversionRecovery defaults =
                ConfigLoader.load(Map.of()).conversionRecovery();
        SwitchboardConfig.ConversionRecovery quick = ConfigLoader.load(Map.of(
                        "SWITCHBOARD_CONVERSION_RECOVERY_GRACE", "3s", "SWITCHBOARD_CONVERSION_SWEEP_EVERY", "1s"))
                .conversionRecovery();
        // then
        assertThat(defaults)
                .isEqualTo(new SwitchboardConfig.ConversionRecovery(Duration.ofSeconds(30), Duration.ofSeconds(30)));
        assertThat(quick)
                .isEqualTo(new SwitchboardConfig.ConversionRecovery(Duration.ofSeconds(3), Duration.ofSeconds(1)));
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                        "SWITCHBOARD_CONVERSION_RECOVERY_GRACE", "500ms", "SWITCHBOARD_CONVERSION_SWEEP_EVERY", "10m")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "SWITCHBOARD_CONVERSION_RECOVERY_GRACE: 500ms is outside 1s..5m",
                                "SWITCHBOARD_CONVERSION_SWEEP_EVERY: 10m is outside 1s..5m"));
    }

    @Test
    void everyProblemShouldBeListedAtOnce() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                        "SWITCHBOARD_PORT", "eighty",
                        "SWITCHBOARD_DATABASE_URL", "mysql://x",
                        "SWITCHBOARD_REDIS_URL", "localhost:6379",
                        "SWITCHBOARD_PUBLIC_API_URL", "ftp://x",
                        "SWITCHBOARD_MASTER_KEY", "c2hvcnQ=",
                        "SWITCHBOARD_FIRST_ACCOUNT_API_KEY", "short",
                        "SWITCHBOARD_DEMO_DATA", "maybe",
                        "SWITCHBOARD_PROT", "8080")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .hasSize(8)
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_PORT"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_DATABASE_URL"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_REDIS_URL"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_PUBLIC_API_URL"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_MASTER_KEY"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_FIRST_ACCOUNT_API_KEY"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_DEMO_DATA"))
                        .anyMatch(p -> p.startsWith("SWITCHBOARD_PROT: unknown setting")));
    }
}
