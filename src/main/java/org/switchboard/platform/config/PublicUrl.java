package org.switchboard.platform.config;

import java.net.URI;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A public base URL partners reach this server at (postback URLs, carrier callbacks and their signatures, links). A
 * server told to listen on port 0 takes any free port; then a URL naming port 0 (the default {@code
 * http://localhost:0}) stands for the port it got, known once it listens, and must not be read before.
 */
public final class PublicUrl implements Supplier<String> {
    private final String configured;
    private final boolean followsListener;
    /** Null until the listener's port is known, for a URL that follows it. */
    private volatile @Nullable String resolved;

    private PublicUrl(String configured, boolean followsListener) {
        this.configured = configured;
        this.followsListener = followsListener;
        this.resolved = followsListener ? null : configured;
    }

    /** {@code url} as configured; when {@code port} (the listener's setting) is 0 and it names port 0, it follows. */
    public static PublicUrl of(String url, int port) {
        return new PublicUrl(url, port == 0 && URI.create(url).getPort() == 0);
    }

    /** Whether the URL is https (known before the port is). */
    public boolean secure() {
        return configured.startsWith("https://");
    }

    /** Tells a URL that follows the listener the port it got; a fixed URL stays as it is. */
    public void listening(int port) {
        if (followsListener) {
            URI uri = URI.create(configured);
            resolved = uri.getScheme() + "://" + uri.getRawAuthority().replaceFirst(":0$", ":" + port)
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
        }
    }

    @Override
    public String get() {
        String url = resolved;
        if (url == null) {
            throw new IllegalStateException(configured + " follows the listener's port, which is not known yet");
        }
        return url;
    }

    @Override
    public String toString() {
        String url = resolved;
        return url == null ? configured : url;
    }
}
