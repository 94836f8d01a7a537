package org.switchboard.routing;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decision for one call: the buyers to try in order, the verdict on every buyer considered, and a reason when
 * the call cannot go to anyone (such as a campaign suppression list). {@code skipped}: why each buyer left out was left
 * out, as a value (its words are the consideration's reason).
 */
public record RoutingPlan(
        List<Candidate> order,
        List<Consideration> considered,
        Optional<String> blocked,
        Map<Long, SkipReason> skipped) {
    public RoutingPlan(List<Candidate> order, List<Consideration> considered, Optional<String> blocked) {
        this(order, considered, blocked, Map.of());
    }
}
