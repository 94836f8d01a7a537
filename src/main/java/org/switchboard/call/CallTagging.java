package org.switchboard.call;

import java.time.Instant;
import java.util.Optional;
import org.switchboard.campaign.Campaign;
import org.switchboard.number.TrackingNumber;
import org.switchboard.platform.id.AccountId;
import org.switchboard.publisher.Publisher;
import org.switchboard.publisher.PublisherRepository;
import org.switchboard.routing.RepeatCaller;
import org.switchboard.tag.GeoTagger;
import org.switchboard.tag.SystemTags;
import org.switchboard.tag.TagSet;

/**
 * The tags a call starts with, and what is known of the caller's earlier calls.
 *
 * <p>Tags, later sources adding to earlier ones: the campaign's tags; the publisher's tags; the tracking number's
 * tags (see {@link Source}); system tags ({@code campaign_id}, {@code publisher_id} and {@code source_id} (the publisher's customer id,
 * else its id), {@code caller_number}, {@code caller_id}, {@code tracking_number}); geo tags of the caller number;
 * tags written for this caller before the call (the data-writing cache); and for a repeat caller on a campaign with
 * repeat-caller handling, the tags of the previous call plus {@code repeat_caller:true}.
 */
public final class CallTagging {
    private final PublisherRepository publishers;
    private final GeoTagger geo;
    private final CallerTagSource cachedTags;
    private final CallRepository calls;

    public CallTagging(
            PublisherRepository publishers, GeoTagger geo, CallerTagSource cachedTags, CallRepository calls) {
        this.publishers = publishers;
        this.geo = geo;
        this.cachedTags = cachedTags;
        this.calls = calls;
    }

    /**
     * Whose call it is and whether it takes its tracking number's tags: the number's publisher and tags, unless the
     * call claims an RTB reservation, which brings the publisher that pinged (and none of the number's tags when the
     * ping named the number).
     */
    record Source(Optional<Long> publisherId, boolean numberTags) {
        static Source of(TrackingNumber number) {
            return new Source(number.publisherId(), true);
        }
    }

    /** The tags of a call arriving on {@code number} for {@code campaign} from {@code source}. */
    TagSet initialTags(
            AccountId account, Campaign campaign, TrackingNumber number, Source source, String callerNumber) {
        TagSet.Builder tags = TagSet.builder().addAll(campaign.tags());
        Optional<Publisher> publisher = source.publisherId().flatMap(id -> publishers.find(account, id));
        publisher.ifPresent(p -> {
            tags.addAll(p.tags());
            String publisherId = p.cid().orElse(Long.toString(p.id()));
            tags.remove("publisher_id").add("publisher_id", publisherId);
            tags.remove("source_id").add("source_id", publisherId);
        });
        if (source.numberTags()) {
            tags.addAll(number.tags());
        }
        tags.remove("campaign_id").add("campaign_id", Long.toString(campaign.id()));
        tags.remove("caller_number").add("caller_number", callerNumber);
        tags.remove("caller_id").add("caller_id", callerNumber);
        tags.remove("tracking_number").add("tracking_number", number.number());
        tags.addAll(geo.tagsFor(callerNumber));
        tags.addAll(cachedTags.takeFor(account, callerNumber, source.publisherId()));
        return tags.build();
    }

    /** What the campaign's repeat-caller rules make of the caller's earlier calls within its window. */
    Repeat repeat(AccountId account, Campaign campaign, String callerNumber, String callUuid, Instant now) {
        Instant since = now.minusSeconds(campaign.repeatCallerWindowSeconds());
        Optional<Call> previous = calls.previousCall(account, campaign.id(), callerNumber, since, callUuid);
        var recent = calls.buyersThatTookCaller(account, callerNumber, since);
        RepeatCaller repeat = new RepeatCaller(
                calls.previousConnectedBuyer(account, campaign.id(), callerNumber, since, callUuid),
                campaign.repeatCallerHandling(),
                campaign.repeatCallersToNewBuyer(),
                recent);
        TagSet carried = TagSet.empty();
        if (previous.isPresent() && campaign.repeatCallerHandling()) {
            TagSet.Builder builder = previous.get().tags().toBuilder();
            SystemTags.CALL_FLOW.forEach(builder::remove);
            carried = builder.add("repeat_caller", "true").build();
        }
        return new Repeat(repeat, carried, previous.isPresent());
    }

    /** The routing view of a caller's history, the tags carried over, and whether this is a repeat call at all. */
    record Repeat(RepeatCaller routing, TagSet carriedTags, boolean repeatCall) {}
}
