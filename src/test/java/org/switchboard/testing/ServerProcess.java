package org.switchboard.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Switchboard in its own JVM: the test JVM's java binary and class path (target/classes and every dependency),
 * {@code org.switchboard.Main}, the given {@code SWITCHBOARD_*} settings only, compiled by C1 alone (it starts in
 * half the time on a busy machine).
 */
public record ServerProcess(Process process, String base, Path log) {
    /** Starts it with exactly these {@code SWITCHBOARD_*} settings, its output going to {@code log}. */
    public static ServerProcess start(Map<String, String> env, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        // the C1 compiler only: on two cores shared with the build, C2 compiling the start-up's code
                        // about doubles the time to ready (measured 13-16 s against 28-32 s), and the kill tests
                        // start a server up to six times; what they prove does not depend on how the code is compiled
                        "-XX:TieredStopAtLevel=1",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        serverClassPath(),
                        "org.switchboard.Main")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // settings of the developer's shell must not leak into the server under test
        builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
        builder.environment().putAll(env);
        return new ServerProcess(builder.start(), "http://127.0.0.1:" + env.get("SWITCHBOARD_PORT"), log);
    }

    /** The test JVM's class path (target/classes and every dependency) without the test classes. */
    private static String serverClassPath() {
        String testClasses;
        try {
            testClasses = Path.of(ServerProcess.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().toString().equals(testClasses))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Waits until the process serves HTTP and the first account's key ({@code apiKey}) works; fails if it exits
     * or is not ready within {@code limit}.
     */
    public void awaitReady(String apiKey, Duration limit) {
        try (HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build()) {
            String state;
            try {
                state = Await.until(
                        "the server at " + base + " to be ready",
                        limit,
                        () -> readiness(http, apiKey),
                        seen -> seen.equals(READY) || !process.isAlive());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its output:\n" + output(), e);
            }
            if (!state.equals(READY)) {
                fail("the server exited with " + process.exitValue() + "; its output:\n" + output());
            }
        }
    }

    private static final String READY = "ready";

    /** How far the server is: not listening, not healthy, the first account not there yet, or {@link #READY}. */
    private String readiness(HttpClient http, String apiKey) {
        try {
            int health = get(http, "/health", null);
            if (health != 200) {
                return "/health answers " + health;
            }
            // the first account is created once the server listens
            int account = get(http, "/api/v2/account", apiKey);
            return account == 200 ? READY : "/api/v2/account answers " + account;
        } catch (IOException e) {
            return "not listening (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server at " + base, e);
        }
    }

    private int get(HttpClient http, String path, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux), then waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            fail("the server survived SIGKILL for 10 s");
        }
    }

    /** SIGTERM (what {@link Process#destroy()} sends on Linux), without waiting: the server stops gracefully. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; fails if it still runs after {@code limit}. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the server did not exit within " + limit + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** Stops the process if it still runs: a normal stop first, then SIGKILL. */
    public void stop() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The logged warnings and errors with their stack traces (the first 80 lines of them). */
    public String problems() {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
        List<String> problems = new ArrayList<>();
        boolean inProblem = false;
        for (String line : lines) {
            // a log record starts with its timestamp; the lines of its stack trace do not
            boolean continued = !line.isEmpty() && !Character.isDigit(line.charAt(0));
            inProblem = line.contains(" WARNING ") || line.contains(" SEVERE ") || (inProblem && continued);
            if (inProblem && problems.size() < 80) {
                problems.add(line);
            }
        }
        return String.join("\n", problems);
    }

    public String output() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
