package org.switchboard.platform.config;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the configuration changes made through this node (admin writes, caller-list writes), so in-memory caches of
 * configuration know when what they hold may be out of date. Caches compare the count they loaded at with the current
 * one; other nodes' changes reach them through the caches' maximum age.
 */
public final class ConfigChanges {
    private final AtomicLong configuration = new AtomicLong();
    private final AtomicLong callerLists = new AtomicLong();

    /** Anything configured may have changed (campaigns, buyers, keys, webhooks, criteria, features, lists...). */
    public void configurationChanged() {
        configuration.incrementAndGet();
    }

    /** The numbers on some caller list may have changed (they are cached apart, as lists can be large). */
    public void callerListsChanged() {
        callerLists.incrementAndGet();
        configuration.incrementAndGet();
    }

    public long configuration() {
        return configuration.get();
    }

    public long callerLists() {
        return callerLists.get();
    }
}
