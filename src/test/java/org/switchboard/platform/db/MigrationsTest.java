package org.switchboard.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled migrations as the skip rule reads them from a jar, and Flyway's checksum of a file. */
class MigrationsTest {
    @TempDir
    Path dir;

    private static int checksum(String text) throws IOException {
        return Migrations.checksum(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Path jar(Map<String, String> files) throws IOException {
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry("db/"));
            zip.putNextEntry(new JarEntry("db/migration/"));
            for (var file : files.entrySet()) {
                zip.putNextEntry(new JarEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }

    @Test
    void checksumShouldIgnoreLineEndingsAndAByteOrderMarkAsFlywaysDoes() throws IOException {
        // given
        int plain = checksum("CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n");

        // when, then
        assertThat(checksum("CREATE TABLE a (id INT);\r\nCREATE TABLE b (id INT);"))
                .isEqualTo(plain);
        assertThat(checksum("\uFEFFCREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n"))
                .isEqualTo(plain);
        assertThat(checksum("CREATE TABLE a (id INT);\nCREATE TABLE c (id INT);\n"))
                .isNotEqualTo(plain);
    }

    @Test
    void jarWithVersionedMigrationsOnlyShouldListThemWithTheirChecksums() throws IOException {
        // given
        Path jar = jar(Map.of(
                "db/migration/V1__first.sql", "CREATE TABLE a (id INT);\n",
                "db/migration/V2_1__second.sql", "CREATE TABLE b (id INT);\n",
                "org/example/Other.class", "not a migration"));

        // when
        try (JarFile file = new JarFile(jar.toFile())) {
            // then
            assertThat(Migrations.read(file))
                    .contains(Map.of(
                            "V1__first.sql", checksum("CREATE TABLE a (id INT);\n"),
                            "V2_1__second.sql", checksum("CREATE TABLE b (id INT);\n")));
        }
    }

    @Test
    void jarWithAnythingElseInTheFolderShouldLeaveTheDecisionToFlyway() throws IOException {
        for (String other : new String[] {
            "db/migration/R__view.sql",
            "db/migration/afterMigrate.sql",
            "db/migration/V1__first.sql.conf",
            "db/migration/more/V3__third.sql"
        }) {
            // given
            Path jar = jar(Map.of("db/migration/V1__first.sql", "CREATE TABLE a (id INT);\n", other, "SELECT 1;\n"));

            // when
            try (JarFile file = new JarFile(jar.toFile())) {
                // then
                assertThat(Migrations.read(file)).as(other).isEmpty();
            }
        }
    }
}
