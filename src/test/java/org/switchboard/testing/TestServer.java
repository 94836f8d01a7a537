package org.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.switchboard.Wiring;
import org.switchboard.platform.config.ConfigLoader;

/**
 * The real server in-process on a loopback port it binds itself (port 0, so no other process can take it between a
 * choice and the bind; its public URL follows the port it got), on a store of its own: a fresh SQLite file in a temporary
 * folder, or a fresh schema in the local PostgreSQL database {@code test}. PostgreSQL tests are skipped when no
 * server answers, except under {@code CI=true} where that is a failure.
 */
public final class TestServer implements AutoCloseable {
    public static final String OPERATOR_TOKEN = "operator-token-for-tests-0123456789";
    public static final String TWILIO_AUTH_TOKEN = "twilio-auth-token-for-tests";
    /** Tests share two cores with the build: a command may wait longer than production's default before it fails. */
    static final String REDIS_TIMEOUT_MS = "3000";

    public static final String PLIVO_AUTH_TOKEN = "plivo-auth-token-for-tests";
    public static final String TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000001";
    public static final String PLIVO_AUTH_ID = "MA0000000000000000TEST";
    static final String POSTGRES_URL = Optional.ofNullable(System.getenv("SWITCHBOARD_TEST_POSTGRES_URL"))
            .orElse("jdbc:postgresql://127.0.0.1:5432/test");
    static final String POSTGRES_USER = "postgres";

    private final Engine engine;
    private final Path dataDir;
    private final Optional<String> schema;
    private Map<String, String> env;
    private final TestClock clock = new TestClock();
    /** Stands in for the carriers' REST APIs (Twilio's call update, Plivo's transfer): answers 200 and records. */
    private final Receiver carrierApi = new Receiver().on("/", Receiver.respond(200, "application/json", "{}"));

    private Wiring wiring;

    /** Hooks replacing the webhooks in the call flow; empty keeps the server's own. */
    private final Optional<org.switchboard.call.CallHooks> hooks;

    private TestServer(Engine engine, Map<String, String> extraEnv, Optional<org.switchboard.call.CallHooks> hooks) {
        this(engine, extraEnv, hooks, Optional.empty());
    }

    /** {@code joining}: the PostgreSQL schema of a first node this one shares its store with (it is not dropped here). */
    private TestServer(
            Engine engine,
            Map<String, String> extraEnv,
            Optional<org.switchboard.call.CallHooks> hooks,
            Optional<String> joining) {
        this.hooks = hooks;
        this.engine = engine;
        try {
            this.dataDir = Files.createTempDirectory("switchboard-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = new HashMap<>();
        // any free port, taken by the listener itself; the public URL (which carrier signatures cover) follows it
        settings.put("SWITCHBOARD_PORT", "0");
        settings.put("SWITCHBOARD_PUBLIC_API_URL", "http://127.0.0.1:0");
        settings.put("SWITCHBOARD_TWILIO_AUTH_TOKEN", TWILIO_AUTH_TOKEN);
        settings.put("SWITCHBOARD_PLIVO_AUTH_TOKEN", PLIVO_AUTH_TOKEN);
        settings.put("SWITCHBOARD_TWILIO_ACCOUNT_SID", TWILIO_ACCOUNT_SID);
        settings.put("SWITCHBOARD_TWILIO_API_URL", carrierApi.url(""));
        settings.put("SWITCHBOARD_PLIVO_AUTH_ID", PLIVO_AUTH_ID);
        settings.put("SWITCHBOARD_PLIVO_API_URL", carrierApi.url(""));
        // webhook targets in tests are receivers on loopback, which an operator would have to allow the same way
        settings.put("SWITCHBOARD_OUTBOUND_ALLOW_CIDRS", "127.0.0.0/8");
        settings.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
        settings.put("SWITCHBOARD_OPERATOR_TOKEN", OPERATOR_TOKEN);
        if (joining.isPresent()) {
            this.schema = Optional.empty();
            settings.put("SWITCHBOARD_DATABASE_URL", POSTGRES_URL + "?currentSchema=" + joining.get());
            settings.put("SWITCHBOARD_DATABASE_USER", POSTGRES_USER);
            settings.put("SWITCHBOARD_DATABASE_POOL_SIZE", "4");
        } else if (engine == Engine.POSTGRESQL) {
            String name = "sw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            createSchema(name);
            this.schema = Optional.of(name);
            settings.put("SWITCHBOARD_DATABASE_URL", POSTGRES_URL + "?currentSchema=" + name);
            settings.put("SWITCHBOARD_DATABASE_USER", POSTGRES_USER);
            settings.put("SWITCHBOARD_DATABASE_POOL_SIZE", "4");
        } else {
            this.schema = Optional.empty();
        }
        if ("redis".equals(System.getenv("SWITCHBOARD_TEST_LIVE_STATE"))) {
            // the whole suite on the shared live state: ./mvnw verify with SWITCHBOARD_TEST_LIVE_STATE=redis
            settings.put("SWITCHBOARD_REDIS_URL", LocalRedis.url());
            settings.put(
                    "SWITCHBOARD_REDIS_PREFIX",
                    "it-" + UUID.randomUUID().toString().substring(0, 8) + ":");
            settings.put("SWITCHBOARD_REDIS_TIMEOUT_MS", REDIS_TIMEOUT_MS);
        }
        settings.putAll(extraEnv);
        this.env = Map.copyOf(settings);
        this.wiring = startWiring();
    }

    public static TestServer start(Engine engine) {
        return new TestServer(engine, Map.of(), Optional.empty());
    }

    public static TestServer start(Engine engine, Map<String, String> extraEnv) {
        return new TestServer(engine, extraEnv, Optional.empty());
    }

    /** A server whose call flow calls {@code hooks}. */
    public static TestServer start(Engine engine, org.switchboard.call.CallHooks hooks) {
        return new TestServer(engine, Map.of(), Optional.of(hooks));
    }

    /**
     * {@code nodes} servers sharing one store (a fresh schema of the local PostgreSQL), one Redis (a fresh key prefix)
     * and one master key, as the nodes of one deployment behind a load balancer are. The first node owns the schema.
     */
    public static List<TestServer> cluster(int nodes, Map<String, String> extraEnv) {
        Map<String, String> shared = new HashMap<>(extraEnv);
        shared.put("SWITCHBOARD_REDIS_URL", LocalRedis.url());
        shared.put(
                "SWITCHBOARD_REDIS_PREFIX", "it-" + UUID.randomUUID().toString().substring(0, 8) + ":");
        shared.put("SWITCHBOARD_REDIS_TIMEOUT_MS", REDIS_TIMEOUT_MS);
        byte[] masterKey = new byte[32];
        new java.security.SecureRandom().nextBytes(masterKey);
        shared.put("SWITCHBOARD_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(masterKey));
        List<TestServer> started = new ArrayList<>();
        started.add(new TestServer(Engine.POSTGRESQL, shared, Optional.empty(), Optional.empty()));
        String schema = started.getFirst().schema.orElseThrow();
        for (int i = 1; i < nodes; i++) {
            started.add(new TestServer(Engine.POSTGRESQL, shared, Optional.empty(), Optional.of(schema)));
        }
        return List.copyOf(started);
    }

    private Wiring startWiring() {
        return hooks.map(h -> Wiring.start(ConfigLoader.load(env), clock, h))
                .orElseGet(() -> Wiring.start(ConfigLoader.load(env), clock));
    }

    public Engine engine() {
        return engine;
    }

    public Wiring wiring() {
        return wiring;
    }

    /** The server's clock: real time plus whatever a test moved it on by. */
    public TestClock clock() {
        return clock;
    }

    /** The stand-in for the carriers' REST APIs, with every request it received. */
    public Receiver carrierApi() {
        return carrierApi;
    }

    public String base() {
        return "http://127.0.0.1:" + wiring.port();
    }

    /**
     * Stops the server and starts a new one on the same store, as a process restart would: on the port it had, so
     * clients made before still reach it (a process restarting on its configured port keeps it too).
     */
    public void restart() {
        int port = wiring.port();
        wiring.close();
        if ("0".equals(env.get("SWITCHBOARD_PORT"))) {
            Map<String, String> samePort = new HashMap<>(env);
            samePort.put("SWITCHBOARD_PORT", Integer.toString(port));
            samePort.computeIfPresent("SWITCHBOARD_PUBLIC_API_URL", (name, url) -> url.replaceFirst(":0$", ":" + port));
            env = Map.copyOf(samePort);
        }
        wiring = startWiring();
    }

    /** A new account created through the operator API, with a client holding its key. */
    public Api newAccount(String name) {
        Response created = new Api(base(), Optional.of(OPERATOR_TOKEN), 0)
                .post("/api/v2/accounts", "{\"name\": \"" + name + "\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("account creation failed: " + created);
        }
        return new Api(
                base(),
                Optional.of(created.json().path("api_key").path("key").asText()),
                created.json().path("account").path("id").asLong());
    }

    /** A client sending no credentials. */
    public Api anonymous() {
        return new Api(base(), Optional.empty(), 0);
    }

    /** A client sending this key. */
    public Api withKey(String key) {
        return new Api(base(), Optional.of(key), 0);
    }

    @Override
    public void close() {
        wiring.close();
        carrierApi.close();
        schema.ifPresent(TestServer::dropSchema);
        try {
            ProcessStore.deleteTree(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void createSchema(String name) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
            connection.createStatement().execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            boolean ci = "true".equals(System.getenv("CI"));
            if (!ci) {
                Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES_URL + " (" + e.getMessage()
                        + "); start it to run the PostgreSQL half of the suite");
            }
            throw new IllegalStateException("PostgreSQL is required in CI but not reachable at " + POSTGRES_URL, e);
        }
    }

    static void dropSchema(String name) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
            connection.createStatement().execute("DROP SCHEMA " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + name.toLowerCase(Locale.ROOT), e);
        }
    }
}
