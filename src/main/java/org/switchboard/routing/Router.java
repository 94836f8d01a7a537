package org.switchboard.routing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;
import org.switchboard.callerlist.CallerList;
import org.switchboard.tag.TagSet;

/**
 * Picks the order in which a call's buyers are tried, and says for every buyer why it is or is not in that order.
 * Pure: the caller's tags, the candidates, cap use, the clock reading and the random source come in; a plan comes
 * out.
 *
 * <p>Rules, in the order a buyer is checked: paused; hours of operation (buyer's zone, overnight shifts); the
 * buyer's tag filter; the tag filters of its groups; the buyer's caller lists ({@code suppressed*} blocks, {@code
 * accepted*} allows only listed callers); a repeat caller when the campaign sends repeat callers to a new buyer; the
 * buyer's caps, then its groups' caps. A campaign list that blocks the caller blocks every buyer.
 *
 * <p>Order: ascending priority; weighted random among equal priorities; with repeat-caller handling the previous
 * buyer first; buyers that already took this caller within the window after all fresh ones (duplicate
 * deprioritisation).
 */
public final class Router {

    /** Everything a decision depends on. */
    public record Input(
            TagSet tags,
            Instant now,
            List<ListCheck> campaignLists,
            List<Candidate> candidates,
            RepeatCaller repeat,
            CapLookup caps,
            RandomGenerator random) {}

    private static final String[] DAY_NAMES = Arrays.stream(DayOfWeek.values())
            .map(day -> day.getDisplayName(TextStyle.FULL, Locale.ENGLISH))
            .toArray(String[]::new);

    private static final SkipReason PAUSED = new SkipReason.Paused();

    private Router() {}

    private static String twoDigits(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }

    public static RoutingPlan plan(Input in) {
        Optional<String> blocked = campaignBlock(in.campaignLists());
        if (blocked.isPresent()) {
            SkipReason listed = new SkipReason.CallerListed(blocked.get());
            List<Consideration> considered = new ArrayList<>(in.candidates().size());
            Map<Long, SkipReason> skipped = new HashMap<>();
            for (Candidate c : in.candidates()) {
                considered.add(new Consideration(c.buyer().id(), c.buyer().name(), false, blocked.get()));
                skipped.put(c.buyer().id(), listed);
            }
            return new RoutingPlan(List.of(), List.copyOf(considered), blocked, skipped);
        }
        List<Consideration> considered = new ArrayList<>();
        List<Candidate> eligible = new ArrayList<>();
        Map<Long, SkipReason> skipped = new HashMap<>();
        for (Candidate candidate : in.candidates()) {
            SkipReason skip = skipReason(candidate, in);
            considered.add(new Consideration(
                    candidate.buyer().id(),
                    candidate.buyer().name(),
                    skip == null,
                    skip == null ? "eligible" : skip.text()));
            if (skip == null) {
                eligible.add(candidate);
            } else {
                skipped.put(candidate.buyer().id(), skip);
            }
        }
        List<Candidate> order = order(eligible, in.random());
        RepeatCaller repeat = in.repeat();
        if (repeat.sticky() && repeat.previousBuyerId().isPresent()) {
            long previous = repeat.previousBuyerId().get();
            order.stream().filter(c -> c.buyer().id() == previous).findFirst().ifPresent(c -> {
                order.remove(c);
                order.addFirst(c);
                annotate(considered, previous, "eligible; repeat caller, offered to the previous buyer first");
            });
        } else if (!repeat.recentBuyerIds().isEmpty()) {
            List<Candidate> duplicates = order.stream()
                    .filter(c -> repeat.recentBuyerIds().contains(c.buyer().id()))
                    .toList();
            order.removeAll(duplicates);
            order.addAll(duplicates);
            duplicates.forEach(c -> annotate(
                    considered, c.buyer().id(), "eligible; duplicate caller for this buyer, tried after fresh buyers"));
        }
        return new RoutingPlan(List.copyOf(order), List.copyOf(considered), Optional.empty(), skipped);
    }

    private static Optional<String> campaignBlock(List<ListCheck> lists) {
        for (ListCheck list : lists) {
            if (list.behaviour() == CallerList.Behaviour.SUPPRESS && list.callerListed()) {
                return Optional.of("caller is on the campaign's suppression list " + list.name());
            }
        }
        return acceptOnlyMiss(lists).map(names -> "caller is not on the campaign's accepted list(s) " + names);
    }

    /**
     * The names of the accept-only lists, joined, when there are some and the caller is on none of them. A loop, not
     * streams: every buyer of every RTB ping asks, and most have no lists at all.
     */
    private static Optional<String> acceptOnlyMiss(List<ListCheck> lists) {
        if (lists.isEmpty()) {
            return Optional.empty();
        }
        @Nullable StringJoiner names = null;
        for (ListCheck list : lists) {
            if (list.behaviour() == CallerList.Behaviour.ACCEPT_ONLY) {
                if (list.callerListed()) {
                    return Optional.empty();
                }
                if (names == null) {
                    names = new StringJoiner(", ");
                }
                names.add(list.name());
            }
        }
        return names == null ? Optional.empty() : Optional.of(names.toString());
    }

    /** Why the candidate cannot be offered the call, or null when it can. */
    private static @Nullable SkipReason skipReason(Candidate candidate, Input in) {
        Buyer buyer = candidate.buyer();
        if (buyer.paused()) {
            return PAUSED;
        }
        if (buyer.hours().isPresent()) {
            ZonedDateTime local = in.now().atZone(buyer.timeZone());
            if (!buyer.hours().get().isOpen(local)) {
                // built by hand, not with String.format: every RTB ping explains every closed buyer
                return new SkipReason.Closed("closed by hours of operation ("
                        + DAY_NAMES[local.getDayOfWeek().ordinal()] + " "
                        + twoDigits(local.getHour()) + ":" + twoDigits(local.getMinute()) + " in "
                        + buyer.timeZone().getId() + ")");
            }
        }
        Optional<String> mismatch = buyer.tagFilters().explainMismatch(in.tags());
        if (mismatch.isPresent()) {
            return new SkipReason.Filtered("filtered by tag filter: " + mismatch.get());
        }
        for (BuyerGroup group : candidate.groups()) {
            Optional<String> groupMismatch = group.tagFilters().explainMismatch(in.tags());
            if (groupMismatch.isPresent()) {
                return new SkipReason.Filtered(
                        "filtered by buyer group " + group.name() + " tag filter: " + groupMismatch.get());
            }
        }
        for (ListCheck list : candidate.buyerLists()) {
            if (list.behaviour() == CallerList.Behaviour.SUPPRESS && list.callerListed()) {
                return new SkipReason.CallerListed("suppressed by caller list " + list.name());
            }
        }
        Optional<String> notAccepted = acceptOnlyMiss(candidate.buyerLists());
        if (notAccepted.isPresent()) {
            return new SkipReason.CallerListed("caller not on accepted list(s) " + notAccepted.get());
        }
        RepeatCaller repeat = in.repeat();
        if (repeat.toNewBuyer()
                && repeat.previousBuyerId().filter(id -> id == buyer.id()).isPresent()) {
            return new SkipReason.RepeatCaller("repeat caller: the campaign sends repeat callers to a new buyer");
        }
        CapLookup.CapContext buyerContext = new CapLookup.CapContext(buyer.timeZone(), buyer.hardCapResetAt());
        for (CapLookup.CapState cap : in.caps().states("buyer", buyer.id(), buyer.caps(), buyerContext)) {
            if (cap.full()) {
                return new SkipReason.Capped("capped: " + cap, cap.kind() == CapCounters.Kind.CONCURRENCY);
            }
        }
        for (BuyerGroup group : candidate.groups()) {
            CapLookup.CapContext groupContext = new CapLookup.CapContext(buyer.timeZone(), group.hardCapResetAt());
            for (CapLookup.CapState cap : in.caps().states("group", group.id(), group.caps(), groupContext)) {
                if (cap.full()) {
                    return new SkipReason.Capped(
                            "capped by buyer group " + group.name() + ": " + cap,
                            cap.kind() == CapCounters.Kind.CONCURRENCY);
                }
            }
        }
        return null;
    }

    /** Ascending priority; within a priority a weighted random order (Efraimidis-Spirakis keys). */
    private static List<Candidate> order(List<Candidate> eligible, RandomGenerator random) {
        record Keyed(Candidate candidate, double key) {}
        List<Keyed> keyed = new ArrayList<>(eligible.size());
        for (Candidate candidate : eligible) {
            double u = random.nextDouble();
            keyed.add(new Keyed(
                    candidate,
                    Math.log(u == 0 ? Double.MIN_VALUE : u) / candidate.buyer().weight()));
        }
        if (keyed.size() > 1) {
            keyed.sort((a, b) -> {
                int byPriority = Integer.compare(
                        a.candidate().buyer().priority(), b.candidate().buyer().priority());
                return byPriority != 0 ? byPriority : Double.compare(b.key(), a.key());
            });
        }
        List<Candidate> order = new ArrayList<>(keyed.size());
        keyed.forEach(k -> order.add(k.candidate()));
        return order;
    }

    private static void annotate(List<Consideration> considered, long buyerId, String reason) {
        considered.replaceAll(c -> c.buyerId() == buyerId ? c.withReason(true, reason) : c);
    }
}
