package org.switchboard.platform.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.CookieSpecFactory;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.CookieSpecSupport;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.psl.PublicSuffixMatcherLoader;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * Outbound HTTP for webhooks: one request, a hard deadline, a capped response, and no surprises. Never throws: every
 * failure comes back as an {@link ErrorKind}.
 *
 * <ul>
 *   <li>The {@link AddressPolicy} is applied inside DNS resolution, so it judges exactly the addresses the
 *       connection will use (no window for a second, different DNS answer).
 *   <li>Redirects are not followed; cookies are not kept. The one retry: a request that got no answer on a reused
 *       keep-alive connection the peer had silently closed is sent again once ({@link StaleConnectionRetry}).
 *   <li>The whole exchange is cancelled at its deadline, however slowly the peer trickles bytes; that includes
 *       waiting for a free connection when the peer's host (or the whole pool) has all its connections busy.
 *   <li>At most {@code maxResponseBytes} of a response body are read.
 * </ul>
 */
public final class OutboundHttp implements AutoCloseable {

    /** Why a request got no usable response. */
    public enum ErrorKind {
        TIMEOUT,
        CONNECTION_REFUSED,
        DNS,
        BLOCKED_ADDRESS,
        TOO_LARGE,
        INVALID_URL,
        IO
    }

    public record Request(
            String method,
            String url,
            Map<String, String> headers,
            Optional<byte[]> body,
            Optional<String> contentType,
            Duration timeout) {}

    /** What came back (or why nothing did). {@code body} holds at most the cap. */
    public record Result(
            Instant startedAt,
            Duration elapsed,
            Optional<Integer> status,
            Map<String, List<String>> headers,
            byte[] body,
            Optional<ErrorKind> error,
            String errorDetail) {
        public boolean ok() {
            return error.isEmpty() && status.filter(s -> s >= 200 && s < 300).isPresent();
        }
    }

    static final int MAX_HEADERS = 100;
    static final int MAX_HEADER_LINE = 8 * 1024;

    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager connections;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("outbound-deadlines").factory());
    private final int maxResponseBytes;
    private final int maxConnections;
    private final int maxConnectionsPerHost;
    private final Clock clock;

    /**
     * Receivers close idle keep-alive connections without a word. A pooled connection idle for longer than this is
     * checked (a read of at most 1 ms) before it is lent again, and replaced when the receiver has closed it.
     */
    static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(1);

    /**
     * Hosts that closed a connection sooner than that have every pooled connection checked before reuse, so the one
     * retry of a request lost to such a connection ({@link StaleConnectionRetry}) does not meet another one.
     */
    static final TimeValue CHECK_ALWAYS = TimeValue.ZERO_MILLISECONDS;

    /** Bounds {@link #droppingHosts}; past it the set starts again empty. */
    static final int MAX_DROPPING_HOSTS = 10_000;

    private final Set<HttpHost> droppingHosts = ConcurrentHashMap.newKeySet();

    /** Marks a host whose every address the policy refuses. */
    static final class BlockedAddressException extends UnknownHostException {
        BlockedAddressException(String message) {
            super(message);
        }
    }

    /**
     * Does ahead the process-wide work of the first https connection's TLS set-up (the JDK's TLS provider and trusted
     * certificates, HttpClient's public-suffix list for the host name check; {@link DeferredTls}), which they keep for
     * the process: a start calls this on another thread once it is ready, so the first webhook finds it done. Changes
     * nothing the client does; a failure here is left for the client's own set-up to report.
     */
    public static void warmUp() {
        try {
            SSLContexts.createDefault();
            PublicSuffixMatcherLoader.getDefault();
        } catch (RuntimeException e) {
            // the client's constructor does the same work again and reports what went wrong
        }
    }

    /**
     * {@code maxConnections} open at once over all hosts, at most {@code maxConnectionsPerHost} of them to one host
     * (scheme, host and port), so one slow receiver cannot take the connections every other receiver needs.
     */
    public OutboundHttp(
            AddressPolicy policy, int maxResponseBytes, int maxConnections, int maxConnectionsPerHost, Clock clock) {
        this.maxResponseBytes = maxResponseBytes;
        this.maxConnections = maxConnections;
        this.maxConnectionsPerHost = Math.min(maxConnectionsPerHost, maxConnections);
        this.clock = clock;
        DnsResolver guarded = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] all = SystemDefaultDnsResolver.INSTANCE.resolve(host);
                InetAddress[] allowed =
                        Arrays.stream(all).filter(policy::allows).toArray(InetAddress[]::new);
                if (allowed.length == 0) {
                    throw new BlockedAddressException(
                            host + " resolves only to addresses outbound requests may not reach");
                }
                return allowed;
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guarded)
                .setTlsSocketStrategy(new DeferredTls()) // the default TLS set-up, made on first use
                // a peer cannot grow memory through headers: at most 100 lines of 8 KiB
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom()
                                .setMaxHeaderCount(MAX_HEADERS)
                                .setMaxLineLength(MAX_HEADER_LINE)
                                .setMaxEmptyLineCount(10)
                                .build())
                        .build())
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(this.maxConnectionsPerHost)
                .setConnectionConfigResolver(route -> droppingHosts.contains(route.getTargetHost())
                        ? connectionConfig(CHECK_ALWAYS)
                        : connectionConfig(CHECK_AFTER_IDLE))
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                // notes which attempt is under way, so a deadline can tell waiting for a connection from the rest
                .addExecInterceptorBefore(ChainElement.CONNECT.name(), "attempt", (request, scope, chain) -> {
                    if (scope.clientContext.getAttribute(Attempt.KEY) instanceof Attempt attempt) {
                        attempt.started(scope.route, scope.execRuntime);
                    }
                    return chain.proceed(request, scope);
                })
                .disableRedirectHandling()
                .setRetryStrategy(new StaleConnectionRetry(this::droppedConnection))
                .disableCookieManagement()
                .setDefaultCookieSpecRegistry(OutboundHttp::cookieRules)
                .disableAuthCaching()
                .setUserAgent("Switchboard-Webhooks/1")
                .build();
    }

    /**
     * HttpClient's default cookie rules, made when asked for (never, with cookies off): the client's builder would
     * make them at once, and they load the public-suffix list (a tenth of a restart's main thread).
     */
    private static @Nullable CookieSpecFactory cookieRules(String name) {
        return CookieSpecSupport.createDefault().lookup(name);
    }

    /**
     * Whether {@code uri} is something this client can request: an http or https URL with a host, a port from 1 to
     * 65535 if it names one, and no user info. The one test for every URL an owner or operator saves (webhooks,
     * control URLs, settings) and every URL requested, so a URL saved is one that can be requested.
     */
    public static boolean isHttpUrl(URI uri) {
        return httpUrlProblem(uri).isEmpty();
    }

    /** Why {@code uri} fails {@link #isHttpUrl}, in words to show beside the field, or empty when it passes. */
    public static Optional<String> httpUrlProblem(URI uri) {
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            return Optional.of("must be an http:// or https:// URL");
        }
        if (uri.getHost() == null) {
            // a port out of range or a character not allowed in a host name also leaves Java without a host
            return Optional.of("needs a host (and a port from 1 to 65535, if any)");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65_535)) {
            return Optional.of("has port " + uri.getPort() + "; a port must be from 1 to 65535");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not hold a user name or password (user@host); send credentials in a header");
        }
        return Optional.empty();
    }

    public Result send(Request request) {
        Instant started = Instant.ofEpochMilli(clock.millis());
        long startNanos = System.nanoTime();
        URI uri;
        try {
            uri = URI.create(request.url());
            Optional<String> problem = httpUrlProblem(uri);
            if (problem.isPresent()) {
                return failure(started, startNanos, ErrorKind.INVALID_URL, "the URL " + problem.get());
            }
        } catch (IllegalArgumentException e) {
            return failure(started, startNanos, ErrorKind.INVALID_URL, "not a valid URL");
        }
        HttpUriRequestBase http = httpRequest(request, uri);
        Attempt attempt = new Attempt();
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute(Attempt.KEY, attempt);
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean waitingForConnection = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(
                () -> {
                    waitingForConnection.set(attempt.waitingForConnection());
                    timedOut.set(true);
                    http.cancel();
                },
                request.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try (ClassicHttpResponse response = client.executeOpen(null, http, context)) {
            return answered(response, http, started, startNanos);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConnectionRequestTimeoutException || (timedOut.get() && waitingForConnection.get())) {
                return failure(started, startNanos, ErrorKind.TIMEOUT, noFreeConnection(attempt, request.timeout()));
            }
            return failed(e, timedOut.get(), request, uri, started, startNanos);
        } finally {
            deadline.cancel(false);
        }
    }

    /** The client's request for {@code request}: its method, headers and body, with the timeout on every wait. */
    private static HttpUriRequestBase httpRequest(Request request, URI uri) {
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), uri);
        Timeout timeout = Timeout.ofMilliseconds(Math.max(1, request.timeout().toMillis()));
        http.setConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(timeout)
                .setResponseTimeout(timeout)
                .setRedirectsEnabled(false)
                .build());
        request.headers().forEach(http::addHeader);
        request.body()
                .ifPresent(body -> http.setEntity(new ByteArrayEntity(
                        body,
                        request.contentType().map(ContentType::parse).orElse(ContentType.APPLICATION_OCTET_STREAM))));
        return http;
    }

    /** The result of a response: its status, headers and at most the capped body (cancelling the rest). */
    private Result answered(ClassicHttpResponse response, HttpUriRequestBase http, Instant started, long startNanos)
            throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : response.getHeaders()) {
            headers.computeIfAbsent(header.getName(), k -> new ArrayList<>()).add(header.getValue());
        }
        byte[] body = new byte[0];
        boolean tooLarge = false;
        if (response.getEntity() != null) {
            try (InputStream in = response.getEntity().getContent()) {
                body = in.readNBytes(maxResponseBytes + 1);
                if (body.length > maxResponseBytes) {
                    body = Arrays.copyOf(body, maxResponseBytes);
                    tooLarge = true;
                    http.cancel();
                }
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        return new Result(
                started,
                elapsed,
                Optional.of(response.getCode()),
                headers,
                body,
                tooLarge ? Optional.of(ErrorKind.TOO_LARGE) : Optional.empty(),
                tooLarge ? "response body over " + maxResponseBytes + " bytes; the rest was not read" : "");
    }

    /** The failure an exchange that got a connection (or never needed one) ended with. */
    private Result failed(Exception e, boolean timedOut, Request request, URI uri, Instant started, long startNanos) {
        if (timedOut
                || e instanceof SocketTimeoutException
                || e instanceof ConnectTimeoutException
                || e instanceof InterruptedIOException) {
            return failure(
                    started,
                    startNanos,
                    ErrorKind.TIMEOUT,
                    "no complete answer within " + request.timeout().toMillis() + " ms");
        }
        if (e instanceof BlockedAddressException || e.getCause() instanceof BlockedAddressException) {
            return failure(
                    started,
                    startNanos,
                    ErrorKind.BLOCKED_ADDRESS,
                    Objects.requireNonNullElse(
                            e.getMessage(), "the host resolves only to addresses outbound requests may not reach"));
        }
        if (e instanceof UnknownHostException) {
            return failure(started, startNanos, ErrorKind.DNS, "host not found: " + uri.getHost());
        }
        if (e instanceof HttpHostConnectException || e instanceof ConnectException) {
            return failure(started, startNanos, ErrorKind.CONNECTION_REFUSED, "connection refused by " + uri.getHost());
        }
        return failure(started, startNanos, ErrorKind.IO, e.getClass().getSimpleName());
    }

    private static ConnectionConfig connectionConfig(TimeValue checkAfterIdle) {
        return ConnectionConfig.custom()
                .setConnectTimeout(Timeout.ofSeconds(10))
                .setSocketTimeout(Timeout.ofSeconds(30))
                .setTimeToLive(TimeValue.ofMinutes(5))
                .setValidateAfterInactivity(checkAfterIdle)
                .build();
    }

    private void droppedConnection(HttpHost host) {
        if (droppingHosts.size() >= MAX_DROPPING_HOSTS) {
            droppingHosts.clear();
        }
        droppingHosts.add(host);
    }

    /** Why a request waited out its timeout without a connection: its host's limit, or the whole pool's. */
    private String noFreeConnection(Attempt attempt, Duration timeout) {
        String busy = attempt.route()
                        .filter(route -> connections.getStats(route).getLeased() >= maxConnectionsPerHost)
                        .isPresent()
                ? "all " + maxConnectionsPerHost + " connections to that host are busy with slower webhooks"
                        + " (SWITCHBOARD_WEBHOOK_MAX_CONNECTIONS_PER_HOST)"
                : "all " + maxConnections + " connections of the pool are busy (SWITCHBOARD_WEBHOOK_MAX_CONNECTIONS)";
        String host = attempt.route()
                .map(route -> route.getTargetHost().toHostString())
                .orElse("the host");
        return "no free connection to " + host + " within " + timeout.toMillis() + " ms: " + busy;
    }

    /** The attempt of one request under way: its route, and whether it has a connection yet. */
    private static final class Attempt {
        static final String KEY = "switchboard.attempt";
        private volatile @Nullable HttpRoute route;
        private volatile @Nullable ExecRuntime runtime;

        void started(HttpRoute route, ExecRuntime runtime) {
            this.route = route;
            this.runtime = runtime;
        }

        Optional<HttpRoute> route() {
            return Optional.ofNullable(route);
        }

        /** Whether the attempt is waiting for the pool to lend it a connection. */
        boolean waitingForConnection() {
            ExecRuntime current = runtime;
            return current != null && !current.isEndpointAcquired();
        }
    }

    private Result failure(Instant started, long startNanos, ErrorKind kind, String detail) {
        return new Result(
                started,
                Duration.ofNanos(System.nanoTime() - startNanos),
                Optional.empty(),
                Map.of(),
                new byte[0],
                Optional.of(kind),
                detail);
    }

    /** Connections open or waiting in the pool (for load measurements). */
    public String poolStats() {
        return connections.getTotalStats().toString();
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // closing sockets; nothing left to do
        }
    }
}
