package org.switchboard.platform.live;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Live state in Redis, shared by every node of a deployment.
 *
 * <p>Every compound operation is one server-side step: a Lua script (loaded once, run by its digest) or a single
 * command, so two nodes can never both take the last unit of a cap or both claim one value. Keys are
 * {@code PREFIX + key}; cap counters are {@code PREFIX + "{caps}" + key}, one hash tag for all of them, so a script
 * over a buyer's and its groups' counters touches one slot of a Redis Cluster.
 *
 * <p>Counters are seeded from the SQL record when first used: the seed is read without any lock and stored with set-if
 * -absent, so a slow SQL read never holds other pings up, and two nodes seeding at once keep the first value. Giving a
 * unit back never creates an absent counter.
 *
 * <p>Expiry is Redis's own clock ({@code PX} for TTLs, {@code PXAT} for the end of a cap window). Commands are
 * pipelined over one connection by the client; each waits at most the configured timeout, and a command that fails for
 * want of Redis throws {@link LiveStateUnavailable}. While disconnected, commands are refused at once rather than
 * queued, so a node without Redis answers quickly (and {@code /ready} takes it out of the load balancer).
 */
public final class RedisLiveState implements LiveState, AutoCloseable {
    /**
     * ARGV: holder, now, lease end; then per key: limit, end of the counter (0: none), kind (l: leased, c: counted,
     * n: counted and just seeded, not to be looked for again). Answers -1 taken, the index of the first full counter,
     * or -2 - index of a counted counter not seeded yet (nothing taken: the caller seeds it and asks again).
     */
    private static final String ACQUIRE = """
            local holder, now, leaseEnd = ARGV[1], ARGV[2], ARGV[3]
            for i = 1, #KEYS do
              if ARGV[3 + (i - 1) * 3 + 3] == 'c' and redis.call('EXISTS', KEYS[i]) == 0 then return -2 - (i - 1) end
            end
            for i = 1, #KEYS do
              local base = 3 + (i - 1) * 3
              local limit = tonumber(ARGV[base + 1])
              if ARGV[base + 3] == 'l' then
                redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
                if not redis.call('ZSCORE', KEYS[i], holder) and redis.call('ZCARD', KEYS[i]) >= limit then
                  return i - 1
                end
              elseif tonumber(redis.call('GET', KEYS[i]) or '0') >= limit then
                return i - 1
              end
            end
            for i = 1, #KEYS do
              local base = 3 + (i - 1) * 3
              if ARGV[base + 3] == 'l' then
                redis.call('ZADD', KEYS[i], leaseEnd, holder)
              else
                redis.call('INCR', KEYS[i])
                local ends = ARGV[base + 2]
                if ends ~= '0' and redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIREAT', KEYS[i], ends) end
              end
            end
            return -1
            """;
    /** ARGV: holder, then per key its kind (l: leased, c: counted). */
    private static final String RELEASE = """
            for i = 1, #KEYS do
              if ARGV[1 + i] == 'l' then
                redis.call('ZREM', KEYS[i], ARGV[1])
              else
                local v = tonumber(redis.call('GET', KEYS[i]) or '0')
                if v > 0 then redis.call('DECR', KEYS[i]) end
              end
            end
            return 0
            """;
    /** KEYS: leased counters; ARGV: holder, now, new lease end. A lease that has ended is not taken again. */
    private static final String RENEW = """
            for i = 1, #KEYS do
              local ends = redis.call('ZSCORE', KEYS[i], ARGV[1])
              if ends and tonumber(ends) > tonumber(ARGV[2]) then redis.call('ZADD', KEYS[i], 'XX', ARGV[3], ARGV[1]) end
            end
            return 0
            """;

    private static final String REPLACE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """;
    /** KEYS: the key, the guard; ARGV: value, TTL in ms. Answers 1 stored, 0 the key taken, 2 guarded. */
    private static final String PUT_UNLESS = """
            if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
            return 0
            """;

    private static final String DELETE_IF_EQUALS = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;
    private static final String INCREMENT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n
            """;
    private static final String TAKE_DUE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
            return due
            """;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String prefix;
    /** The application's clock: leases are judged by it, as every node's callers set them by it. */
    private final Clock clock;

    private final Map<String, String> scriptToDigest = new ConcurrentHashMap<>();
    private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new CopyOnWriteArrayList<>();

    /**
     * Connects to {@code url} ({@code redis://[:password@]host:port[/db]}, {@code rediss://} for TLS); every command
     * waits at most {@code timeout}. Fails with {@link LiveStateUnavailable} when Redis cannot be reached now.
     */
    public RedisLiveState(String url, String prefix, Duration timeout, Clock clock) {
        this(url, prefix, timeout, Optional.empty(), clock);
    }

    /**
     * The same, timing every Redis command in {@code meters} (Lettuce's own Micrometer recorder: the timers
     * {@code lettuce.command.completion} and {@code lettuce.command.firstresponse} per command type, without
     * histograms so the series stay few).
     */
    public RedisLiveState(String url, String prefix, Duration timeout, Optional<MeterRegistry> meters, Clock clock) {
        this.prefix = prefix;
        this.clock = clock;
        RedisURI uri = RedisURI.create(url);
        // connecting (and its handshake) may take longer than a command on a busy machine; commands keep theirs
        uri.setTimeout(CONNECT_TIMEOUT.compareTo(timeout) > 0 ? CONNECT_TIMEOUT : timeout);
        this.resources = meters.map(registry -> ClientResources.builder()
                        .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(
                                registry,
                                MicrometerOptions.builder().histogram(false).build()))
                        .build())
                .orElseGet(ClientResources::create);
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
        try {
            this.connection = client.connect();
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            stopEventLoops(resources, 1);
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new LiveStateUnavailable(
                    "Redis at " + uri.getHost() + ":" + uri.getPort() + " (SWITCHBOARD_REDIS_URL) cannot be reached: "
                            + root.getMessage(),
                    e);
        }
        this.redis = connection.sync();
        awaitFirstAnswer(uri);
    }

    /** The first command, given the connection's time rather than a command's: start-up must not fail on a hiccup. */
    private void awaitFirstAnswer(RedisURI uri) {
        long until = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (true) {
            try {
                redis.ping();
                return;
            } catch (RedisException e) {
                LockSupport.parkNanos(50_000_000L);
                if (System.nanoTime() > until) {
                    close();
                    throw new LiveStateUnavailable(
                            "Redis at " + uri.getHost() + ":" + uri.getPort()
                                    + " (SWITCHBOARD_REDIS_URL) does not answer: " + e.getMessage(),
                            e);
                }
            }
        }
    }

    @Override
    public OptionalInt tryAcquire(List<Counter> counters, Lease lease) {
        if (counters.isEmpty()) {
            return OptionalInt.empty();
        }
        String[] keys = counterKeys(counters);
        String[] args = new String[3 + counters.size() * 3];
        args[0] = lease.holder();
        args[1] = Long.toString(lease.at().toEpochMilli());
        args[2] = Long.toString(lease.until().toEpochMilli());
        for (int i = 0; i < counters.size(); i++) {
            Counter counter = counters.get(i);
            args[3 + 3 * i] = Long.toString(counter.limit());
            args[4 + 3 * i] = Long.toString(endMillis(counter));
            args[5 + 3 * i] = counter.leased() ? "l" : "c";
        }
        // one round trip when every counter is seeded already (the usual case); each one that is not is seeded from
        // its SQL source, outside any lock, and the script asked again
        while (true) {
            long answer = this.<Long>script(ACQUIRE, ScriptOutputType.INTEGER, keys, args);
            if (answer >= -1) {
                return answer == -1 ? OptionalInt.empty() : OptionalInt.of((int) answer);
            }
            int absent = (int) (-2 - answer);
            seed(counters.get(absent), keys[absent]);
            // seeded once: a counter whose window ended meanwhile (gone again at once) counts from zero
            args[5 + 3 * absent] = "n";
        }
    }

    @Override
    public void release(List<Counter> counters, String holder) {
        if (counters.isEmpty()) {
            return;
        }
        String[] args = new String[1 + counters.size()];
        args[0] = holder;
        for (int i = 0; i < counters.size(); i++) {
            args[1 + i] = counters.get(i).leased() ? "l" : "c";
        }
        this.<Long>script(RELEASE, ScriptOutputType.INTEGER, counterKeys(counters), args);
    }

    @Override
    public void renew(List<Counter> counters, Lease lease) {
        List<Counter> leased = counters.stream().filter(Counter::leased).toList();
        if (!leased.isEmpty()) {
            this.<Long>script(
                    RENEW,
                    ScriptOutputType.INTEGER,
                    counterKeys(leased),
                    lease.holder(),
                    Long.toString(lease.at().toEpochMilli()),
                    Long.toString(lease.until().toEpochMilli()));
        }
    }

    @Override
    public long current(Counter counter) {
        String key = counterKey(counter);
        if (counter.leased()) {
            // leases ending after now: one that ends exactly now has ended
            Range<Long> live = Range.from(Range.Boundary.excluding(clock.millis()), Range.Boundary.unbounded());
            return call(() -> redis.zcount(key, live));
        }
        String value = call(() -> redis.get(key));
        if (value == null) {
            seed(counter, key);
            value = call(() -> redis.get(key));
        }
        return value == null ? 0 : Long.parseLong(value);
    }

    /** Seeds a counter from its SQL source, outside any lock: set-if-absent keeps the first of two racing seeds. */
    private void seed(Counter counter, String key) {
        long start = counter.seed().getAsLong();
        long end = endMillis(counter);
        SetArgs args = end == 0 ? SetArgs.Builder.nx() : SetArgs.Builder.nx().pxAt(end);
        call(() -> redis.set(key, Long.toString(start), args));
    }

    /** The counter's end in epoch milliseconds, or 0 for one without an end (concurrency, the hard cap). */
    private static long endMillis(Counter counter) {
        return counter.expiresAt().equals(Instant.MAX) ? 0 : counter.expiresAt().toEpochMilli();
    }

    @Override
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        long millis = ttlMillis(ttl);
        return "OK"
                .equals(call(() ->
                        redis.set(prefix + key, value, SetArgs.Builder.nx().px(millis))));
    }

    @Override
    public Guarded putIfAbsentUnless(String key, String value, Duration ttl, String guard) {
        long millis = ttlMillis(ttl);
        long answer = this.<Long>script(
                PUT_UNLESS,
                ScriptOutputType.INTEGER,
                new String[] {prefix + key, prefix + guard},
                value,
                Long.toString(millis));
        return answer == 1 ? Guarded.STORED : answer == 2 ? Guarded.GUARDED : Guarded.TAKEN;
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        long millis = ttlMillis(ttl);
        call(() -> redis.set(prefix + key, value, SetArgs.Builder.px(millis)));
    }

    @Override
    public boolean replace(String key, String expected, String value, Duration ttl) {
        long millis = ttlMillis(ttl);
        long replaced = this.<Long>script(
                REPLACE, ScriptOutputType.INTEGER, new String[] {prefix + key}, expected, value, Long.toString(millis));
        return replaced == 1;
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(call(() -> redis.get(prefix + key)));
    }

    @Override
    public Optional<String> take(String key) {
        return Optional.ofNullable(call(() -> redis.getdel(prefix + key)));
    }

    @Override
    public void delete(String key) {
        call(() -> redis.del(prefix + key));
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
        long deleted =
                this.<Long>script(DELETE_IF_EQUALS, ScriptOutputType.INTEGER, new String[] {prefix + key}, expected);
        return deleted == 1;
    }

    @Override
    public long increment(String key, Duration ttl) {
        long millis = ttlMillis(ttl);
        try {
            return this.<Long>script(
                    INCREMENT, ScriptOutputType.INTEGER, new String[] {prefix + key}, Long.toString(millis));
        } catch (RedisCommandExecutionException e) {
            throw new IllegalStateException("live-state key " + key + " holds a value, not a count", e);
        }
    }

    @Override
    public void schedule(String queue, String member, Instant at) {
        call(() -> redis.zadd(prefix + queue, (double) at.toEpochMilli(), member));
    }

    @Override
    public List<String> takeDue(String queue, Instant now, int max) {
        List<String> due = this.<List<String>>script(
                TAKE_DUE,
                ScriptOutputType.MULTI,
                new String[] {prefix + queue},
                Long.toString(now.toEpochMilli()),
                Integer.toString(max));
        return List.copyOf(due);
    }

    /**
     * Sends {@code message} to every node subscribed to {@code channel} (under this deployment's prefix). Best effort:
     * Redis keeps no message for a node that is not listening at that moment, and a message that cannot be sent is
     * logged and dropped (see {@link #subscribe} for how a listener learns that it may have missed some).
     */
    public void publish(String channel, String message) {
        try {
            redis.publish(prefix + channel, message);
        } catch (RedisException e) {
            Logger.getLogger(RedisLiveState.class.getName())
                    .warning("could not tell other nodes on " + channel + ": " + e.getMessage());
        }
    }

    /**
     * Calls {@code onMessage} with each message published on {@code channel}, on a connection of its own. That
     * connection comes back by itself after it was cut (Redis restarted, a network fault) and subscribes again; the
     * messages sent meanwhile are lost, so then {@code onResubscribed} is called, once the subscription holds again.
     */
    public void subscribe(String channel, Consumer<String> onMessage, Runnable onResubscribed) {
        var subscription = client.connectPubSub();
        var first = new AtomicBoolean(true);
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                onMessage.accept(message);
            }

            @Override
            public void subscribed(String subscribed, long count) {
                if (!first.getAndSet(false)) {
                    Logger.getLogger(RedisLiveState.class.getName())
                            .info(() -> "subscribed again to " + channel + " after the connection was cut");
                    onResubscribed.run();
                }
            }
        });
        // named, so an operator (or a test) can tell it apart in CLIENT LIST
        subscription.sync().clientSetname(prefix + channel);
        subscription.sync().subscribe(prefix + channel);
        subscriptions.add(subscription);
    }

    @Override
    public boolean reachable() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RedisException e) {
            return false;
        }
    }

    @Override
    public String engine() {
        return "redis";
    }

    @Override
    public void close() {
        subscriptions.forEach(StatefulRedisPubSubConnection::close);
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        stopEventLoops(resources, 2);
    }

    /**
     * Starts stopping Lettuce's event loops and I/O threads, given {@code timeoutSeconds} to finish. The future is
     * deliberately not awaited: closing returns at once, Lettuce logs its own shutdown failures, and nothing here uses
     * the threads once the client is shut down.
     */
    private static void stopEventLoops(ClientResources resources, long timeoutSeconds) {
        var _ = resources.shutdown(0, timeoutSeconds, TimeUnit.SECONDS);
    }

    private String[] counterKeys(List<Counter> counters) {
        String[] keys = new String[counters.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = counterKey(counters.get(i));
        }
        return keys;
    }

    private String counterKey(Counter counter) {
        return prefix + "{caps}" + counter.key();
    }

    private static long ttlMillis(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a live-state TTL must be positive, not " + ttl);
        }
        return Math.max(1, ttl.toMillis());
    }

    /** Runs a script by its digest, loading it when this Redis does not know it yet (first use, or after a restart). */
    @SuppressWarnings("TypeParameterUnusedInFormals") // typed by the caller, as lettuce's own evalsha is
    private <T> T script(String script, ScriptOutputType type, String[] keys, String... args) {
        String digest = scriptToDigest.computeIfAbsent(script, s -> call(() -> redis.scriptLoad(s)));
        try {
            return call(() -> redis.evalsha(digest, type, keys, args));
        } catch (LiveStateUnavailable e) {
            if (!(e.getCause() instanceof RedisNoScriptException)) {
                throw e;
            }
            String reloaded = call(() -> redis.scriptLoad(script));
            scriptToDigest.put(script, reloaded);
            return call(() -> redis.evalsha(reloaded, type, keys, args));
        }
    }

    /**
     * One command, with Redis's own refusals (a wrong type, an error in a script) passed on as they are and every
     * failure to get an answer (timeout, connection lost, refused while disconnected) as {@link LiveStateUnavailable}.
     */
    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisNoScriptException e) {
            throw new LiveStateUnavailable("Redis does not know a script yet", e);
        } catch (RedisCommandExecutionException e) {
            throw e;
        } catch (RedisException e) {
            throw new LiveStateUnavailable("Redis did not answer: " + e.getMessage(), e);
        }
    }

    /** This deployment's key prefix (tests find their connections by it). */
    String prefixForTests() {
        return prefix;
    }

    /** Every key of this deployment's prefix is removed (tests only: a fresh state on a shared Redis). */
    void clearForTests() {
        List<String> keys = new ArrayList<>(call(() -> redis.keys(prefix + "*")));
        if (!keys.isEmpty()) {
            call(() -> redis.del(keys.toArray(String[]::new)));
        }
    }
}
