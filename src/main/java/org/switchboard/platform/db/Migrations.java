package org.switchboard.platform.db;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Whether a store already holds every schema migration bundled in this build, decided without Flyway: Flyway loads,
 * resolves and validates all of its migrations at every start (a third of the main thread's start on a fresh store),
 * which on a store that is up to date changes nothing. {@link Database#open} runs Flyway unless this says the store is
 * up to date.
 *
 * <p>Up to date means that Flyway's schema history holds exactly the versioned SQL migrations of the folder, each
 * applied successfully, with the same script name (so the same version and description) and the same checksum as
 * Flyway computes from the file: what Flyway's migrate would find with nothing to apply and nothing failing its
 * validation. Anything else runs Flyway as before, which applies what is pending under its lock (so nodes starting at
 * once on one PostgreSQL stay safe) and refuses what does not validate: a fresh store, a pending migration, a failed
 * one, one this build does not bundle (the store was migrated by a newer build), an edited migration, any other file
 * in the folder (repeatable migrations, callbacks, script configuration), a history that cannot be read. A checksum
 * computed here differently from Flyway's (a future Flyway) costs the skip, never a migration.
 *
 * <p>A new store (no schema history where Flyway keeps it) is told apart so that {@link Database#open} can have Flyway
 * apply all of its migrations in one transaction; this decides nothing else for it.
 */
final class Migrations {
    /** Where the migrations are, on the class path (Flyway's location {@code classpath:db/migration}). */
    static final String LOCATION = "db/migration";

    /** Flyway's schema history table (its default name, which {@link Database} keeps). */
    static final String HISTORY_TABLE = "flyway_schema_history";

    /** A versioned SQL migration's file name, as Flyway's default prefix, separator and suffix make it. */
    private static final Pattern VERSIONED = Pattern.compile("V[0-9][0-9._]*__[^/]*\\.sql");

    private Migrations() {}

    /** Where a store stands against the bundled migrations, as {@link #state} finds it. */
    enum State {
        /** Every bundled migration applied and nothing else (see the class comment): Flyway would change nothing. */
        UP_TO_DATE,
        /** No schema history at all: a store Flyway never migrated (a first start), or none where it looks. */
        NEW,
        /** Anything else, or it cannot tell: only Flyway decides. */
        OTHER
    }

    /**
     * Where the store behind {@code dataSource} stands (see the class comment); {@link State#OTHER} when unsure. A new
     * store is told by its history table alone, without listing the bundled migrations.
     */
    static State state(DataSource dataSource, Database.Engine engine) {
        try (Connection connection = dataSource.getConnection()) {
            // Flyway's history lives in the connection's current schema (PostgreSQL) or the main database (SQLite)
            Optional<String> schema = Optional.empty();
            if (engine == Database.Engine.POSTGRESQL) {
                schema = Optional.ofNullable(connection.getSchema());
                if (schema.isEmpty()) {
                    return State.OTHER;
                }
            }
            if (!historyExists(connection, schema)) {
                return State.NEW;
            }
            String table = schema.map(s -> quoted(s) + "." + HISTORY_TABLE).orElse(HISTORY_TABLE);
            Optional<Map<String, Integer>> applied = applied(connection, table);
            return applied.isPresent() && applied.equals(bundled()) ? State.UP_TO_DATE : State.OTHER;
        } catch (SQLException e) {
            return State.OTHER;
        }
    }

    /**
     * The bundled versioned migrations, script name to Flyway's checksum; empty when the folder holds anything else
     * or cannot be listed, for which only Flyway decides.
     */
    static Optional<Map<String, Integer>> bundled() {
        return scripts().map(Migrations::checksums);
    }

    /** A bundled versioned migration: its file name, Flyway's checksum of it, and its text (no byte order mark). */
    record Script(String name, int checksum, String text) {}

    /** The bundled versioned migrations with their texts, as {@link #bundled} lists them (in no particular order). */
    static Optional<List<Script>> scripts() {
        try {
            List<URL> folders =
                    Collections.list(Migrations.class.getClassLoader().getResources(LOCATION));
            if (folders.size() != 1) {
                return Optional.empty();
            }
            URL folder = folders.getFirst();
            return switch (folder.getProtocol()) {
                case "jar" -> inJar(folder);
                case "file" -> inFolder(Path.of(folder.toURI()));
                default -> Optional.empty();
            };
        } catch (IOException | URISyntaxException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Integer> checksums(List<Script> scripts) {
        Map<String, Integer> out = new HashMap<>();
        for (Script script : scripts) {
            out.put(script.name(), script.checksum());
        }
        return Map.copyOf(out);
    }

    /**
     * The folder's migrations in the jar, read through a {@link JarFile}, which shares the class loader's reading of
     * the jar's directory (a zip file system would read and index all of its entries again).
     */
    private static Optional<List<Script>> inJar(URL folder) throws IOException, URISyntaxException {
        URL jarUrl = ((JarURLConnection) folder.openConnection()).getJarFileURL();
        try (JarFile jar = new JarFile(Path.of(jarUrl.toURI()).toFile())) {
            return readScripts(jar);
        }
    }

    /** The migrations in {@code jar}'s folder, as {@link #bundled} gives them. */
    static Optional<Map<String, Integer>> read(JarFile jar) throws IOException {
        return readScripts(jar).map(Migrations::checksums);
    }

    /** The migrations in {@code jar}'s folder, as {@link #scripts} gives them. */
    private static Optional<List<Script>> readScripts(JarFile jar) throws IOException {
        String prefix = LOCATION + "/";
        List<JarEntry> entries = jar.stream()
                .filter(e -> e.getName().startsWith(prefix) && !e.isDirectory())
                .toList();
        List<Script> out = new ArrayList<>();
        for (JarEntry entry : entries) {
            String name = entry.getName().substring(prefix.length());
            if (!VERSIONED.matcher(name).matches()) {
                return Optional.empty();
            }
            try (InputStream in = jar.getInputStream(entry)) {
                out.add(script(name, in.readAllBytes()));
            }
        }
        return Optional.of(List.copyOf(out));
    }

    /** The folder's migrations on the file system (the classes folder of a build, or of a container image). */
    private static Optional<List<Script>> inFolder(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        List<Script> out = new ArrayList<>();
        for (Path file : files) {
            String name = folder.relativize(file).toString();
            if (!VERSIONED.matcher(name).matches()) {
                return Optional.empty();
            }
            out.add(script(name, Files.readAllBytes(file)));
        }
        return Optional.of(List.copyOf(out));
    }

    /** A script from its file's bytes: its checksum, and its text as Flyway reads it (UTF-8, no byte order mark). */
    private static Script script(String name, byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return new Script(name, checksum(new ByteArrayInputStream(bytes)), text);
    }

    /**
     * Flyway's checksum of a versioned SQL migration: the CRC-32 of its lines' UTF-8 bytes, without line endings and
     * without a byte order mark, as a signed int (the file as written: Flyway replaces no placeholders for it).
     */
    static int checksum(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
        String line = reader.readLine();
        if (line != null && line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        for (; line != null; line = reader.readLine()) {
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    /**
     * The applied migrations in the history {@code table} as {@link #bundled} names them; empty when it holds a row
     * that is not a successful SQL migration with a checksum, so that it equals no bundled set.
     */
    private static Optional<Map<String, Integer>> applied(Connection connection, String table) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT script, checksum, type, success FROM " + table)) {
            while (rows.next()) {
                String script = rows.getString(1);
                int checksum = rows.getInt(2);
                boolean migration = !rows.wasNull() && "SQL".equals(rows.getString(3)) && rows.getBoolean(4);
                if (script == null || !migration || out.put(script, checksum) != null) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(Map.copyOf(out));
    }

    /** Whether Flyway's history table exists (without a failing query, which PostgreSQL would log as an error). */
    private static boolean historyExists(Connection connection, Optional<String> schema) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, schema.orElse(null), HISTORY_TABLE, null)) {
            while (tables.next()) {
                if (HISTORY_TABLE.equals(tables.getString("TABLE_NAME"))
                        && (schema.isEmpty() || schema.get().equals(tables.getString("TABLE_SCHEM")))) {
                    return true;
                }
            }
            return false;
        }
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
