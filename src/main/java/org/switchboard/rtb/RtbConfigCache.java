package org.switchboard.rtb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
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
import org.switchboard.platform.config.ConfigChanges;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
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
 * <p>Freshness: an entry loaded before this node's last configuration change ({@link ConfigChanges}) is reloaded on
 * its next use, so a write through this node (a deleted key, a paused buyer) counts for the very next ping. An entry
 * older than {@code maxAge} is served once more and reloaded in the background, which bounds how long a change made
 * on another node takes to arrive. Caller-list numbers follow the same rules, keyed on caller-list changes: a
 * suppression list changed on another node must count within {@code maxAge} too.
 */
public final class RtbConfigCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RtbConfigCache.class.getName());
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
    }

    /** A loaded entry; {@code refreshing} is set while one background reload of it runs. */
    private record Loaded<T>(T value, long generation, Instant loadedAt, AtomicBoolean refreshing) {
        Loaded(T value, long generation, Instant loadedAt) {
            this(value, generation, loadedAt, new AtomicBoolean());
        }
    }

    private final Sources sources;
    private final ConfigChanges changes;
    private final Clock clock;
    private final Duration maxAge;
    private final Cache<String, Optional<PostbackKey>> digestToKey = new Cache<>();
    private final Cache<String, Boolean> unknownDigests = new Cache<>();
    private final Cache<Long, AccountConfig> accountToConfig = new Cache<>();
    private final Cache<Long, Optional<CampaignConfig>> campaignToConfig = new Cache<>();
    private final Cache<String, Optional<TrackingNumber>> numberToTracking = new Cache<>();
    private final Cache<Long, long[]> listToNumbers = new Cache<>();

    /**
     * One kind of entry: what is loaded, and the loads under way, so that many pings missing one entry together wait
     * for a single load of it instead of each querying SQL.
     */
    private static final class Cache<K, T> {
        final Map<K, Loaded<T>> entries = new ConcurrentHashMap<>();
        final Map<K, java.util.concurrent.CompletableFuture<T>> loading = new ConcurrentHashMap<>();
    }

    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public RtbConfigCache(Sources sources, ConfigChanges changes, Clock clock, Duration maxAge) {
        this.sources = sources;
        this.changes = changes;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** The postback key with this SHA-256 digest (constant-time compared when loaded), or empty. */
    public Optional<PostbackKey> key(String presented) {
        String digest = org.switchboard.platform.secret.Secrets.digest(presented);
        long generation = changes.configuration();
        Loaded<Boolean> unknown = unknownDigests.entries.get(digest);
        if (unknown != null && unknown.generation() == generation) {
            return Optional.empty(); // a key created since would have changed the generation
        }
        Optional<PostbackKey> found =
                fresh(digestToKey, digest, generation, () -> sources.keys().findByKey(presented));
        if (found.isEmpty()) {
            digestToKey.entries.remove(digest);
            if (unknownDigests.entries.size() >= MAX_UNKNOWN_KEYS) {
                unknownDigests.entries.clear();
            }
            unknownDigests.entries.put(digest, new Loaded<>(true, generation, clock.instant()));
        }
        return found;
    }

    /** How many valid keys are held (tests: a flood of unknown ones must not push them out). */
    int keysHeld() {
        return digestToKey.entries.size();
    }

    public AccountConfig account(AccountId account) {
        return fresh(accountToConfig, account.value(), changes.configuration(), () -> loadAccount(account));
    }

    public Optional<CampaignConfig> campaign(AccountId account, long campaignId) {
        return fresh(campaignToConfig, campaignId, changes.configuration(), () -> loadCampaign(account, campaignId))
                .filter(c -> c.campaign().accountId().equals(account));
    }

    /** The tracking number with this E.164 form, in whatever account holds it. */
    public Optional<TrackingNumber> trackingNumber(String e164) {
        return fresh(
                numberToTracking,
                e164,
                changes.configuration(),
                () -> sources.numbers().findByNumber(e164));
    }

    /** Whether the caller is on the list; {@code callerNumber} is E.164. */
    public boolean listed(long listId, String callerNumber) {
        long[] numbers = fresh(listToNumbers, listId, changes.callerLists(), () -> loadList(listId));
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

    private <K, T> T fresh(Cache<K, T> cache, K key, long generation, Supplier<T> loader) {
        Map<K, Loaded<T>> map = cache.entries;
        Loaded<T> loaded = map.get(key);
        Instant now = clock.instant();
        if (loaded == null || loaded.generation() != generation) {
            return loadOnce(cache, key, generation, loader);
        }
        Loaded<T> stale = loaded;
        if (Duration.between(loaded.loadedAt(), now).compareTo(maxAge) > 0
                && stale.refreshing().compareAndSet(false, true)) {
            // another node may have changed it: serve this once more and reload in the background (the new entry
            // starts not refreshing; a failed reload lets the next use try again)
            background.execute(() -> {
                try {
                    map.put(key, new Loaded<>(loader.get(), generation, clock.instant()));
                } catch (RuntimeException e) {
                    stale.refreshing().set(false);
                    LOG.log(Level.WARNING, "reloading RTB configuration failed; the previous copy stays", e);
                }
            });
        }
        return loaded.value();
    }

    /** Loads a missing entry; a thread that finds the same entry being loaded waits for that load instead. */
    private <K, T> T loadOnce(Cache<K, T> cache, K key, long generation, Supplier<T> loader) {
        var mine = new java.util.concurrent.CompletableFuture<T>();
        var running = cache.loading.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        try {
            T value = loader.get();
            cache.entries.put(key, new Loaded<>(value, generation, clock.instant()));
            mine.complete(value);
            return value;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            cache.loading.remove(key, mine);
        }
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
        background.close();
    }
}
