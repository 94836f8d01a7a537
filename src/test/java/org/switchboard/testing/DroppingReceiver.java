package org.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 webhook target on loopback that answers with keep-alive (no {@code Connection: close}) and then
 * drops the connection without saying so, as receivers with short idle timeouts do. {@link Receiver} cannot: the
 * JDK server it stands on keeps idle connections open.
 */
public final class DroppingReceiver implements AutoCloseable {

    /** When a connection is dropped. */
    public enum Drop {
        /** Right after the first answer on it: the client's pooled connection is already closed when reused. */
        AFTER_ANSWER,
        /**
         * When a second request arrives on it, before answering: the client finds out only after sending, as when
         * the receiver's idle timeout fires just as the request is on its way.
         */
        ON_SECOND_REQUEST,
        /** On every request, before answering: a receiver that is broken, not one that timed out. */
        ON_EVERY_REQUEST
    }

    private final Drop drop;
    private final String body;
    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    /** Answers every request 200 with {@code body} as JSON, and drops connections as {@code drop} says. */
    public DroppingReceiver(Drop drop, String body) {
        this.drop = drop;
        this.body = body;
        try {
            socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.submit(this::accept);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.incrementAndGet();
                threads.submit(() -> serve(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            int requests = 0;
            while (readRequest(in)) {
                requests++;
                if ((drop == Drop.ON_SECOND_REQUEST && requests == 2) || drop == Drop.ON_EVERY_REQUEST) {
                    dropped.incrementAndGet();
                    return;
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
                answered.incrementAndGet();
                if (drop == Drop.AFTER_ANSWER) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads one request (head and a Content-Length body); false at the end of the stream. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(
                        line.substring("content-length:".length()).strip());
            }
        }
        return in.readNBytes(length).length == length;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    /** Requests answered. */
    public int answered() {
        return answered.get();
    }

    /** Requests dropped unanswered. */
    public int dropped() {
        return dropped.get();
    }

    /** Connections accepted. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
        threads.shutdownNow();
    }
}
