package org.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 request written byte for byte on its own connection, with none of a client library's checks: methods,
 * targets and headers may hold anything. The answer is read until the server closes the connection.
 */
public final class RawHttp {
    private RawHttp() {}

    /** A request as it goes on the wire; {@code Host}, {@code Content-Length} and {@code Connection} are added. */
    public record Request(String method, String target, Map<String, String> headers, byte[] body) {
        /** How the request reads in a failure message: the line, the headers and the start of the body. */
        public String describe() {
            String text = new String(body, StandardCharsets.UTF_8);
            return visible(method + " " + target + " " + headers + " body(" + body.length + " bytes): "
                    + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
        }

        /** Control characters written as backslash-u escapes, so a failure message shows them. */
        private static String visible(String text) {
            StringBuilder shown = new StringBuilder();
            text.chars().forEach(c -> {
                if (c < 0x20 || c == 0x7f) {
                    shown.append(String.format("\\u%04x", c));
                } else {
                    shown.append((char) c);
                }
            });
            return shown.toString();
        }
    }

    /** The status ({@code -1} when the server closed without answering) and the whole answer as text. */
    public record Answer(int status, String text) {
        public String body() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? "" : text.substring(end + 4);
        }
    }

    public static Answer send(int port, Request request) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder()
                .append(request.method())
                .append(' ')
                .append(request.target())
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        request.headers()
                .forEach((name, value) ->
                        head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(request.body().length).append("\r\n\r\n");
        wire.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        wire.writeBytes(request.body());
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(wire.toByteArray());
            socket.getOutputStream().flush();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(reply);
            } catch (java.net.SocketException e) {
                // a reset after the answer (the server closed with request bytes unread) still leaves the answer
            }
            String text = reply.toString(StandardCharsets.ISO_8859_1);
            return new Answer(status(text), text);
        } catch (IOException e) {
            throw new UncheckedIOException("sending " + request.describe(), e);
        }
    }

    private static int status(String text) {
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            return -1;
        }
        try {
            return Integer.parseInt(text.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
