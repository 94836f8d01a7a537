package org.switchboard.call;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;
import org.switchboard.routing.Consideration;

/**
 * A call's stored routing JSON ({@code {"order": [...], "considered": [...]}}), parsed the first time either list is
 * read: most reads of a call (a postback's, data writing's) never look at its routing, and its parse was a sixth of a
 * postback's call read on SQLite. The lists are unmodifiable, as {@link List#copyOf} lists are, and equal to them element by
 * element.
 */
final class StoredRouting {
    private final String json;
    private volatile @Nullable Parsed parsed;

    private record Parsed(List<Long> order, List<Consideration> considered) {}

    StoredRouting(String json) {
        this.json = json;
    }

    /** The routing plan's buyer order (ids). */
    List<Long> order() {
        return new View<>(this, Parsed::order);
    }

    /** The explained verdict on every buyer. */
    List<Consideration> considered() {
        return new View<>(this, Parsed::considered);
    }

    private Parsed parsed() {
        Parsed known = parsed;
        if (known == null) {
            // a racing second parse makes an equal result, so no lock is needed
            known = parse(json);
            parsed = known;
        }
        return known;
    }

    private static Parsed parse(String json) {
        JsonNode routing = Json.read(json);
        List<Long> order = new ArrayList<>();
        routing.path("order").forEach(id -> order.add(id.asLong()));
        List<Consideration> considered = new ArrayList<>();
        routing.path("considered")
                .forEach(c -> considered.add(new Consideration(
                        c.path("buyer_id").asLong(),
                        c.path("buyer_name").asText(),
                        c.path("eligible").asBoolean(),
                        c.path("reason").asText())));
        return new Parsed(List.copyOf(order), List.copyOf(considered));
    }

    /** One of the two lists, read through to the parse. */
    private static final class View<T> extends AbstractList<T> {
        private final StoredRouting routing;
        private final Function<Parsed, List<T>> which;

        View(StoredRouting routing, Function<Parsed, List<T>> which) {
            this.routing = routing;
            this.which = which;
        }

        private List<T> list() {
            return which.apply(routing.parsed());
        }

        @Override
        public T get(int index) {
            return list().get(index);
        }

        @Override
        public int size() {
            return list().size();
        }
    }
}
