package org.switchboard.platform.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the write paths announce configuration changes and the caches of configuration hear of them. A write calls
 * {@link #changed} after it committed, naming every object it changed (cascades included); the listeners of this
 * node drop what the changes touch before the call returns, so a request sent after the write's answer sees the
 * change. When several nodes share a Redis, each local change is also sent to the other nodes ({@link #sendTo}) and
 * theirs arrive through {@link #received}. When changes may have been missed (the channel between nodes was cut, a
 * message could not be read), {@link #missed} makes every listener drop everything.
 *
 * <p>Listeners are told in the order they registered: a cache that reads through another cache registers after it,
 * so the one it reads from is already current when it drops its own entries.
 */
public final class ConfigChanges {
    private static final Logger LOG = Logger.getLogger(ConfigChanges.class.getName());

    /** A cache of configuration. Called on the writer's thread, or on the thread receiving other nodes' changes. */
    public interface Listener {
        /** Drops what {@code change} touches. */
        void changed(ConfigChange change);

        /** Changes may have been missed: drops everything. */
        void everythingMayHaveChanged();
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> others = text -> {};

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Announces changes made through this node: to this node's caches, then to the other nodes. */
    public void changed(ConfigChange... changes) {
        changed(List.of(changes));
    }

    /** Announces changes made through this node: to this node's caches, then to the other nodes (one message). */
    public void changed(List<ConfigChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        changes.forEach(this::tell);
        others.accept(text(changes));
    }

    /** Sends every later local change to the other nodes, as the text {@link #received} reads. */
    public void sendTo(Consumer<String> otherNodes) {
        this.others = otherNodes;
    }

    /**
     * Changes another node made ({@code kind:account:id}, comma-separated): told to this node's caches, not sent on.
     * Text that does not read as changes (a node of another version) counts as anything having changed.
     */
    public void received(String text) {
        List<ConfigChange> changes = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Optional<ConfigChange> change = ConfigChange.parse(part);
            if (change.isEmpty()) {
                missed();
                return;
            }
            changes.add(change.get());
        }
        changes.forEach(this::tell);
    }

    /** Changes may have been missed (the channel between nodes was cut and came back): every cache drops all. */
    public void missed() {
        for (Listener listener : listeners) {
            try {
                listener.everythingMayHaveChanged();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a configuration cache failed to drop its entries", e);
            }
        }
    }

    private void tell(ConfigChange change) {
        for (Listener listener : listeners) {
            try {
                listener.changed(change);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a configuration cache failed to drop " + change.text(), e);
            }
        }
    }

    static String text(List<ConfigChange> changes) {
        StringBuilder text = new StringBuilder();
        for (ConfigChange change : changes) {
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(change.text());
        }
        return text.toString();
    }
}
