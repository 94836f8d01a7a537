package org.switchboard.platform.outbound;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * HttpClient's default TLS set-up ({@link DefaultClientTlsStrategy#createDefault}, which its connection manager builds
 * when given none: the JDK's default TLS context with its trusted certificates, the host name check with the
 * public-suffix list), made when the first https connection needs it instead of when the client is built. The same
 * strategy, so the same connections; the client's construction no longer loads the trust store and the suffix list,
 * which was a tenth of a start's work before its first answer. {@link OutboundHttp#warmUp} does that work ahead, once
 * the start is done.
 */
final class DeferredTls implements TlsSocketStrategy {
    private volatile @Nullable TlsSocketStrategy strategy;

    @Override
    public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
            throws IOException {
        return strategy().upgrade(socket, target, port, attachment, context);
    }

    private TlsSocketStrategy strategy() {
        TlsSocketStrategy made = strategy;
        if (made == null) {
            synchronized (this) {
                made = strategy;
                if (made == null) {
                    made = DefaultClientTlsStrategy.createDefault();
                    strategy = made;
                }
            }
        }
        return made;
    }
}
