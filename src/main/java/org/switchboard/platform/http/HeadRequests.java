package org.switchboard.platform.http;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.ServerResponseTrailers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code HEAD} served as the HTTP specification says: every {@code GET} route answers {@code HEAD} on the same path
 * with the status and headers of its {@code GET} answer (its {@code Content-Length} included) and no body. Load
 * balancers probe with {@code HEAD}; Helidon itself routes it to nothing.
 */
public final class HeadRequests {
    private HeadRequests() {}

    /** {@code routing} where every {@code GET} route registered by path pattern also answers {@code HEAD}. */
    public static HttpRouting.Builder servedAsGet(HttpRouting.Builder routing) {
        return new HeadAsGet(routing);
    }

    /** {@code response}, or for a {@code HEAD} request one that sends the headers of what it is given but no body. */
    public static ServerResponse forRequest(ServerRequest request, ServerResponse response) {
        return request.prologue().method() == Method.HEAD ? new Bodyless(response) : response;
    }

    private record HeadAsGet(HttpRouting.Builder routing) implements HttpRouting.Builder {
        @Override
        public HttpRouting.Builder route(Method method, String pathPattern, Handler handler) {
            routing.route(method, pathPattern, handler);
            if (method == Method.GET) {
                routing.route(Method.HEAD, pathPattern, (req, res) -> handler.handle(req, new Bodyless(res)));
            }
            return this;
        }

        @Override
        public HttpRouting.Builder register(HttpService... service) {
            routing.register(service);
            return this;
        }

        @Override
        public HttpRouting.Builder register(String path, HttpService... service) {
            routing.register(path, service);
            return this;
        }

        @Override
        public HttpRouting.Builder route(HttpRoute route) {
            routing.route(route);
            return this;
        }

        @Override
        public HttpRouting.Builder addFilter(Filter filter) {
            routing.addFilter(filter);
            return this;
        }

        @Override
        public HttpRouting.Builder addFeature(Supplier<? extends HttpFeature> feature) {
            routing.addFeature(feature);
            return this;
        }

        @Override
        public <T extends Throwable> HttpRouting.Builder error(
                Class<T> exceptionClass, ErrorHandler<? super T> handler) {
            routing.error(exceptionClass, handler);
            return this;
        }

        @Override
        public HttpRouting.Builder maxReRouteCount(int maxReRouteCount) {
            routing.maxReRouteCount(maxReRouteCount);
            return this;
        }

        @Override
        public HttpRouting.Builder security(HttpSecurity security) {
            routing.security(security);
            return this;
        }

        @Override
        public HttpRouting.Builder copy() {
            return new HeadAsGet(routing.copy());
        }

        @Override
        public HttpRouting build() {
            return routing.build();
        }
    }

    /** A response that announces the length of the body it is given and sends none of it. */
    private static final class Bodyless implements ServerResponse {
        private final ServerResponse response;

        Bodyless(ServerResponse response) {
            this.response = response;
        }

        @Override
        public void send(byte[] entity) {
            response.header(HeaderNames.CONTENT_LENGTH, Integer.toString(entity.length));
            response.send();
        }

        @Override
        public void send(Object entity) {
            switch (entity) {
                case byte[] bytes -> send(bytes);
                case String text -> send(text.getBytes(StandardCharsets.UTF_8));
                // routes send bytes or text (JSON through Json.write); nothing else has a body whose length is known
                // here
                default ->
                    throw new IllegalArgumentException(
                            "cannot send " + entity.getClass().getName());
            }
        }

        @Override
        public void send() {
            response.send();
        }

        @Override
        public OutputStream outputStream() {
            // the body is counted to announce its length, as a GET answer's would be
            return new OutputStream() {
                private long length;
                private boolean closed;

                @Override
                public void write(int b) {
                    length++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    length += len;
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        response.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
                        response.send();
                    }
                }
            };
        }

        @Override
        public ServerResponse status(Status status) {
            response.status(status);
            return this;
        }

        @Override
        public Status status() {
            return response.status();
        }

        @Override
        public ServerResponse header(Header header) {
            response.header(header);
            return this;
        }

        @Override
        public boolean isSent() {
            return response.isSent();
        }

        @Override
        public long bytesWritten() {
            return response.bytesWritten();
        }

        @Override
        public ServerResponse whenSent(Runnable listener) {
            response.whenSent(listener);
            return this;
        }

        @Override
        public ServerResponse reroute(String newPath) {
            response.reroute(newPath);
            return this;
        }

        @Override
        public ServerResponse reroute(String path, UriQuery query) {
            response.reroute(path, query);
            return this;
        }

        @Override
        public ServerResponse next() {
            response.next();
            return this;
        }

        @Override
        public ServerResponseHeaders headers() {
            return response.headers();
        }

        @Override
        public ServerResponseTrailers trailers() {
            return response.trailers();
        }

        @Override
        public void streamResult(String result) {
            response.streamResult(result);
        }

        @Override
        public void streamFilter(UnaryOperator<OutputStream> filterFunction) {
            response.streamFilter(filterFunction);
        }
    }
}
