package org.switchboard.platform.config;

import java.time.Duration;

/**
 * Where the live state shared by several nodes lives: a Redis URL ({@code redis://} or {@code rediss://} for TLS, a
 * password as {@code redis://:secret@host:6379}), the prefix of every key (so deployments can share one Redis), and how
 * long a command may wait before the request that needs it is refused.
 */
public record RedisSettings(String url, String prefix, Duration timeout) {
    @Override
    public String toString() {
        // the URL may hold a password
        return "RedisSettings[prefix=" + prefix + ", timeout=" + timeout + "]";
    }
}
