package org.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * An empty store of its own for tests that open the database without a server: a SQLite file in a fresh temporary
 * folder, or a fresh schema of the local PostgreSQL database {@code test} (skipped when no PostgreSQL answers, as in
 * {@link TestServer}). Closing it removes the file or drops the schema.
 */
public final class TestStore implements AutoCloseable {
    private final String jdbcUrl;
    private final Optional<String> user;
    private final Path dir;
    private final Optional<String> schema;

    private TestStore(String jdbcUrl, Optional<String> user, Path dir, Optional<String> schema) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.dir = dir;
        this.schema = schema;
    }

    public static TestStore create(Engine engine) {
        Path dir;
        try {
            dir = Files.createTempDirectory("switchboard-store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (engine == Engine.SQLITE) {
            return new TestStore("jdbc:sqlite:" + dir.resolve("store.db"), Optional.empty(), dir, Optional.empty());
        }
        String name =
                "sw_store_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestServer.createSchema(name);
        return new TestStore(
                TestServer.POSTGRES_URL + "?currentSchema=" + name,
                Optional.of(TestServer.POSTGRES_USER),
                dir,
                Optional.of(name));
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user to connect as (PostgreSQL), empty for SQLite. */
    public Optional<String> user() {
        return user;
    }

    @Override
    public void close() {
        schema.ifPresent(TestServer::dropSchema);
        try {
            ProcessStore.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
