package org.switchboard.number;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.switchboard.campaign.CampaignRepository;
import org.switchboard.platform.http.CrudRoutes;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;
import org.switchboard.publisher.PublisherRepository;
import org.switchboard.tag.TagSet;

/**
 * Tracking numbers through the admin API: the number is normalised to E.164 and unique across accounts; the campaign
 * and publisher it names must be the caller's own. Lists filter by {@code campaign_id} and {@code publisher_id}.
 */
public final class TrackingNumberService implements CrudRoutes.Resource<TrackingNumber> {
    private final TrackingNumberRepository numbers;
    private final CampaignRepository campaigns;
    private final PublisherRepository publishers;

    public TrackingNumberService(
            TrackingNumberRepository numbers, CampaignRepository campaigns, PublisherRepository publishers) {
        this.numbers = numbers;
        this.campaigns = campaigns;
        this.publishers = publishers;
    }

    record TrackingNumberOut(
            long id,
            String number,
            @Nullable String name,
            long campaignId,
            @Nullable Long publisherId,
            Map<String, List<String>> tags,
            boolean webhooksUnlocked,
            String createdAt,
            String updatedAt) {}

    @Override
    public String what() {
        return "tracking number";
    }

    @Override
    public long id(TrackingNumber value) {
        return value.id();
    }

    @Override
    public List<String> idFilters() {
        return List.of("campaign_id", "publisher_id");
    }

    @Override
    public Page<TrackingNumber> list(AccountId account, CrudRoutes.ListQuery query) {
        return numbers.list(account, query.id("campaign_id"), query.id("publisher_id"), query.page());
    }

    @Override
    public Optional<TrackingNumber> find(AccountId account, long id) {
        return numbers.find(account, id);
    }

    @Override
    public TrackingNumber create(AccountId account, ObjectNode body) {
        return numbers.insert(account, parse(account, body, 0));
    }

    @Override
    public TrackingNumber update(AccountId account, TrackingNumber existing, ObjectNode merged) {
        return numbers.update(account, existing.id(), parse(account, merged, existing.id()));
    }

    @Override
    public void delete(AccountId account, TrackingNumber existing) {
        numbers.delete(account, existing.id());
    }

    @Override
    public Object wire(TrackingNumber n) {
        return new TrackingNumberOut(
                n.id(),
                n.number(),
                n.name().orElse(null),
                n.campaignId(),
                n.publisherId().orElse(null),
                n.tags().asMap(),
                n.webhooksUnlocked(),
                n.createdAt().toString(),
                n.updatedAt().toString());
    }

    private TrackingNumberIn parse(AccountId account, ObjectNode body, long selfId) {
        JsonFields fields = new JsonFields(body, "id", "created_at", "updated_at", "webhooks_unlocked");
        String number = PhoneNumbers.requireE164("number", fields.requiredText("number", 40));
        var in = new TrackingNumberIn(
                number,
                fields.optionalText("name", 200),
                fields.requiredId("campaign_id"),
                fields.optionalId("publisher_id"),
                TagSet.parse("tags", fields.take("tags").orElse(null)));
        fields.finish();
        if (campaigns.find(account, in.campaignId()).isEmpty()) {
            throw new Problem.Invalid("campaign_id", "no campaign with id " + in.campaignId());
        }
        in.publisherId().ifPresent(publisherId -> {
            if (publishers.find(account, publisherId).isEmpty()) {
                throw new Problem.Invalid("publisher_id", "no publisher with id " + publisherId);
            }
        });
        if (numbers.numberTaken(number, selfId)) {
            throw new Problem.Conflict("number", number + " is already a tracking number");
        }
        return in;
    }
}
