package org.switchboard.platform.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The whole configuration, loaded and checked once at start-up by {@link ConfigLoader}. Optional values are empty
 * when the operator left them blank.
 */
public record SwitchboardConfig(
        int port,
        String bindAddress,
        long maxRequestBytes,
        int requestHeadTimeoutSeconds,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> databaseUser,
        Optional<String> databasePassword,
        int databasePoolSize,
        Optional<RedisSettings> redis,
        int liveLeaseSeconds,
        String publicApiUrl,
        String publicRtbUrl,
        String publicDataUrl,
        Optional<String> masterKey,
        Optional<String> operatorToken,
        List<String> outboundAllowCidrs,
        int webhookResponseCapBytes,
        int webhookMaxConnections,
        int webhookMaxConnectionsPerHost,
        WebhookDelivery webhookDelivery,
        int dialGraceSeconds,
        int configCacheSeconds,
        Optional<String> twilioAuthToken,
        Optional<String> plivoAuthToken,
        Optional<String> twilioAccountSid,
        String twilioApiUrl,
        Optional<String> plivoAuthId,
        String plivoApiUrl,
        String firstAccountName,
        Optional<String> firstAccountApiKey,
        boolean demoData,
        LogFormat logFormat,
        Operations operations,
        ConversionRecovery conversionRecovery) {

    /**
     * How the server is operated: {@code /metrics} behind an optional bearer token, or on a separate management port
     * (0: any free port) instead of the main one; how long a stopping server lets requests in flight finish.
     */
    public record Operations(Optional<String> metricsToken, OptionalInt managementPort, Duration shutdownGrace) {}

    /**
     * Post-call webhook delivery: the default waits between attempts, how many attempts run at once on this node, and
     * when a webhook failing without a success is disabled (after {@code disableAfter}, with at least
     * {@code disableMinFailures} failures in the last 24 h).
     */
    public record WebhookDelivery(
            List<Duration> retrySchedule, int workers, Duration disableAfter, int disableMinFailures, Duration lease) {}

    /**
     * How a node takes up the conversion work a stopped node left: a call ended (or decided) {@code grace} ago without
     * a decision (or without its post-call webhooks queued) is decided (or queued) by any node; the ended calls left
     * undecided are looked for every {@code sweepEvery}.
     */
    public record ConversionRecovery(Duration grace, Duration sweepEvery) {}

    /** How log records are written: readable text lines, or one JSON object a line for a log collector. */
    public enum LogFormat {
        TEXT,
        JSON
    }

    /** The JDBC URL in force: the configured one, or the embedded SQLite file in the data folder. */
    public String jdbcUrl() {
        return databaseUrl.orElseGet(() -> "jdbc:sqlite:" + dataDir.resolve("switchboard.db"));
    }
}
