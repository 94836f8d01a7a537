package org.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One store (a fresh data folder and, on PostgreSQL, a fresh schema) and the Switchboard processes started on it one
 * after the other ({@link ServerProcess}): what a test needs to stop or kill a server and start it again on the same
 * data. Closing it stops what still runs and removes the store.
 */
public final class ProcessStore implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final Path LOG_DIR = Path.of("target", "process-it");

    private final Map<String, String> env;
    private final String apiKey;
    private final Path dataDir;
    private final Optional<String> schema;
    private final List<ServerProcess> started = new ArrayList<>();

    private ProcessStore(Map<String, String> env, String apiKey, Path dataDir, Optional<String> schema) {
        this.env = env;
        this.apiKey = apiKey;
        this.dataDir = dataDir;
        this.schema = schema;
    }

    /** A store on {@code engine} for servers with the first account's key {@code apiKey} and {@code extra} settings. */
    public static ProcessStore create(Engine engine, String apiKey, Map<String, String> extra) {
        try {
            Path dataDir = Files.createTempDirectory("switchboard-process");
            Map<String, String> env = new HashMap<>();
            int port = freePort();
            env.put("SWITCHBOARD_PORT", Integer.toString(port));
            env.put("SWITCHBOARD_PUBLIC_API_URL", "http://127.0.0.1:" + port);
            env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
            env.put("SWITCHBOARD_FIRST_ACCOUNT_API_KEY", apiKey);
            env.put("SWITCHBOARD_OUTBOUND_ALLOW_CIDRS", "127.0.0.0/8");
            Optional<String> schema = Optional.empty();
            if (engine == Engine.POSTGRESQL) {
                String name = "sw_proc_"
                        + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                TestServer.createSchema(name);
                schema = Optional.of(name);
                env.put("SWITCHBOARD_DATABASE_URL", TestServer.POSTGRES_URL + "?currentSchema=" + name);
                env.put("SWITCHBOARD_DATABASE_USER", TestServer.POSTGRES_USER);
            }
            env.putAll(extra);
            return new ProcessStore(Map.copyOf(env), apiKey, dataDir, schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server on the store (its output in {@code target/process-it/<name>.log}) and waits until it serves. */
    public ServerProcess start(String name) throws IOException, InterruptedException {
        Files.createDirectories(LOG_DIR);
        ServerProcess server = ServerProcess.start(env, LOG_DIR.resolve(name + ".log"));
        started.add(server);
        server.awaitReady(apiKey, START_LIMIT);
        return server;
    }

    public String base() {
        return "http://127.0.0.1:" + env.get("SWITCHBOARD_PORT");
    }

    /** What every server started on this store logged as warnings and errors. */
    public String problems() {
        return String.join("\n", started.stream().map(ServerProcess::problems).toList());
    }

    @Override
    public void close() throws IOException {
        started.forEach(ServerProcess::stop);
        try {
            schema.ifPresent(TestServer::dropSchema);
        } finally {
            deleteTree(dataDir);
        }
    }

    /** Deletes {@code dir} and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    /** A port free on the loopback interface now, for a server process to listen on. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
