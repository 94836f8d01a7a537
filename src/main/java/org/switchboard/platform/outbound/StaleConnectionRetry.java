package org.switchboard.platform.outbound;

import java.io.IOException;
import java.net.SocketException;
import java.util.function.Consumer;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.RouteInfo;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Sends a request once more, at once, when it failed on a reused keep-alive connection before any answer came: the
 * receiver had closed the idle connection without saying {@code Connection: close}, so the request was written into
 * a dead socket, which the receiver no longer read. That holds for every method alike (webhooks are mostly POST).
 * The host is reported to {@code droppedConnection} first, so that its pooled connections are checked before the
 * second attempt takes one. Every other failure (refused, timed out, failing on a new connection, failing twice) and
 * every answer, whatever its status, is final: webhooks are not idempotent.
 */
final class StaleConnectionRetry implements HttpRequestRetryStrategy {
    private final Consumer<HttpHost> droppedConnection;

    StaleConnectionRetry(Consumer<HttpHost> droppedConnection) {
        this.droppedConnection = droppedConnection;
    }

    @Override
    public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
        if (execCount != 1 || !closedByPeer(exception) || !connectionWasReused(context)) {
            return false;
        }
        RouteInfo route = HttpClientContext.castOrCreate(context).getHttpRoute();
        if (route != null) {
            droppedConnection.accept(route.getTargetHost());
        }
        return true;
    }

    /** No answer at all (end of stream), or the socket reset / broken under the request. */
    static boolean closedByPeer(IOException exception) {
        return exception instanceof NoHttpResponseException
                || exception instanceof SocketException
                || exception.getCause() instanceof SocketException;
    }

    /**
     * Whether the connection the request failed on had already carried an answered exchange. A new connection that
     * fails is a receiver that is down or broken, and is not tried again.
     */
    static boolean connectionWasReused(HttpContext context) {
        EndpointDetails connection = HttpClientContext.castOrCreate(context).getEndpointDetails();
        return connection != null && connection.getResponseCount() > 0;
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
        return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
        return TimeValue.ZERO_MILLISECONDS;
    }
}
