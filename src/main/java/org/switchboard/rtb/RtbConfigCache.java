package org.switchboard.rtb;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.switchboard.account.AccountRepository;
import org.switchboard.account.Feature;
import org.switchboard.buyer.Buyer;
import org.switchboard.buyer.BuyerGroup;
import org.switchboard.buyer.BuyerGroupRepository;
import org.switchboard.buyer.BuyerRepository;
import org.switchboard.callerlist.CallerList;
import org.switchboard.callerlist.CallerListRepository;
import org.switchboard.campaign.Campaign;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.conversion.ConversionCriterion;
import org.switchboard.conversion.ConversionCriterionRepository;
import org.switchboard.number.TrackingNumber;
import org.switchboard.number.TrackingNumberRepository;
import org.switchboard.platform.config.ConfigCache;
import org.switchboard.platform.config.ConfigChange;
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.secret.Secrets;
import org.switchboard.postback.PostbackKey;
import org.switchboard.postback.PostbackKeyRepository;
import org.switchboard.publisher.Publisher;
import org.switchboard.publisher.PublisherRepository;
import org.switchboard.webhook.Webhook;
import org.switchboard.webhook.WebhookRepository;

/**
 * The configuration an RTB ping needs, held in memory so the ping path does no SQL: postback keys by digest, each
 * account's features and publishers, each campaign's numbers, buyers with their groups and caller lists, webhooks and
 * conversion criteria, and the numbers on caller lists (as sorted arrays of digits: 8 bytes a number).
 *
 * <p>Freshness: the cache listens to {@link ConfigChanges} (this node's writes, and other nodes' through Redis) and
 * drops only what a change touches ({@link #changed}): a key change that key (and the memory of unknown keys), a
 * campaign change that campaign and its numbers, a buyer, group, webhook or criterion change the campaigns holding
 * it, a caller-list change that list's numbers, a publisher or account change that account's features and
 * publishers, a number change that number, its account's publishers' campaigns and the campaigns holding it. When
 * changes may have been missed it drops everything. An entry older than {@code maxAge} (a safety net for a change
 * that never arrived; zero for none) is served once more and reloaded in the background.
 */
public final class RtbConfigCache implements AutoCloseable {
    private static final PageRequest ALL = new PageRequest(1, 1_000_000);
    /**
     * Bounds the memory of unknown keys (remembered so a flood of them does not reach SQL once per request); they are
     * kept apart from the valid keys, so such a flood can never push a valid key out.
     */
    static final int MAX_UNKNOWN_KEYS = 100_000;

    /** The repositories the cache loads from. */
    public record Sources(
            AccountRepository accounts,
            PostbackKeyRepository keys,
            CampaignRepository campaigns,
            PublisherRepository publishers,
            TrackingNumberRepository numbers,
            BuyerRepository buyers,
            BuyerGroupRepository groups,
            CallerListRepository callerLists,
            WebhookRepository webhooks,
            ConversionCriterionRepository criteria) {}

    /** A caller list as routing reads it: its id (for its numbers), name and behaviour. */
    public record ListMeta(long id, String name, CallerList.Behaviour behaviour) {}

    /** An account's features and publishers (by id and by cid), and which campaigns each publisher's numbers serve. */
    public record AccountConfig(
            Set<Feature> features,
            Map<Long, Publisher> publishersById,
            Map<String, Publisher> publishersByCid,
            Map<Long, List<Long>> publisherCampaigns) {

        /** The publisher a ping names by cid or by id. */
        public Optional<Publisher> publisher(String named) {
            Publisher byCid = publishersByCid.get(named);
            if (byCid != null) {
                return Optional.of(byCid);
            }
            try {
                return Optional.ofNullable(publishersById.get(Long.parseLong(named)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** Everything of one campaign a ping reads. */
    public record CampaignConfig(
            Campaign campaign,
            List<TrackingNumber> numbers,
            List<Buyer> buyers,
            Map<Long, List<BuyerGroup>> groupsByBuyer,
            List<ListMeta> campaignLists,
            Map<Long, List<ListMeta>> buyerLists,
            List<Webhook> webhooks,
            Map<Long, List<Webhook>> numberWebhooks,
            Map<Long, List<Webhook>> buyerWebhooks,
            List<ConversionCriterion> criteria) {

        public Optional<Buyer> buyer(long id) {
            return buyers.stream().filter(b -> b.id() == id).findFirst();
        }

        /** Whether the webhook is the campaign's, one of its numbers' or one of its buyers'. */
        boolean holdsWebhook(long id) {
            return Stream.of(List.of(webhooks), numberWebhooks.values(), buyerWebhooks.values())
                    .flatMap(Collection::stream)
                    .flatMap(List::stream)
                    .anyMatch(w -> w.id() == id);
        }
    }

    private final Sources sources;
    private final ConfigCache<String, Optional<PostbackKey>> digestToKey;
    private final ConfigCache<Long, AccountConfig> accountToConfig;
    private final ConfigCache<Long, Optional<CampaignConfig>> campaignToConfig;
    private final ConfigCache<String, Optional<TrackingNumber>> numberToTracking;
    private final ConfigCache<Long, long[]> listToNumbers;

    /** Builds the cache and has it follow {@code changes}. */
    public RtbConfigCache(Sources sources, ConfigChanges changes, Clock clock, Duration maxAge) {
        this.sources = sources;
        Executor refresher =
                task -> Thread.ofVirtual().name("rtb-config-refresh").start(task);
        // unknown keys and numbers come from the pings themselves: remembered apart and bounded, so a flood of them
        // neither reaches SQL once per ping nor pushes a valid one out
        this.digestToKey = new ConfigCache<>(Optional::isEmpty, 0, MAX_UNKNOWN_KEYS, maxAge, clock, refresher);
        this.accountToConfig = new ConfigCache<>(c -> false, 0, 0, maxAge, clock, refresher);
        this.campaignToConfig = new ConfigCache<>(c -> false, 0, 0, maxAge, clock, refresher);
        this.numberToTracking = new ConfigCache<>(Optional::isEmpty, 0, MAX_UNKNOWN_KEYS, maxAge, clock, refresher);
        this.listToNumbers = new ConfigCache<>(n -> false, 0, 0, maxAge, clock, refresher);
        changes.listen(new ConfigChanges.Listener() {
            @Override
            public void changed(ConfigChange change) {
                RtbConfigCache.this.changed(change);
            }

            @Override
            public void everythingMayHaveChanged() {
                clear();
            }
        });
    }

    /** Drops what {@code change} touches, and nothing else. */
    void changed(ConfigChange change) {
        long id = change.id();
        switch (change.kind()) {
            case POSTBACK_KEY -> {
                digestToKey.removeIf((digest, key) -> key.map(k -> k.id() == id).orElse(false));
                digestToKey.forgetAbsent(); // the key may be new
            }
            case ACCOUNT, PUBLISHER -> accountToConfig.remove(change.account().value());
            case CAMPAIGN -> {
                campaignToConfig.remove(id);
                numberToTracking.removeIf(
                        (e164, n) -> n.map(number -> number.campaignId() == id).orElse(false));
            }
            case TRACKING_NUMBER -> {
                numberToTracking.removeIf(
                        (e164, n) -> n.map(number -> number.id() == id).orElse(false));
                numberToTracking.forgetAbsent(); // the number may be new
                accountToConfig.remove(change.account().value()); // which campaigns its publisher serves
                campaignToConfig.removeIf((campaign, c) -> c.map(
                                config -> config.numbers().stream().anyMatch(n -> n.id() == id))
                        .orElse(false));
            }
            case BUYER ->
                campaignToConfig.removeIf(
                        (campaign, c) -> c.flatMap(config -> config.buyer(id)).isPresent());
            case BUYER_GROUP ->
                campaignToConfig.removeIf((campaign, c) -> c.map(config -> config.groupsByBuyer().values().stream()
                                .flatMap(List::stream)
                                .anyMatch(g -> g.id() == id))
                        .orElse(false));
            case CALLER_LIST -> listToNumbers.remove(id);
            case WEBHOOK ->
                campaignToConfig.removeIf((campaign, c) ->
                        c.map(config -> config.holdsWebhook(id)).orElse(false));
            case CRITERION ->
                campaignToConfig.removeIf((campaign, c) -> c.map(
                                config -> config.criteria().stream().anyMatch(criterion -> criterion.id() == id))
                        .orElse(false));
            case API_KEY -> {
                // pings are keyed by postback keys; API keys are the account repository's own cache
            }
        }
    }

    /** Drops everything (changes may have been missed). */
    void clear() {
        digestToKey.clear();
        accountToConfig.clear();
        campaignToConfig.clear();
        numberToTracking.clear();
        listToNumbers.clear();
    }

    /** The postback key with this SHA-256 digest (constant-time compared when loaded), or empty. */
    public Optional<PostbackKey> key(String presented) {
        String digest = Secrets.digest(presented);
        return digestToKey.get(digest, () -> sources.keys().findByKey(presented));
    }

    /** How many valid keys are held (tests: a flood of unknown ones must not push them out). */
    int keysHeld() {
        return digestToKey.size();
    }

    public AccountConfig account(AccountId account) {
        return accountToConfig.get(account.value(), () -> loadAccount(account));
    }

    public Optional<CampaignConfig> campaign(AccountId account, long campaignId) {
        return campaignToConfig
                .get(campaignId, () -> loadCampaign(account, campaignId))
                .filter(c -> c.campaign().accountId().equals(account));
    }

    /** The tracking number with this E.164 form, in whatever account holds it. */
    public Optional<TrackingNumber> trackingNumber(String e164) {
        return numberToTracking.get(e164, () -> sources.numbers().findByNumber(e164));
    }

    /** Whether the caller is on the list; {@code callerNumber} is E.164. */
    public boolean listed(long listId, String callerNumber) {
        long[] numbers = listToNumbers.get(listId, () -> loadList(listId));
        long wanted = digits(callerNumber);
        return wanted >= 0 && Arrays.binarySearch(numbers, wanted) >= 0;
    }

    /** An E.164 number as a long ({@code +13125550147} is 13125550147), or -1 when it is not one. */
    static long digits(String e164) {
        if (e164 == null || e164.length() < 2 || e164.length() > 16 || e164.charAt(0) != '+') {
            return -1;
        }
        long value = 0;
        for (int i = 1; i < e164.length(); i++) {
            char c = e164.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private AccountConfig loadAccount(AccountId account) {
        Set<Feature> features =
                sources.accounts().find(account).map(a -> a.features()).orElse(Set.of());
        Map<Long, Publisher> byId = new HashMap<>();
        Map<String, Publisher> byCid = new HashMap<>();
        for (Publisher p : sources.publishers().list(account, ALL).items()) {
            byId.put(p.id(), p);
            p.cid().ifPresent(cid -> byCid.put(cid, p));
        }
        Map<Long, List<Long>> publisherCampaigns = new HashMap<>();
        for (TrackingNumber n : sources.numbers()
                .list(account, Optional.empty(), Optional.empty(), ALL)
                .items()) {
            n.publisherId().ifPresent(p -> {
                List<Long> campaigns = publisherCampaigns.computeIfAbsent(p, k -> new ArrayList<>());
                if (!campaigns.contains(n.campaignId())) {
                    campaigns.add(n.campaignId());
                }
            });
        }
        return new AccountConfig(
                Set.copyOf(features), Map.copyOf(byId), Map.copyOf(byCid), Map.copyOf(publisherCampaigns));
    }

    private Optional<CampaignConfig> loadCampaign(AccountId account, long campaignId) {
        Optional<Campaign> campaign = sources.campaigns().find(account, campaignId);
        if (campaign.isEmpty()) {
            return Optional.empty();
        }
        List<TrackingNumber> numbers = sources.numbers()
                .list(account, Optional.of(campaignId), Optional.empty(), ALL)
                .items();
        List<Buyer> buyers = sources.buyers().forCampaign(account, campaignId);
        List<Long> buyerIds = buyers.stream().map(Buyer::id).toList();
        Map<Long, List<BuyerGroup>> groups = sources.groups().groupsOf(account, buyerIds);
        List<ListMeta> campaignLists =
                sources.callerLists().listsOf(account, CallerList.Owner.CAMPAIGN, List.of(campaignId)).stream()
                        .map(l -> new ListMeta(l.id(), l.name(), l.behaviour()))
                        .toList();
        Map<Long, List<ListMeta>> buyerLists = new HashMap<>();
        for (CallerList l : sources.callerLists().listsOf(account, CallerList.Owner.BUYER, buyerIds)) {
            buyerLists
                    .computeIfAbsent(l.ownerId(), k -> new ArrayList<>())
                    .add(new ListMeta(l.id(), l.name(), l.behaviour()));
        }
        Map<Long, List<Webhook>> numberWebhooks = new HashMap<>();
        for (TrackingNumber n : numbers) {
            if (n.webhooksUnlocked()) {
                numberWebhooks.put(n.id(), sources.webhooks().ofOwner(account, Webhook.Owner.NUMBER, n.id()));
            }
        }
        Map<Long, List<Webhook>> buyerWebhooks = new HashMap<>();
        for (long buyerId : buyerIds) {
            buyerWebhooks.put(buyerId, sources.webhooks().ofOwner(account, Webhook.Owner.BUYER, buyerId));
        }
        return Optional.of(new CampaignConfig(
                campaign.get(),
                List.copyOf(numbers),
                List.copyOf(buyers),
                Map.copyOf(groups),
                campaignLists,
                Map.copyOf(buyerLists),
                sources.webhooks().ofOwner(account, Webhook.Owner.CAMPAIGN, campaignId),
                Map.copyOf(numberWebhooks),
                Map.copyOf(buyerWebhooks),
                sources.criteria().listFor(account, ConversionCriterion.Owner.CAMPAIGN, campaignId)));
    }

    private long[] loadList(long listId) {
        return sources.callerLists().allNumbers(listId).stream()
                .mapToLong(RtbConfigCache::digits)
                .filter(d -> d >= 0)
                .sorted()
                .toArray();
    }

    @Override
    public void close() {
        // background reloads run on virtual threads of their own and end with their read
    }
}
