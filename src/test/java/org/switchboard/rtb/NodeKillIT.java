package org.switchboard.rtb;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Await;
import org.switchboard.testing.Engine;
import org.switchboard.testing.LocalRedis;
import org.switchboard.testing.ProcessStore;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerProcess;

/**
 * Two Switchboard processes of one deployment (one PostgreSQL schema, one Redis prefix, one master key); the one
 * holding a connected call on a buyer with room for one call at a time is killed with SIGKILL. The other gives the
 * unit back once the dead node's lease ends (6 s here), and not before, and carries on.
 */
class NodeKillIT {
    private static final String POSTGRES_URL =
            System.getenv().getOrDefault("SWITCHBOARD_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String API_KEY = "sb_node_kill_test_key_0123456789abcd";
    private static final Path LOG_DIR = Path.of("target", "node-kill-it");

    private final List<ServerProcess> started = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();
    private String schema;

    @AfterEach
    void stop() throws IOException {
        started.forEach(ServerProcess::stop);
        if (schema != null) {
            sql("DROP SCHEMA " + schema + " CASCADE");
        }
        for (Path dir : dataDirs) {
            ProcessStore.deleteTree(dir);
        }
    }

    @Test
    void aKilledNodesConcurrencyUnitShouldComeBackWhenItsLeaseEnds() throws Exception {
        // given: two processes, and node A connecting a call to a buyer with a concurrency cap of 1
        schema = "sw_kill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE SCHEMA " + schema);
        Map<String, String> shared = new HashMap<>();
        shared.put("SWITCHBOARD_DATABASE_URL", POSTGRES_URL + "?currentSchema=" + schema);
        shared.put("SWITCHBOARD_DATABASE_USER", "postgres");
        shared.put("SWITCHBOARD_REDIS_URL", LocalRedis.url());
        String prefix = "kill-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        shared.put("SWITCHBOARD_REDIS_PREFIX", prefix);
        shared.put("SWITCHBOARD_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        shared.put("SWITCHBOARD_FIRST_ACCOUNT_API_KEY", API_KEY);
        // renewed every 2 s: long enough that a node's renewal is not late on two cores shared with the build
        shared.put("SWITCHBOARD_LIVE_LEASE_SECONDS", "6");
        shared.put("SWITCHBOARD_REDIS_TIMEOUT_MS", "3000"); // two cores shared with the build
        ServerProcess nodeA = start(shared, "a");
        ServerProcess nodeB = start(shared, "b");
        Api api = Api.forKey(nodeA.base(), API_KEY);
        RtbSetup a = RtbSetup.create(api, Engine.POSTGRESQL);
        String key = a.oneLineTakenByACall("+12125550961");
        RtbSetup b = a.at(nodeB.base());
        // node A renews its call's lease: once the first lease would have ended and A has renewed it, the unit is
        // still held
        RedisClient client = RedisClient.create(LocalRedis.url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            long firstEnd =
                    Await.until("node A's lease on the call's unit", () -> leaseEnd(redis, prefix), end -> end > 0);
            Await.until(
                    "node A to have renewed the lease past the end of its first one",
                    Duration.ofSeconds(20),
                    () -> leaseEnd(redis, prefix),
                    end -> System.currentTimeMillis() > firstEnd && end > System.currentTimeMillis());
        } finally {
            client.shutdown();
        }
        Response whileAlive = b.ping(key, b.pingQuery(RtbSetup.caller()));

        // when
        nodeA.kill();
        long killedAt = System.nanoTime();

        // then: refused until the lease ends, then reserved
        assertThat(whileAlive.json().path("status").asText())
                .as(whileAlive.toString())
                .isEqualTo("target_simulcapped");
        Await.until(
                "node B to reserve the dead node's unit",
                Duration.ofSeconds(20),
                () -> b.ping(key, b.pingQuery(RtbSetup.caller()))
                        .json()
                        .path("status")
                        .asText()
                        .equals("reserved"));
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(15));
    }

    /**
     * The end (epoch milliseconds) of the latest lease held on a concurrency counter under {@code prefix}, 0 if none:
     * the counters are sorted sets of holders scored by the end of their lease.
     */
    private static long leaseEnd(RedisCommands<String, String> redis, String prefix) {
        long latest = 0;
        for (String key : redis.keys(prefix + "*")) {
            if (redis.type(key).equals("zset")) {
                for (ScoredValue<String> holder : redis.zrangeWithScores(key, 0, -1)) {
                    latest = Math.max(latest, (long) holder.getScore());
                }
            }
        }
        return latest;
    }

    private ServerProcess start(Map<String, String> shared, String name) throws Exception {
        Map<String, String> env = new HashMap<>(shared);
        int port = ProcessStore.freePort();
        Path data = Files.createTempDirectory("switchboard-kill");
        dataDirs.add(data);
        env.put("SWITCHBOARD_PORT", Integer.toString(port));
        env.put("SWITCHBOARD_PUBLIC_API_URL", "http://127.0.0.1:" + port);
        env.put("SWITCHBOARD_DATA_DIR", data.toString());
        Files.createDirectories(LOG_DIR);
        ServerProcess process = ServerProcess.start(env, LOG_DIR.resolve("node-" + name + ".log"));
        started.add(process);
        process.awaitReady(API_KEY, Duration.ofSeconds(40));
        return process;
    }

    private static void sql(String statement) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, "postgres", "")) {
            connection.createStatement().execute(statement);
        } catch (SQLException e) {
            if (!"true".equals(System.getenv("CI"))) {
                Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES_URL + " (" + e.getMessage() + ")");
            }
            throw new IllegalStateException("PostgreSQL is required in CI but not reachable", e);
        }
    }
}
