package org.switchboard.platform.config;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the configuration changes made through this node (admin writes, caller-list writes), so in-memory caches of
 * configuration know when what they hold may be out of date. Caches compare the count they loaded at with the current
 * one. When several nodes share a Redis, each local change is also sent to the other nodes ({@link #sendTo}) and
 * theirs arrive through {@link #received}, so a change reaches every node's caches at once; otherwise other nodes'
 * changes reach them through the caches' maximum age.
 */
public final class ConfigChanges {
    /** The words a change travels as between nodes. */
    public static final String CONFIGURATION = "configuration";

    public static final String CALLER_LISTS = "caller_lists";

    private final AtomicLong configuration = new AtomicLong();
    private final AtomicLong callerLists = new AtomicLong();
    private volatile Consumer<String> others = kind -> {};

    /** Anything configured may have changed (campaigns, buyers, keys, webhooks, criteria, features, lists...). */
    public void configurationChanged() {
        configuration.incrementAndGet();
        others.accept(CONFIGURATION);
    }

    /** The numbers on some caller list may have changed (they are cached apart, as lists can be large). */
    public void callerListsChanged() {
        callerLists.incrementAndGet();
        configuration.incrementAndGet();
        others.accept(CALLER_LISTS);
    }

    /** Sends every later local change to the other nodes. */
    public void sendTo(Consumer<String> otherNodes) {
        this.others = otherNodes;
    }

    /** A change another node made: counted here, not sent on. Unknown words count as any configuration change. */
    public void received(String kind) {
        if (CALLER_LISTS.equals(kind)) {
            callerLists.incrementAndGet();
        }
        configuration.incrementAndGet();
    }

    public long configuration() {
        return configuration.get();
    }

    public long callerLists() {
        return callerLists.get();
    }
}
