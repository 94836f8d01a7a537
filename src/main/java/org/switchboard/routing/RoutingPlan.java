package org.switchboard.routing;

import java.util.List;
import java.util.Optional;

/**
 * The decision for one call: the buyers to try in order, the verdict on every buyer considered, and a reason when
 * the call cannot go to anyone (such as a campaign suppression list).
 */
public record RoutingPlan(List<Candidate> order, List<Consideration> considered, Optional<String> blocked) {}
