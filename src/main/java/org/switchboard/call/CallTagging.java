package org.switchboard.call;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
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

    /** The tags a call starts with, source by source (see the class comment for the order). */
    TagTrail initialTags(
            AccountId account,
            Campaign campaign,
            TrackingNumber number,
            Source source,
            String callerNumber,
            Instant now) {
        TagTrail trail = new TagTrail(TagSet.empty(), now);
        trail.apply("campaign " + campaign.name(), tags -> tags.withAll(campaign.tags()));
        Optional<Publisher> publisher = source.publisherId().flatMap(id -> publishers.find(account, id));
        publisher.ifPresent(p -> {
            Set<String> publisherId = Set.of(p.cid().orElse(Long.toString(p.id())));
            trail.apply(
                    "publisher " + p.name(),
                    tags -> tags.withAll(p.tags())
                            .replacing("publisher_id", publisherId)
                            .replacing("source_id", publisherId));
        });
        if (source.numberTags()) {
            trail.apply("tracking number " + number.number(), tags -> tags.withAll(number.tags()));
        }
        trail.apply(
                "the call",
                tags -> tags.replacing("campaign_id", Set.of(Long.toString(campaign.id())))
                        .replacing("caller_number", Set.of(callerNumber))
                        .replacing("caller_id", Set.of(callerNumber))
                        .replacing("tracking_number", Set.of(number.number())));
        trail.apply("the caller's area", tags -> tags.withAll(geo.tagsFor(callerNumber)));
        trail.apply(
                "data written for the caller before the call",
                tags -> tags.withAll(cachedTags.takeFor(account, callerNumber, source.publisherId())));
        return trail;
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
