package org.switchboard.platform.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeSet;
import org.switchboard.platform.outbound.AddressPolicy;
import org.switchboard.platform.outbound.OutboundHttp;
import org.switchboard.platform.time.Waits;

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
            // read in the order the problems are listed
            Listener listener = listener();
            Storage storage = storage();
            PublicUrls urls = publicUrls(listener.port());
            Access access = access();
            Outbound outbound = outbound();
            Timing timing = timing();
            Carriers carriers = carriers();
            SwitchboardConfig.LogFormat logFormat = logFormat();
            SwitchboardConfig.Operations operations = operations(listener.port());
            var recovery = new SwitchboardConfig.ConversionRecovery(
                    shortWait("conversion_recovery_grace"), shortWait("conversion_sweep_every"));
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new SwitchboardConfig(
                    listener.port(),
                    listener.bind(),
                    listener.maxRequestBytes(),
                    timing.headTimeoutSeconds(),
                    storage.dataDir(),
                    storage.databaseUrl(),
                    storage.databaseUser(),
                    storage.databasePassword(),
                    storage.poolSize(),
                    storage.redis(),
                    storage.liveLeaseSeconds(),
                    urls.api(),
                    urls.rtb(),
                    urls.data(),
                    access.masterKey(),
                    access.operatorToken(),
                    outbound.allowCidrs(),
                    outbound.responseCapBytes(),
                    outbound.maxConnections(),
                    outbound.maxConnectionsPerHost(),
                    outbound.delivery(),
                    timing.dialGraceSeconds(),
                    timing.configCacheSeconds(),
                    carriers.twilioAuthToken(),
                    carriers.plivoAuthToken(),
                    carriers.twilioAccountSid(),
                    carriers.twilioApiUrl(),
                    carriers.plivoAuthId(),
                    carriers.plivoApiUrl(),
                    access.firstAccountName(),
                    access.firstAccountKey(),
                    access.demoData(),
                    logFormat,
                    operations,
                    recovery);
        }

        private record Listener(int port, String bind, long maxRequestBytes) {}

        private Listener listener() {
            int port = integer("port", 0, 65_535);
            String bind = nonEmpty("bind_address");
            long maxRequestBytes = integer("max_request_bytes", 1_024, 64 * 1024 * 1024);
            return new Listener(port, bind, maxRequestBytes);
        }

        private record Storage(
                Path dataDir,
                Optional<String> databaseUrl,
                Optional<String> databaseUser,
                Optional<String> databasePassword,
                int poolSize,
                Optional<RedisSettings> redis,
                int liveLeaseSeconds) {}

        private Storage storage() {
            String dataDir = nonEmpty("data_dir");
            Optional<String> databaseUrl = databaseUrl();
            int poolSize = integer("database_pool_size", 1, 500);
            Optional<RedisSettings> redis = redis();
            int liveLeaseSeconds = integer("live_lease_seconds", 3, 3_600);
            return new Storage(
                    Path.of(dataDir),
                    databaseUrl,
                    optional("database_user"),
                    optional("database_password"),
                    poolSize,
                    redis,
                    liveLeaseSeconds);
        }

        private record PublicUrls(String api, String rtb, String data) {}

        private PublicUrls publicUrls(int port) {
            // a server started on another port shows its own address in key URLs unless told otherwise
            // (on port 0, a URL naming port 0 stands for the port the listener gets: see PublicUrl)
            String apiUrl = optional("public_api_url").isPresent()
                    ? publicUrl("public_api_url", port)
                    : "http://localhost:" + port;
            String rtbUrl = optional("public_rtb_url").isPresent() ? publicUrl("public_rtb_url", port) : apiUrl;
            String dataUrl = optional("public_data_url").isPresent() ? publicUrl("public_data_url", port) : apiUrl;
            return new PublicUrls(apiUrl, rtbUrl, dataUrl);
        }

        /** Who may get in: the secrets, and the account made at first start. */
        private record Access(
                Optional<String> masterKey,
                Optional<String> operatorToken,
                String firstAccountName,
                Optional<String> firstAccountKey,
                boolean demoData) {}

        private Access access() {
            Optional<String> masterKey = masterKey();
            Optional<String> operatorToken = optional("operator_token");
            operatorToken.ifPresent(token -> minLength("operator_token", token, 24));
            String firstName = firstAccountName();
            Optional<String> firstKey = optional("first_account_api_key");
            firstKey.ifPresent(key -> minLength("first_account_api_key", key, 24));
            boolean demo = bool("demo_data");
            return new Access(masterKey, operatorToken, firstName, firstKey, demo);
        }

        /** Webhooks and other outbound requests: where they may go, how many at once, how they are retried. */
        private record Outbound(
                List<String> allowCidrs,
                int responseCapBytes,
                int maxConnections,
                int maxConnectionsPerHost,
                SwitchboardConfig.WebhookDelivery delivery) {}

        private Outbound outbound() {
            List<String> allowCidrs = allowCidrs();
            int responseCap = integer("webhook_response_cap_bytes", 1_024, 10 * 1024 * 1024);
            int maxConnections = integer("webhook_max_connections", 1, 100_000);
            int maxConnectionsPerHost = integer("webhook_max_connections_per_host", 1, 100_000);
            SwitchboardConfig.WebhookDelivery delivery = webhookDelivery();
            return new Outbound(allowCidrs, responseCap, maxConnections, maxConnectionsPerHost, delivery);
        }

        private record Timing(int headTimeoutSeconds, int dialGraceSeconds, int configCacheSeconds) {}

        private Timing timing() {
            int headTimeout = integer("request_head_timeout_seconds", 1, 3_600);
            int dialGrace = integer("dial_grace_seconds", 1, 3_600);
            int configCacheSeconds = integer("config_cache_seconds", 0, 86_400);
            return new Timing(headTimeout, dialGrace, configCacheSeconds);
        }

        private record Carriers(
                Optional<String> twilioAuthToken,
                Optional<String> plivoAuthToken,
                Optional<String> twilioAccountSid,
                String twilioApiUrl,
                Optional<String> plivoAuthId,
                String plivoApiUrl) {}

        private Carriers carriers() {
            String twilioApiUrl = httpUrl("twilio_api_url");
            String plivoApiUrl = httpUrl("plivo_api_url");
            return new Carriers(
                    optional("twilio_auth_token"),
                    optional("plivo_auth_token"),
                    optional("twilio_account_sid"),
                    twilioApiUrl,
                    optional("plivo_auth_id"),
                    plivoApiUrl);
        }

        private String nonEmpty(String name) {
            String value = text(name);
            if (value.isEmpty()) {
                problems.add(envName(name) + ": must not be empty");
            }
            return value;
        }

        private Optional<String> databaseUrl() {
            Optional<String> databaseUrl = optional("database_url");
            databaseUrl.ifPresent(url -> {
                if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                    problems.add(envName("database_url") + ": must start with jdbc:sqlite: or jdbc:postgresql:");
                }
            });
            return databaseUrl;
        }

        private Optional<String> masterKey() {
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
            return masterKey;
        }

        private String firstAccountName() {
            String firstName = text("first_account_name");
            if (firstName.isEmpty() || firstName.length() > 200) {
                problems.add(envName("first_account_name") + ": must be 1 to 200 characters");
            }
            return firstName;
        }

        private List<String> allowCidrs() {
            List<String> allowCidrs = new ArrayList<>();
            for (String cidr : text("outbound_allow_cidrs").split(",")) {
                if (cidr.isBlank()) {
                    continue;
                }
                try {
                    AddressPolicy.allowing(List.of(cidr));
                    allowCidrs.add(cidr.strip());
                } catch (IllegalArgumentException e) {
                    problems.add(envName("outbound_allow_cidrs") + ": " + e.getMessage());
                }
            }
            return allowCidrs;
        }

        private SwitchboardConfig.Operations operations(int port) {
            Optional<String> token = optional("metrics_token");
            token.ifPresent(t -> minLength("metrics_token", t, 24));
            OptionalInt managementPort = OptionalInt.empty();
            if (optional("management_port").isPresent()) {
                int management = integer("management_port", 0, 65_535);
                if (management != 0 && management == port) {
                    problems.add(envName("management_port") + ": must differ from " + envName("port"));
                }
                managementPort = OptionalInt.of(management);
            }
            int grace = integer("shutdown_grace_seconds", 0, 3_600);
            return new SwitchboardConfig.Operations(token, managementPort, Duration.ofSeconds(grace));
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
            return Optional.of(new RedisSettings(url.get(), prefix, Duration.ofMillis(timeoutMillis)));
        }

        private SwitchboardConfig.WebhookDelivery webhookDelivery() {
            List<Duration> schedule = List.of();
            try {
                schedule = Waits.parseList(text("webhook_retry_schedule"));
                if (schedule.size() > 20) {
                    problems.add(envName("webhook_retry_schedule") + ": at most 20 waits");
                }
            } catch (IllegalArgumentException e) {
                problems.add(envName("webhook_retry_schedule") + ": " + e.getMessage());
            }
            Duration disableAfter = Duration.ofDays(5);
            try {
                disableAfter = Waits.parse(text("webhook_disable_after"));
            } catch (IllegalArgumentException e) {
                problems.add(envName("webhook_disable_after") + ": " + e.getMessage());
            }
            Duration lease = Duration.ofSeconds(60);
            try {
                lease = Waits.parse(text("webhook_delivery_lease"));
                if (lease.compareTo(Duration.ofSeconds(5)) < 0) {
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

        /**
         * A wait from 1 s to 5 min: the sweep for calls left undecided looks 10 min back, so both must stay well
         * within that.
         */
        private Duration shortWait(String key) {
            try {
                Duration wait = Waits.parse(text(key));
                if (wait.compareTo(Duration.ofSeconds(1)) < 0 || wait.compareTo(Duration.ofMinutes(5)) > 0) {
                    problems.add(envName(key) + ": " + text(key) + " is outside 1s..5m");
                }
                return wait;
            } catch (IllegalArgumentException e) {
                problems.add(envName(key) + ": " + e.getMessage());
                return Duration.ofSeconds(30);
            }
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

        /** An http(s) URL; with the listener on port 0, one naming port 0 too (it follows the port the listener gets). */
        private String publicUrl(String key, int port) {
            return port == 0 ? httpUrl(key, true) : httpUrl(key);
        }

        private String httpUrl(String key) {
            return httpUrl(key, false);
        }

        private String httpUrl(String key, boolean portZeroAllowed) {
            String raw = text(key);
            try {
                URI uri = new URI(raw);
                if (portZeroAllowed && uri.getPort() == 0 && uri.getHost() != null) {
                    uri = new URI(
                            uri.getScheme(),
                            uri.getRawUserInfo(),
                            uri.getHost(),
                            1,
                            uri.getRawPath(),
                            uri.getRawQuery(),
                            uri.getRawFragment());
                }
                OutboundHttp.httpUrlProblem(uri)
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
