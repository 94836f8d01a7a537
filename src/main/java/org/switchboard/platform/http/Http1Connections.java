package org.switchboard.platform.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The listener's HTTP/1 connections: Helidon's own HTTP/1.1 connection, with three things it does not do read into
 * the request head.
 *
 * <ul>
 *   <li>A request line whose method is not an HTTP token (a control character in it) is a 400; Helidon would fail on
 *       it with a 500 and a stack trace in the log.
 *   <li>{@code HTTP/1.0} requests are served (Helidon answers 505, and a default nginx speaks HTTP/1.0 to its
 *       upstream): they are read as HTTP/1.1 and, unless they ask for {@code Connection: keep-alive}, the connection
 *       closes after the answer, as HTTP/1.0 expects. Like HTTP/1.1 requests they need a {@code Host} header.
 *   <li>A request or answer saying {@code Connection: close} closes the connection after the answer, as RFC 9112
 *       requires (Helidon only says it and then waits for the client's next request).
 *   <li>A connection that has not delivered a whole request head within the head timeout, counted from when it
 *       opened or from the end of its previous answer, is closed; a prologue and headers arriving slowly count as
 *       well (Helidon's own idle check neither sees a half-sent header block nor runs more often than minutes).
 * </ul>
 *
 * It reads the request line where Helidon's reader hands it over (the first {@code readBytes} after a request's
 * headers, which is how Helidon 4.5's {@code Http1Prologue} reads it); {@code Http1ConnectionsIT} holds that in place.
 */
public final class Http1Connections implements ServerConnectionSelector, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Http1Connections.class.getName());
    private static final byte[] HTTP_10 = " HTTP/1.0".getBytes(StandardCharsets.US_ASCII);
    /** RFC 9110 {@code tchar} by ASCII code: checked for every byte of every request's method. */
    private static final boolean[] TOKEN_CHARS = tokenChars();

    private final ServerConnectionSelector http1;
    private final Duration headTimeout;
    private final Set<Guarded> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    private Http1Connections(Duration headTimeout) {
        this.headTimeout = headTimeout;
        Http1Config config = Http1Config.builder()
                .addReceiveListener(new Http1ConnectionListener() {
                    @Override
                    public void headers(ConnectionContext ctx, Headers headers) {
                        if (ctx instanceof Guarded guarded) {
                            guarded.headersRead(headers);
                        }
                    }
                })
                .addSendListener(new Http1ConnectionListener() {
                    @Override
                    public void headers(ConnectionContext ctx, Headers headers) {
                        if (ctx instanceof Guarded guarded) {
                            guarded.answering(headers);
                        }
                    }
                })
                .build();
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("http-head-timeout").factory());
        long periodMillis = Math.clamp(headTimeout.toMillis() / 4, 100, 1_000);
        // deliberately not kept: a sweep catches its own failures (one that threw would never run again), and close()
        // cancels it by shutting the sweeper down
        ScheduledFuture<?> _ =
                sweeper.scheduleWithFixedDelay(this::closeSlowHeads, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Makes {@code server} read its connections through this (and only this) HTTP/1 connection selector; a head not
     * read within {@code headTimeout} closes its connection. Close the result when the server stops.
     */
    public static Http1Connections install(WebServerConfig.Builder server, Duration headTimeout) {
        Http1Connections connections = new Http1Connections(headTimeout);
        // one selector only, so Helidon hands it every connection at once instead of first waiting for bytes to choose
        server.protocolsDiscoverServices(false).addConnectionSelector(connections);
        return connections;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData request) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        Guarded guarded = new Guarded(ctx);
        guarded.connection = http1.connection(guarded);
        open.add(guarded);
        return guarded;
    }

    private void closeSlowHeads() {
        for (Iterator<Guarded> it = open.iterator(); it.hasNext(); ) {
            Guarded guarded = it.next();
            if (guarded.readingHead() && guarded.connection.idleTime().compareTo(headTimeout) > 0) {
                it.remove();
                try {
                    guarded.serverSocket().close();
                } catch (RuntimeException e) {
                    // already closed by the peer; a sweep that threw would never run again
                    LOG.log(Level.FINE, "closing a connection whose head timed out failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** Checks a request line; a line Helidon would read wrongly is a 400, an HTTP/1.0 one comes back as HTTP/1.1. */
    static byte[] requestLine(byte[] line) {
        int space = 0;
        while (space < line.length && line[space] != ' ') {
            if (!isTokenChar(line[space])) {
                throw RequestException.builder()
                        .type(DirectHandler.EventType.BAD_REQUEST)
                        .status(Status.BAD_REQUEST_400)
                        .message("the request method holds a character that is not allowed in it")
                        .safeMessage(true)
                        .build();
            }
            space++;
        }
        if (isHttp10(line)) {
            byte[] asHttp11 = line.clone();
            asHttp11[asHttp11.length - 1] = '1';
            return asHttp11;
        }
        return line;
    }

    static boolean isHttp10(byte[] line) {
        if (line.length < HTTP_10.length) {
            return false;
        }
        return Arrays.equals(line, line.length - HTTP_10.length, line.length, HTTP_10, 0, HTTP_10.length);
    }

    /**
     * {@code headers.containsToken(token)} for a token without commas or quotes ({@code close}, {@code keep-alive}),
     * without Helidon's stream when it is not needed: its {@code containsToken} runs a pipeline over the header's
     * values (a tokenizer, lists) even when there is no such header, which is most requests, and for the
     * {@code Connection: keep-alive} every answer carries. One value without a comma or a quote is one token, which
     * {@code containsToken} compares trimmed and ignoring case, as here; anything else is left to it.
     */
    static boolean hasToken(Headers headers, Header token) {
        HeaderName name = token.headerName();
        if (!headers.contains(name)) {
            return false;
        }
        Header header = headers.get(name);
        if (header.valueCount() == 1) {
            String value = header.get();
            if (value.indexOf(',') < 0 && value.indexOf('"') < 0) {
                return value.trim().equalsIgnoreCase(token.get());
            }
        }
        return headers.containsToken(token);
    }

    /** RFC 9110 {@code tchar}. */
    private static boolean isTokenChar(byte b) {
        return b >= 0 && TOKEN_CHARS[b];
    }

    private static boolean[] tokenChars() {
        boolean[] token = new boolean[128];
        for (int c = 0; c < token.length; c++) {
            token[c] = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
        return token;
    }

    /** One connection: Helidon's, with a reader that checks request lines and the state of its head. */
    private final class Guarded implements ConnectionContext, ServerConnection, InterruptableTask<Void> {
        private final ConnectionContext ctx;
        private final LineReader reader;
        // set by connection() right after construction, before Helidon is handed this object: never read as null
        @SuppressWarnings("NullAway.Init")
        private ServerConnection connection;
        /** Between a request line and the end of its headers. */
        private volatile boolean readingHeaders;
        /** The request being read came as HTTP/1.0. */
        private volatile boolean http10;
        /** The request being answered asked to close the connection after its answer. */
        private volatile boolean closeRequested;

        Guarded(ConnectionContext ctx) {
            this.ctx = ctx;
            this.reader = new LineReader(ctx.dataReader(), ctx.serverSocket(), this);
        }

        boolean readingHead() {
            boolean readingRequestLine = connection instanceof InterruptableTask<?> task && task.canInterrupt();
            return readingRequestLine || readingHeaders;
        }

        void requestLineRead(boolean http10) {
            this.http10 = http10;
            this.readingHeaders = true;
        }

        void headersRead(Headers headers) {
            if (http10
                    && !hasToken(headers, HeaderValues.CONNECTION_KEEP_ALIVE)
                    && headers instanceof WritableHeaders<?> writable) {
                // HTTP/1.0 closes after the answer unless it asked to keep the connection
                writable.set(HeaderValues.CONNECTION_CLOSE);
            }
            closeRequested = hasToken(headers, HeaderValues.CONNECTION_CLOSE);
            readingHeaders = false;
            reader.awaitRequestLine();
        }

        /** The answer's head is going out: after a {@code close} either way, the connection reads nothing more. */
        void answering(Headers headers) {
            if (closeRequested || hasToken(headers, HeaderValues.CONNECTION_CLOSE)) {
                reader.endInput();
            }
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                connection.handle(limit);
            } finally {
                open.remove(this);
            }
        }

        @Override
        public Duration idleTime() {
            return connection.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            connection.close(interrupt);
        }

        @Override
        public boolean canInterrupt() {
            return connection instanceof InterruptableTask<?> task && task.canInterrupt();
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }

    /**
     * The connection's bytes as Helidon reads them, with the request line checked on its way: Helidon reads a request
     * line with one {@code readBytes} (and header values with others, body bytes never), so the first one after a
     * request's headers is the next request line.
     */
    private static final class LineReader extends DataReader {
        private final Guarded connection;
        private final AtomicBoolean ended;
        private volatile boolean awaitingRequestLine = true;

        LineReader(DataReader source, HelidonSocket socket, Guarded connection) {
            this(source, socket, connection, new AtomicBoolean());
        }

        @SuppressWarnings("removal") // the supported factory cannot make a subclass
        private LineReader(DataReader source, HelidonSocket socket, Guarded connection, AtomicBoolean ended) {
            // no more input reads as the end of the stream, which Helidon answers by closing the connection
            super(() -> ended.get() ? null : next(source, socket));
            this.connection = connection;
            this.ended = ended;
        }

        void endInput() {
            ended.set(true);
        }

        /**
         * What Helidon's own reader of the connection already holds (none, unless it read ahead while setting the
         * connection up), then the socket's reads as they come, as that reader would pull them: reading them through
         * it copied every request's bytes once more into an array of their own.
         */
        private static byte @Nullable [] next(DataReader source, HelidonSocket socket) {
            int held = source.available();
            if (held > 0) {
                return source.readBytes(held);
            }
            try {
                return socket.get();
            } catch (UncheckedIOException e) {
                // as Helidon's reader maps it: the connection ends without an error answer
                throw new ServerConnectionException("Failed to get data from socket", e);
            }
        }

        void awaitRequestLine() {
            awaitingRequestLine = true;
        }

        @Override
        public byte[] readBytes(int len) {
            byte[] bytes = super.readBytes(len);
            if (!awaitingRequestLine) {
                return bytes;
            }
            awaitingRequestLine = false;
            byte[] line = requestLine(bytes);
            connection.requestLineRead(line != bytes);
            return line;
        }
    }
}
