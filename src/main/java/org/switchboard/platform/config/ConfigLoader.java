package org.switchboard.platform.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Reads the commented defaults file from the class path, then an optional file named by {@code
 * SWITCHBOARD_CONFIG_FILE}, then {@code SWITCHBOARD_*} environment variables, and checks every value. Nothing is
 * read from the environment after start-up.
 */
public final class ConfigLoader {
    static final String DEFAULTS = "/switchboard-defaults.properties";
    private static final String ENV_PREFIX = "SWITCHBOARD_";

    private ConfigLoader() {}

    public static SwitchboardConfig fromEnvironment() {
        return load(System.getenv());
    }

    /** Loads with {@code env} standing in for the process environment (tests pass their own map). */
    public static SwitchboardConfig load(Map<String, String> env) {
        Properties values = defaults();
        List<String> problems = new ArrayList<>();
        String file = env.get(ENV_PREFIX + "CONFIG_FILE");
        if (file != null && !file.isBlank()) {
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                Properties fromFile = new Properties();
                fromFile.load(reader);
                for (String key : fromFile.stringPropertyNames()) {
                    if (!values.containsKey(key)) {
                        problems.add(file + ": unknown setting '" + key + "'");
                    }
                    values.setProperty(key, fromFile.getProperty(key));
                }
            } catch (IOException e) {
                problems.add("SWITCHBOARD_CONFIG_FILE: cannot read " + file + ": " + e.getMessage());
            }
        }
        for (var entry : env.entrySet()) {
            String name = entry.getKey();
            // SWITCHBOARD_TEST_* belong to the test suite, not to the server
            if (!name.startsWith(ENV_PREFIX)
                    || name.equals(ENV_PREFIX + "CONFIG_FILE")
                    || name.startsWith(ENV_PREFIX + "TEST_")) {
                continue;
            }
            String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
            if (!values.containsKey(key)) {
                problems.add(name + ": unknown setting (known: " + knownEnvNames(values) + ")");
                continue;
            }
            values.setProperty(key, entry.getValue());
        }
        return new Checker(values, problems).read();
    }

    private static String knownEnvNames(Properties values) {
        var names = new TreeSet<String>();
        for (String key : values.stringPropertyNames()) {
            names.add(ENV_PREFIX + key.toUpperCase(Locale.ROOT));
        }
        return String.join(", ", names);
    }

    private static Properties defaults() {
        Properties properties = new Properties();
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException("missing " + DEFAULTS + " on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS, e);
        }
        return properties;
    }

    /** Turns raw strings into typed values, collecting every problem instead of stopping at the first. */
    private static final class Checker {
        private final Properties values;
        private final List<String> problems;

        Checker(Properties values, List<String> problems) {
            this.values = values;
            this.problems = problems;
        }

        SwitchboardConfig read() {
            int port = integer("port", 0, 65_535);
            String bind = text("bind_address");
            if (bind.isEmpty()) {
                problems.add(envName("bind_address") + ": must not be empty");
            }
            long maxRequestBytes = integer("max_request_bytes", 1_024, 64 * 1024 * 1024);
            String dataDir = text("data_dir");
            if (dataDir.isEmpty()) {
                problems.add(envName("data_dir") + ": must not be empty");
            }
            Optional<String> databaseUrl = optional("database_url");
            databaseUrl.ifPresent(url -> {
                if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                    problems.add(envName("database_url") + ": must start with jdbc:sqlite: or jdbc:postgresql:");
                }
            });
            int poolSize = integer("database_pool_size", 1, 500);
            Optional<RedisSettings> redis = redis();
            int liveLeaseSeconds = integer("live_lease_seconds", 3, 3_600);
            // a server started on another port shows its own address in key URLs unless told otherwise
            String apiUrl =
                    optional("public_api_url").isPresent() ? httpUrl("public_api_url") : "http://localhost:" + port;
            String rtbUrl = optional("public_rtb_url").isPresent() ? httpUrl("public_rtb_url") : apiUrl;
            String dataUrl = optional("public_data_url").isPresent() ? httpUrl("public_data_url") : apiUrl;
            Optional<String> masterKey = optional("master_key");
            masterKey.ifPresent(key -> {
                try {
                    if (Base64.getDecoder().decode(key).length != 32) {
                        problems.add(envName("master_key") + ": must be base64 of exactly 32 bytes");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(envName("master_key") + ": is not valid base64");
                }
            });
            Optional<String> operatorToken = optional("operator_token");
            operatorToken.ifPresent(token -> minLength("operator_token", token, 24));
            String firstName = text("first_account_name");
            if (firstName.isEmpty() || firstName.length() > 200) {
                problems.add(envName("first_account_name") + ": must be 1 to 200 characters");
            }
            Optional<String> firstKey = optional("first_account_api_key");
            firstKey.ifPresent(key -> minLength("first_account_api_key", key, 24));
            boolean demo = bool("demo_data");
            List<String> allowCidrs = new ArrayList<>();
            for (String cidr : text("outbound_allow_cidrs").split(",")) {
                if (cidr.isBlank()) {
                    continue;
                }
                try {
                    org.switchboard.platform.outbound.AddressPolicy.allowing(List.of(cidr));
                    allowCidrs.add(cidr.strip());
                } catch (IllegalArgumentException e) {
                    problems.add(envName("outbound_allow_cidrs") + ": " + e.getMessage());
                }
            }
            int responseCap = integer("webhook_response_cap_bytes", 1_024, 10 * 1024 * 1024);
            int maxConnections = integer("webhook_max_connections", 1, 100_000);
            int maxConnectionsPerHost = integer("webhook_max_connections_per_host", 1, 100_000);
            SwitchboardConfig.WebhookDelivery delivery = webhookDelivery();
            int headTimeout = integer("request_head_timeout_seconds", 1, 3_600);
            int dialGrace = integer("dial_grace_seconds", 1, 3_600);
            int configCacheSeconds = integer("config_cache_seconds", 0, 86_400);
            String twilioApiUrl = httpUrl("twilio_api_url");
            String plivoApiUrl = httpUrl("plivo_api_url");
            SwitchboardConfig.LogFormat logFormat = logFormat();
            SwitchboardConfig.Operations operations = operations(port);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new SwitchboardConfig(
                    port,
                    bind,
                    maxRequestBytes,
                    headTimeout,
                    Path.of(dataDir),
                    databaseUrl,
                    optional("database_user"),
                    optional("database_password"),
                    poolSize,
                    redis,
                    liveLeaseSeconds,
                    apiUrl,
                    rtbUrl,
                    dataUrl,
                    masterKey,
                    operatorToken,
                    allowCidrs,
                    responseCap,
                    maxConnections,
                    maxConnectionsPerHost,
                    delivery,
                    dialGrace,
                    configCacheSeconds,
                    optional("twilio_auth_token"),
                    optional("plivo_auth_token"),
                    optional("twilio_account_sid"),
                    twilioApiUrl,
                    optional("plivo_auth_id"),
                    plivoApiUrl,
                    firstName,
                    firstKey,
                    demo,
                    logFormat,
                    operations);
        }

        private SwitchboardConfig.Operations operations(int port) {
            Optional<String> token = optional("metrics_token");
            token.ifPresent(t -> minLength("metrics_token", t, 24));
            java.util.OptionalInt managementPort = java.util.OptionalInt.empty();
            if (optional("management_port").isPresent()) {
                int management = integer("management_port", 0, 65_535);
                if (management != 0 && management == port) {
                    problems.add(envName("management_port") + ": must differ from " + envName("port"));
                }
                managementPort = java.util.OptionalInt.of(management);
            }
            int grace = integer("shutdown_grace_seconds", 0, 3_600);
            return new SwitchboardConfig.Operations(token, managementPort, java.time.Duration.ofSeconds(grace));
        }

        /** Live state in Redis when a URL is set: its scheme, key prefix and command timeout checked. */
        private Optional<RedisSettings> redis() {
            Optional<String> url = optional("redis_url");
            String prefix = text("redis_prefix");
            if (prefix.length() > 64 || prefix.chars().anyMatch(c -> c <= ' ' || c == '{' || c == '}')) {
                problems.add(envName("redis_prefix") + ": at most 64 characters, without spaces or braces");
            }
            int timeoutMillis = integer("redis_timeout_ms", 10, 60_000);
            if (url.isEmpty()) {
                return Optional.empty();
            }
            try {
                URI uri = new URI(url.get());
                if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
                    // never echo the URL: it may hold a password
                    problems.add(envName("redis_url") + ": must be redis://host:port or rediss://host:port");
                }
            } catch (URISyntaxException e) {
                problems.add(envName("redis_url") + ": is not a URL");
            }
            return Optional.of(new RedisSettings(url.get(), prefix, java.time.Duration.ofMillis(timeoutMillis)));
        }

        private SwitchboardConfig.WebhookDelivery webhookDelivery() {
            List<java.time.Duration> schedule = List.of();
            try {
                schedule = org.switchboard.platform.time.Waits.parseList(text("webhook_retry_schedule"));
                if (schedule.size() > 20) {
                    problems.add(envName("webhook_retry_schedule") + ": at most 20 waits");
                }
            } catch (IllegalArgumentException e) {
                problems.add(envName("webhook_retry_schedule") + ": " + e.getMessage());
            }
            java.time.Duration disableAfter = java.time.Duration.ofDays(5);
            try {
                disableAfter = org.switchboard.platform.time.Waits.parse(text("webhook_disable_after"));
            } catch (IllegalArgumentException e) {
                problems.add(envName("webhook_disable_after") + ": " + e.getMessage());
            }
            java.time.Duration lease = java.time.Duration.ofSeconds(60);
            try {
                lease = org.switchboard.platform.time.Waits.parse(text("webhook_delivery_lease"));
                if (lease.compareTo(java.time.Duration.ofSeconds(5)) < 0) {
                    problems.add(envName("webhook_delivery_lease") + ": at least 5s (an attempt's timeout must fit)");
                }
            } catch (IllegalArgumentException e) {
                problems.add(envName("webhook_delivery_lease") + ": " + e.getMessage());
            }
            return new SwitchboardConfig.WebhookDelivery(
                    schedule,
                    integer("webhook_delivery_workers", 1, 10_000),
                    disableAfter,
                    integer("webhook_disable_min_failures", 1, 1_000_000),
                    lease);
        }

        private SwitchboardConfig.LogFormat logFormat() {
            return switch (text("log_format").toLowerCase(Locale.ROOT)) {
                case "text" -> SwitchboardConfig.LogFormat.TEXT;
                case "json" -> SwitchboardConfig.LogFormat.JSON;
                default -> {
                    problems.add(envName("log_format") + ": '" + text("log_format") + "' is not text or json");
                    yield SwitchboardConfig.LogFormat.TEXT;
                }
            };
        }

        private String text(String key) {
            return values.getProperty(key, "").strip();
        }

        private Optional<String> optional(String key) {
            String value = text(key);
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        private int integer(String key, int min, int max) {
            String raw = text(key);
            try {
                int value = Integer.parseInt(raw);
                if (value < min || value > max) {
                    problems.add(envName(key) + ": " + raw + " is outside " + min + ".." + max);
                }
                return value;
            } catch (NumberFormatException e) {
                problems.add(envName(key) + ": '" + raw + "' is not a whole number");
                return min;
            }
        }

        private boolean bool(String key) {
            String raw = text(key).toLowerCase(Locale.ROOT);
            return switch (raw) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0", "" -> false;
                default -> {
                    problems.add(envName(key) + ": '" + raw + "' is not true or false");
                    yield false;
                }
            };
        }

        private String httpUrl(String key) {
            String raw = text(key);
            try {
                URI uri = new URI(raw);
                org.switchboard.platform.outbound.OutboundHttp.httpUrlProblem(uri)
                        .ifPresent(problem -> problems.add(envName(key) + ": '" + raw + "' " + problem));
            } catch (URISyntaxException e) {
                problems.add(envName(key) + ": '" + raw + "' is not a URL");
            }
            return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        }

        private void minLength(String key, String value, int min) {
            if (value.length() < min) {
                problems.add(envName(key) + ": must be at least " + min + " characters");
            }
        }

        private static String envName(String key) {
            return ENV_PREFIX + key.toUpperCase(Locale.ROOT);
        }
    }
}
