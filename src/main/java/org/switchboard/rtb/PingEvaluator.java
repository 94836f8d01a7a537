package org.switchboard.rtb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.switchboard.buyer.Buyer;
import org.switchboard.conversion.ConversionCriterion;
import org.switchboard.conversion.ConversionPolicy;
import org.switchboard.number.TrackingNumber;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.time.Deadline;
import org.switchboard.publisher.Publisher;
import org.switchboard.routing.Candidate;
import org.switchboard.routing.Consideration;
import org.switchboard.routing.ListCheck;
import org.switchboard.routing.RepeatCaller;
import org.switchboard.routing.RoutingPlan;
import org.switchboard.routing.RoutingService;
import org.switchboard.routing.SkipReason;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.SystemTags;
import org.switchboard.tag.TagSet;
import org.switchboard.webhook.ResponseTags;
import org.switchboard.webhook.Trigger;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookDispatcher;

/**
 * Evaluates one RTB ping up to the choice of buyers: tags the caller, runs the data-appending and passthrough webhooks
 * within the key's timeout (a buyer's own passthrough webhook is its bid: its {@code bid}, {@code timer} and {@code
 * number} answers become {@code retreaver_rtb_<buyer id>_bid}, {@code _timer}, {@code _number}), and plans the buyers
 * with the call flow's routing (filters, lists, hours, caps, paused, duplicates). Buyers that can take the call come
 * back best first: by priority, then by what the campaign's conversion criteria say they pay (bids included), so a
 * higher bid wins among equals. Reads only the configuration cache and live state.
 */
final class PingEvaluator {
    /** Parameters that steer the ping; every other parameter becomes a tag. */
    static final Set<String> RESERVED_PARAMS = Set.of(
            "key", "caller_number", "publisher_id", "source_id", "inbound_number", "campaign_id", "status", "uuid");

    /** Fresh buyers before duplicates, then by priority, then the better payer (built once, not per ping). */
    private static final Comparator<Eligible> BEST_FIRST = Comparator.comparing((Eligible e) -> e.duplicate())
            .thenComparingInt(e -> e.candidate().buyer().priority())
            .thenComparing(e -> e.revenue().orElse(Money.ZERO), Comparator.<Money>reverseOrder());

    private final RoutingService routing;
    private final WebhookDispatcher dispatcher;
    private final GeoTagger geo;
    private final RtbConfigCache cache;
    private final Clock clock;
    private final AtomicReferenceArray<@Nullable ConfigTags> configTags = new AtomicReferenceArray<>(CONFIG_SLOTS);

    PingEvaluator(
            RoutingService routing, WebhookDispatcher dispatcher, GeoTagger geo, RtbConfigCache cache, Clock clock) {
        this.routing = routing;
        this.dispatcher = dispatcher;
        this.geo = geo;
        this.cache = cache;
        this.clock = clock;
    }

    /** What a ping is about. */
    record Ping(
            String uuid,
            AccountId account,
            RtbConfigCache.CampaignConfig campaign,
            Optional<Publisher> publisher,
            Optional<String> callerNumber,
            TrackingNumber inbound,
            boolean inboundNamed,
            Map<String, String> params,
            String tagPrefix,
            Duration timeout) {}

    /**
     * A buyer that can take the call, with its groups, what its bid (or criterion) says it pays, and the ping's tags
     * once this buyer is selected ({@link #withBuyer}; worked out for the revenue, kept for the payout).
     */
    record Eligible(Candidate candidate, Optional<Money> revenue, boolean duplicate, TagSet withBuyer) {}

    /**
     * The outcome of evaluation: the tags, what the passthrough webhooks did, every buyer's verdict (a map made for
     * this ping, which its caller may change), the eligible.
     */
    record Evaluation(
            TagSet tags,
            TagSet learned,
            List<RtbPing.Passthrough> passthrough,
            Map<Long, RtbPing.ConsideredBuyer> considered,
            List<Eligible> eligible) {}

    Evaluation evaluate(Ping ping) {
        Instant now = clock.instant();
        TagSet base = baseTags(ping);
        TagSet tags = withZip(withParams(base, ping), ping);
        List<RtbPing.Passthrough> passthrough = new ArrayList<>();
        Map<Long, String> buyerFailures = new HashMap<>();
        tags = runWebhooks(ping, tags, passthrough, buyerFailures);

        RtbConfigCache.CampaignConfig config = ping.campaign();
        String caller = ping.callerNumber().orElse("");
        List<Candidate> candidates = candidates(config, caller);
        List<ListCheck> campaignLists = listChecks(config.campaignLists(), caller);
        Set<Long> recent = ping.callerNumber().isPresent()
                ? routing.buyersThatTook(
                        ping.account(),
                        caller,
                        now.minusSeconds(config.campaign().repeatCallerWindowSeconds()))
                : Set.of();
        RoutingPlan plan = routing.plan(
                candidates, campaignLists, tags, new RepeatCaller(Optional.empty(), false, false, recent), now);

        Map<Long, RtbPing.ConsideredBuyer> considered = considered(plan, recent);
        List<Eligible> eligible = eligible(plan, config, tags, recent, buyerFailures, considered);
        return new Evaluation(tags, learned(base, tags), passthrough, considered, eligible);
    }

    /** What routing needs of the campaign for this caller: its buyers as candidates and its own lists' checks. */
    RoutingService.Gathered gathered(RtbConfigCache.CampaignConfig config, String caller) {
        return new RoutingService.Gathered(candidates(config, caller), listChecks(config.campaignLists(), caller));
    }

    /** The campaign's buyers as routing candidates, with their groups and whether the caller is on their lists. */
    private List<Candidate> candidates(RtbConfigCache.CampaignConfig config, String caller) {
        List<Candidate> candidates = new ArrayList<>(config.buyers().size());
        for (Buyer buyer : config.buyers()) {
            List<ListCheck> lists = listChecks(config.buyerLists().getOrDefault(buyer.id(), List.of()), caller);
            candidates.add(new Candidate(buyer, config.groupsByBuyer().getOrDefault(buyer.id(), List.of()), lists));
        }
        return candidates;
    }

    /** Whether the caller is on each of the lists (a loop: most buyers have none, and a stream per buyer showed). */
    private List<ListCheck> listChecks(List<RtbConfigCache.ListMeta> lists, String caller) {
        if (lists.isEmpty()) {
            return List.of();
        }
        List<ListCheck> checks = new ArrayList<>(lists.size());
        for (RtbConfigCache.ListMeta list : lists) {
            checks.add(new ListCheck(list.name(), list.behaviour(), cache.listed(list.id(), caller)));
        }
        return List.copyOf(checks);
    }

    /** Routing's verdict on every buyer: eligible ones have no status (or are repeat-caller duplicates). */
    private static Map<Long, RtbPing.ConsideredBuyer> considered(RoutingPlan plan, Set<Long> recent) {
        Map<Long, RtbPing.ConsideredBuyer> considered = new LinkedHashMap<>();
        for (Consideration c : plan.considered()) {
            SkipReason skipped = plan.skipped().get(c.buyerId());
            Optional<RtbStatus> status = c.eligible()
                    ? (recent.contains(c.buyerId())
                            ? Optional.of(RtbStatus.TARGETS_DUPLICATE_DEPRIORITIZED)
                            : Optional.empty())
                    : Optional.ofNullable(skipped).map(PingEvaluator::statusOf);
            considered.put(
                    c.buyerId(), new RtbPing.ConsideredBuyer(c.buyerId(), c.buyerName(), false, status, c.reason()));
        }
        return considered;
    }

    /**
     * The buyers in routing's order that can take the call, best first; a buyer whose passthrough ping failed or
     * whose transfer number cannot be dialled is excluded here (and its verdict in {@code considered} says why).
     */
    private List<Eligible> eligible(
            RoutingPlan plan,
            RtbConfigCache.CampaignConfig config,
            TagSet tags,
            Set<Long> recent,
            Map<Long, String> buyerFailures,
            Map<Long, RtbPing.ConsideredBuyer> considered) {
        List<Eligible> eligible = new ArrayList<>();
        for (Candidate candidate : plan.order()) {
            Buyer buyer = candidate.buyer();
            String failure = buyerFailures.get(buyer.id());
            if (failure != null) {
                considered.put(buyer.id(), excluded(buyer, RtbStatus.REJECTED, failure));
                continue;
            }
            Optional<String> number = tags.last("retreaver_rtb_" + buyer.id() + "_number");
            if (number.isPresent() && PhoneNumbers.dialable(number.get()).isEmpty()) {
                considered.put(
                        buyer.id(),
                        excluded(
                                buyer,
                                RtbStatus.UNDIALABLE_EXPRESSION,
                                "its transfer number '" + number.get() + "' cannot be dialled"));
                continue;
            }
            TagSet withBuyer = withBuyer(tags, buyer);
            eligible.add(new Eligible(
                    candidate, revenue(config.criteria(), withBuyer), recent.contains(buyer.id()), withBuyer));
        }
        // fresh buyers before duplicates, then by priority, then the better payer; ties keep routing's weighted order
        if (eligible.size() > 1) {
            eligible.sort(BEST_FIRST);
        }
        return eligible;
    }

    /** The tags a call from this ping's caller on the campaign starts with anyway (its call re-derives them). */
    private TagSet baseTags(Ping ping) {
        TagSet config = configTags(ping);
        if (ping.callerNumber().isEmpty()) {
            return config;
        }
        String caller = ping.callerNumber().get();
        TagSet.Builder tags = config.toBuilder();
        tags.remove("caller_number").add("caller_number", caller);
        tags.remove("caller_id").add("caller_id", caller);
        tags.addAll(geo.tagsForValid(caller));
        return tags.build();
    }

    /**
     * The base tags that only configuration decides (campaign, publisher, inbound number), kept for the last
     * configurations seen: every ping of a key builds the same ones, and building them was a dozen map operations a
     * ping. An entry is used only for the very objects it was built from; the cache hands out new ones when the
     * configuration changes, so a change is seen by the next ping. {@link #CONFIG_SLOTS} entries at most.
     */
    private TagSet configTags(Ping ping) {
        Publisher publisher = ping.publisher().orElse(null);
        int slot = (System.identityHashCode(ping.campaign()) * 31 + System.identityHashCode(publisher)) * 31
                + System.identityHashCode(ping.inbound())
                + (ping.inboundNamed() ? 1 : 0);
        slot = (slot ^ (slot >>> 16)) & (CONFIG_SLOTS - 1);
        ConfigTags held = configTags.get(slot);
        if (held != null
                && held.campaign() == ping.campaign()
                && held.publisher() == publisher
                && held.inbound() == ping.inbound()
                && held.inboundNamed() == ping.inboundNamed()) {
            return held.tags();
        }
        TagSet built = buildConfigTags(ping);
        configTags.set(slot, new ConfigTags(ping.campaign(), publisher, ping.inbound(), ping.inboundNamed(), built));
        return built;
    }

    private static final int CONFIG_SLOTS = 64;

    /** The configuration's tags of {@link #configTags}, and the objects they were built from (compared by identity). */
    private record ConfigTags(
            RtbConfigCache.CampaignConfig campaign,
            @Nullable Publisher publisher,
            TrackingNumber inbound,
            boolean inboundNamed,
            TagSet tags) {}

    private static TagSet buildConfigTags(Ping ping) {
        TagSet.Builder tags = TagSet.builder().addAll(ping.campaign().campaign().tags());
        ping.publisher().ifPresent(p -> {
            tags.addAll(p.tags());
            String publisherId = p.cid().orElse(Long.toString(p.id()));
            tags.remove("publisher_id").add("publisher_id", publisherId);
            tags.remove("source_id").add("source_id", publisherId);
        });
        if (!ping.inboundNamed()) {
            tags.addAll(ping.inbound().tags()); // as the call will have them (CallTagging)
        }
        tags.remove("campaign_id")
                .add("campaign_id", Long.toString(ping.campaign().campaign().id()));
        tags.remove("tracking_number").add("tracking_number", ping.inbound().number());
        return tags.build();
    }

    /** The ping's own parameters as tags, named with the key's prefix; system tags cannot be set this way. */
    private static TagSet withParams(TagSet base, Ping ping) {
        // copied only when a parameter becomes a tag: most pings send only what steers them (caller_number)
        TagSet.@Nullable Builder tags = null;
        for (var param : ping.params().entrySet()) {
            if (RESERVED_PARAMS.contains(param.getKey())) {
                continue;
            }
            String name = TagSet.normalizeKey(ping.tagPrefix() + param.getKey());
            String value = param.getValue().strip();
            if (value.isEmpty()
                    || SystemTags.PROTECTED.contains(name)
                    || !TagSet.isValidKey(name)
                    || value.length() > 500) {
                continue;
            }
            if (tags == null) {
                tags = base.toBuilder();
            }
            tags.remove(name).add(name, value);
        }
        return tags == null ? base : tags.build();
    }

    /**
     * A zip the publisher sends ({@code caller_zip} or {@code zip}) places the caller, as a zip returned by a webhook
     * does: buyers' geo filters then see the zip's state rather than the area code's.
     */
    private TagSet withZip(TagSet tags, Ping ping) {
        Optional<String> zip = Optional.ofNullable(ping.params().get("caller_zip"))
                .or(() -> Optional.ofNullable(ping.params().get("zip")))
                .map(String::strip)
                .filter(z -> !z.isEmpty());
        return zip.map(z -> geo.withZip(tags, z)).orElse(tags);
    }

    /**
     * What the ping learned beyond what its call will derive again: its parameters and the webhooks' answers (bids).
     * Only this is kept with a reservation, so a million reservations do not each hold a copy of the campaign's tags.
     */
    private static TagSet learned(TagSet base, TagSet all) {
        return all == base ? TagSet.empty() : all.changedFrom(base);
    }

    /**
     * Data-appending webhooks first (their answers tag the ping), then the passthrough webhooks of the campaign (or
     * of an unlocked inbound number) and of the campaign's buyers, together, all within the key's timeout.
     */
    private TagSet runWebhooks(
            Ping ping, TagSet start, List<RtbPing.Passthrough> passthrough, Map<Long, String> buyerFailures) {
        RtbConfigCache.CampaignConfig config = ping.campaign();
        List<Webhook> own = ping.inbound().webhooksUnlocked()
                ? config.numberWebhooks().getOrDefault(ping.inbound().id(), List.of())
                : config.webhooks();
        Deadline deadline = Deadline.in(ping.timeout(), clock);
        TagSet tags = start;
        List<Webhook> appending = applicable(own, Trigger.DATA_APPENDING, tags);
        if (!appending.isEmpty()) {
            for (WebhookDispatcher.Fired fired : dispatcher.fireForPing(context(ping, tags), appending, deadline)) {
                passthrough.add(summary(fired));
                tags = ResponseTags.apply(tags, fired.responseTags(), geo);
            }
        }
        DuePassthrough due = duePassthrough(config, own, tags);
        if (due.webhooks().isEmpty()) {
            return tags;
        }
        return firePassthrough(ping, tags, due, deadline, passthrough, buyerFailures);
    }

    /** The passthrough webhooks due for a ping, its own and its buyers'; each buyer's webhook maps to its buyer. */
    private record DuePassthrough(List<Webhook> webhooks, Map<Long, Long> webhookToBuyer) {}

    private static DuePassthrough duePassthrough(RtbConfigCache.CampaignConfig config, List<Webhook> own, TagSet tags) {
        List<Webhook> due = new ArrayList<>(applicable(own, Trigger.PASSTHROUGH, tags));
        Map<Long, Long> webhookToBuyer = new HashMap<>();
        for (Buyer buyer : config.buyers()) {
            for (Webhook w :
                    applicable(config.buyerWebhooks().getOrDefault(buyer.id(), List.of()), Trigger.PASSTHROUGH, tags)) {
                due.add(w);
                webhookToBuyer.put(w.id(), buyer.id());
            }
        }
        return new DuePassthrough(due, webhookToBuyer);
    }

    /**
     * Fires the passthrough webhooks together: the ping's own answers tag the ping, a buyer's answer is its bid (as
     * {@code retreaver_rtb_<buyer>_*} tags); a buyer whose ping failed or gave no bid is noted in {@code buyerFailures}.
     */
    private TagSet firePassthrough(
            Ping ping,
            TagSet before,
            DuePassthrough due,
            Deadline deadline,
            List<RtbPing.Passthrough> passthrough,
            Map<Long, String> buyerFailures) {
        Set<Long> bidders = new HashSet<>(due.webhookToBuyer().values());
        Set<Long> answered = new HashSet<>();
        TagSet tags = before;
        for (WebhookDispatcher.Fired fired : dispatcher.fireForPing(context(ping, before), due.webhooks(), deadline)) {
            passthrough.add(summary(fired));
            Long buyerId = due.webhookToBuyer().get(fired.webhook().id());
            if (buyerId == null) {
                tags = ResponseTags.apply(tags, fired.responseTags(), geo);
                continue;
            }
            if (!succeeded(fired)) {
                buyerFailures.putIfAbsent(
                        buyerId,
                        "its passthrough ping " + fired.webhook().name() + " failed (" + failureOf(fired) + ")");
                continue;
            }
            tags = ResponseTags.apply(tags, bidTags(fired, buyerId), geo);
            if (!fired.responseTags().values("bid").isEmpty()
                    || !tags.values("retreaver_rtb_" + buyerId + "_bid").isEmpty()) {
                answered.add(buyerId);
            }
        }
        for (long buyerId : bidders) {
            if (!answered.contains(buyerId)) {
                buyerFailures.putIfAbsent(buyerId, "its passthrough ping returned no bid");
            }
        }
        return tags;
    }

    private static boolean succeeded(WebhookDispatcher.Fired fired) {
        return fired.pixel().errorKind().isEmpty()
                && fired.pixel().status().filter(s -> s < 300).isPresent();
    }

    /** Why a passthrough ping failed: its error kind, else its HTTP status. */
    private static String failureOf(WebhookDispatcher.Fired fired) {
        return fired.pixel()
                .errorKind()
                .orElseGet(() -> "HTTP " + fired.pixel().status().orElse(0));
    }

    /** A buyer's answer, with its bid, timer and number also named for the buyer. */
    private static TagSet bidTags(WebhookDispatcher.Fired fired, long buyerId) {
        TagSet.Builder bid = fired.responseTags().toBuilder();
        for (String part : List.of("bid", "timer", "number")) {
            Set<String> values = fired.responseTags().values(part);
            if (!values.isEmpty()) {
                bid.remove("retreaver_rtb_" + buyerId + "_" + part);
                values.forEach(v -> bid.add("retreaver_rtb_" + buyerId + "_" + part, v));
            }
        }
        return bid.build();
    }

    private static List<Webhook> applicable(List<Webhook> webhooks, Trigger trigger, TagSet tags) {
        if (webhooks.isEmpty()) {
            return List.of();
        }
        List<Webhook> due = new ArrayList<>(webhooks.size());
        for (Webhook w : webhooks) {
            // a disabled webhook fires nothing (410 Gone, sustained failure, its owner), on a ping as after a call
            if (w.trigger() == trigger && w.disabled().isEmpty() && w.matches().matches(tags)) {
                due.add(w);
            }
        }
        return due;
    }

    private static WebhookDispatcher.Context context(Ping ping, TagSet tags) {
        return new WebhookDispatcher.Context(
                ping.account(), Optional.empty(), ping.uuid(), Optional.empty(), tags, Optional.empty());
    }

    private static RtbPing.Passthrough summary(WebhookDispatcher.Fired fired) {
        String status = fired.pixel()
                .status()
                .map(String::valueOf)
                .orElseGet(() -> fired.pixel().errorKind().orElse("error"));
        return new RtbPing.Passthrough(
                fired.webhook().id(),
                fired.webhook().name(),
                status,
                fired.pixel().elapsedMillis(),
                fired.responseTags().asMap());
    }

    /**
     * What the campaign's criteria say a buyer pays for the call, given the tags with the buyer selected: its bid, or
     * the criterion's revenue.
     */
    private static Optional<Money> revenue(List<ConversionCriterion> criteria, TagSet withBuyer) {
        return ConversionPolicy.select(criteria, withBuyer)
                .flatMap(c ->
                        ConversionPolicy.amounts(c, withBuyer, Optional.empty()).revenue());
    }

    /** The tags once {@code buyer} is selected: {@code system_buyer_id} and {@code handler_id}. */
    static TagSet withBuyer(TagSet tags, Buyer buyer) {
        // the two keys read over the tags, not a copy of them: one for each buyer considered, on every ping
        String id = Long.toString(buyer.id());
        return tags.replacingAll(TagSet.builder()
                .add("system_buyer_id", id)
                .add("handler_id", buyer.cid().orElse(id))
                .build());
    }

    private static RtbPing.ConsideredBuyer excluded(Buyer buyer, RtbStatus status, String reason) {
        return new RtbPing.ConsideredBuyer(buyer.id(), buyer.name(), false, Optional.of(status), reason);
    }

    /** The word of the status table for why routing left a buyer out. */
    static RtbStatus statusOf(SkipReason reason) {
        return switch (reason) {
            case SkipReason.Paused paused -> RtbStatus.TARGETS_PAUSED;
            case SkipReason.Closed closed -> RtbStatus.TARGETS_CLOSED;
            case SkipReason.Capped capped ->
                capped.concurrency() ? RtbStatus.TARGET_SIMULCAPPED : RtbStatus.TARGET_DISQUALIFIED_BY_CAP;
            case SkipReason.Filtered filtered -> RtbStatus.TARGET_DISQUALIFIED;
            case SkipReason.CallerListed listed -> RtbStatus.TARGET_DISQUALIFIED;
            case SkipReason.RepeatCaller repeat -> RtbStatus.TARGET_DISQUALIFIED;
        };
    }
}
