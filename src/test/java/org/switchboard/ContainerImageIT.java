package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.testing.Await;
import org.switchboard.testing.ProcessStore;

/**
 * The container image Jib writes to {@code target/switchboard-image.tar} (OCI layout; {@code ./mvnw -Pimage
 * package}): its configuration, and the image itself started without a container engine: its layers unpacked into a
 * root file system, its entrypoint run there as its user (chroot, a new mount and process namespace with its own
 * /proc), answering {@code /ready} with its store in the {@code /data} volume.
 *
 * <p>Skipped when the tarball was not built, except with {@code SWITCHBOARD_TEST_IMAGE=required} (CI); the run needs
 * root on Linux ({@code unshare}, {@code chroot}) and is skipped without it, in CI too only when not root.
 */
class ContainerImageIT {
    private static final Path IMAGE = Path.of("target", "switchboard-image.tar");

    private static Path unpacked;
    private static JsonNode config;
    private static List<Path> layers;

    @BeforeAll
    static void openImage() throws IOException, InterruptedException {
        if (!Files.exists(IMAGE)) {
            if ("required".equals(System.getenv("SWITCHBOARD_TEST_IMAGE"))) {
                throw new IllegalStateException(
                        IMAGE + " is missing: build it with ./mvnw -Pimage -DskipTests package");
            }
            Assumptions.abort("no " + IMAGE + ": build it with ./mvnw -Pimage -DskipTests package");
        }
        unpacked = Files.createTempDirectory("switchboard-image");
        run(List.of("tar", "-xf", IMAGE.toAbsolutePath().toString(), "-C", unpacked.toString()));
        JsonNode index = Json.read(Files.readString(unpacked.resolve("index.json")));
        JsonNode manifest =
                Json.read(Files.readString(blob(index.path("manifests").get(0))));
        config = Json.read(Files.readString(blob(manifest.path("config")))).path("config");
        layers = new ArrayList<>();
        manifest.path("layers").forEach(layer -> layers.add(blob(layer)));
    }

    @AfterAll
    static void removeUnpacked() throws IOException {
        if (unpacked != null) {
            ProcessStore.deleteTree(unpacked);
        }
    }

    @Test
    void imageShouldRunTheServerAsAnUnprivilegedUserWithTheStoreInAVolume() {
        // then
        assertThat(config.path("User").asText()).isEqualTo("10001:10001");
        assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.path("Volumes").has("/data")).isTrue();
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertThat(entrypoint.getFirst()).isEqualTo("java");
        assertThat(entrypoint.getLast()).isEqualTo("org.switchboard.Main");
        assertThat(entrypoint).contains("--enable-native-access=ALL-UNNAMED");
        assertThat(strings(config.path("Env")))
                .contains("SWITCHBOARD_BIND_ADDRESS=0.0.0.0", "SWITCHBOARD_PORT=8080", "SWITCHBOARD_DATA_DIR=/data");
    }

    @Test
    void imageShouldStartAndKeepItsStoreInTheDataVolume() throws IOException, InterruptedException {
        // given: the layers unpacked in order, as a container engine lays them
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name"))
                        && Files.isExecutable(Path.of("/usr/bin/unshare"))
                        && Files.isExecutable(Path.of("/usr/sbin/chroot")),
                "starting the image without a container engine needs root, unshare and chroot");
        Path rootfs = Files.createDirectory(unpacked.resolve("rootfs"));
        for (Path layer : layers) {
            run(List.of("tar", "-xzf", layer.toString(), "-C", rootfs.toString()));
        }
        Files.createDirectories(rootfs.resolve("proc"));
        int port = ProcessStore.freePort();
        List<String> command = inImage(rootfs);
        command.addAll(strings(config.path("Entrypoint")));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(unpacked.resolve("server.log").toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(config.path("Env")));
        // what `docker run -e` would set: a free port, and loopback only (the host's network is shared here)
        builder.environment().put("SWITCHBOARD_PORT", Integer.toString(port));
        builder.environment().put("SWITCHBOARD_BIND_ADDRESS", "127.0.0.1");

        // when
        Process server = builder.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
            Await.until("the image's server to answer /ready", Duration.ofSeconds(180), () -> {
                if (!server.isAlive()) {
                    throw new AssertionError("the image's server stopped: " + log());
                }
                return status(client, ready) == 200;
            });

            // then: the store and the generated master key are in the volume, written by the image's user
            Path store = rootfs.resolve("data/switchboard.db");
            assertThat(store).exists();
            assertThat(Files.getAttribute(store, "unix:uid")).isEqualTo(10001);
            assertThat(Files.getAttribute(rootfs.resolve("data/master.key"), "unix:uid"))
                    .isEqualTo(10001);
            assertThat(status(client, URI.create("http://127.0.0.1:" + port + "/docs/api")))
                    .isEqualTo(200);
            // the health check command docs/deploy.md gives, run inside the image as its user
            assertThat(probe(rootfs, builder.environment()))
                    .as("HealthProbe's exit code")
                    .isZero();
        } finally {
            // the image's java first: it outlives unshare, since chroot --userspec changes the user, which clears the
            // parent-death signal --kill-child relies on (it was left running after every run)
            List<ProcessHandle> inside = server.descendants().toList();
            inside.forEach(ProcessHandle::destroy);
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
            for (ProcessHandle process : inside) {
                if (!process.onExit()
                        .completeOnTimeout(process, 30, TimeUnit.SECONDS)
                        .join()
                        .isAlive()) {
                    continue;
                }
                process.destroyForcibly();
            }
        }
    }

    /** A command prefix running what follows as the image's user in its root, with a /proc of its own. */
    private static List<String> inImage(Path rootfs) {
        return new ArrayList<>(List.of(
                "/usr/bin/unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--mount-proc=" + rootfs.resolve("proc"),
                "/usr/sbin/chroot",
                "--userspec=" + config.path("User").asText(),
                rootfs.toString()));
    }

    private static int probe(Path rootfs, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = inImage(rootfs);
        command.addAll(List.of("java", "-cp", "/app/classes", "org.switchboard.platform.http.HealthProbe"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process probe = builder.start();
        if (!probe.waitFor(60, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            return -1;
        }
        return probe.exitValue();
    }

    private static int status(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String log() {
        try {
            return Files.readString(unpacked.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Path blob(JsonNode descriptor) {
        String[] digest = descriptor.path("digest").asText().split(":");
        return unpacked.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Map<String, String> environment(JsonNode env) {
        Map<String, String> nameToValue = new LinkedHashMap<>();
        for (String entry : strings(env)) {
            int equals = entry.indexOf('=');
            nameToValue.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        return nameToValue;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", command));
        }
    }
}
