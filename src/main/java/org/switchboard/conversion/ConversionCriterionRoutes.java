package org.switchboard.conversion;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.money.Money;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.PartyTerms;

/**
 * Conversion criteria through the admin API.
 *
 * <pre>
 * /api/v2/{campaigns|buyers}/{owner_id}/conversion_criteria   one owner's criteria in judging order: GET, POST
 * /api/v2/conversion_criteria/{id}                            any criterion of the account: GET, PUT/PATCH, DELETE
 * </pre>
 *
 * Updates take any subset of fields: the stored criterion is rendered, the sent fields laid over it and the result
 * checked like a create; {@code trigger}, {@code revenue} and {@code payout} are replaced whole when sent. Sending
 * {@code position} moves the criterion and renumbers the rest. Amounts are read from the body without passing
 * through {@code double}, so a JSON number such as 0.1234565 is kept exactly.
 */
public final class ConversionCriterionRoutes {
    private static final ObjectReader EXACT =
            Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final ConversionCriterionRepository criteria;
    private final PartyTerms parties;
    private final Function<ServerRequest, AccountId> auth;

    public ConversionCriterionRoutes(
            ConversionCriterionRepository criteria, PartyTerms parties, Function<ServerRequest, AccountId> auth) {
        this.criteria = criteria;
        this.parties = parties;
        this.auth = auth;
    }

    /** The wire form; {@code trigger}, {@code revenue} and {@code payout} are objects with a {@code type}. */
    record CriterionOut(
            long id,
            String ownerType,
            long ownerId,
            int position,
            String name,
            List<String> matches,
            Map<String, Object> trigger,
            Map<String, Object> revenue,
            Map<String, Object> payout,
            int duplicateWindowSeconds,
            String createdAt,
            String updatedAt) {
        static CriterionOut of(ConversionCriterion c) {
            return new CriterionOut(
                    c.id(),
                    c.owner().stored(),
                    c.ownerId(),
                    c.position(),
                    c.name(),
                    c.matches().asStrings(),
                    trigger(c.trigger()),
                    revenue(c.revenue()),
                    payout(c.payout()),
                    c.duplicateWindowSeconds(),
                    c.createdAt().toString(),
                    c.updatedAt().toString());
        }

        private static Map<String, Object> trigger(Trigger trigger) {
            Map<String, Object> out = typed(trigger.word());
            switch (trigger) {
                case Trigger.Duration d -> {
                    out.put("seconds", d.seconds().isPresent() ? d.seconds().getAsInt() : null);
                    out.put("seconds_tag", d.secondsTag().orElse(null));
                }
                case Trigger.Postback p -> out.put("timeout_seconds", p.timeoutSeconds());
            }
            return out;
        }

        private static Map<String, Object> revenue(RevenueRule revenue) {
            Map<String, Object> out = typed(revenue.word());
            switch (revenue) {
                case RevenueRule.Static s -> out.put("amount", s.amount().toBigDecimal());
                case RevenueRule.Posted _ -> {}
                case RevenueRule.FromTag t -> out.put("tag", t.key());
            }
            return out;
        }

        private static Map<String, Object> payout(PayoutRule payout) {
            Map<String, Object> out = typed(payout.word());
            switch (payout) {
                case PayoutRule.Static s -> out.put("amount", s.amount().toBigDecimal());
                case PayoutRule.PercentOfRevenue p -> out.put("percent", Money.plain(p.percent()));
                case PayoutRule.FromTag t -> out.put("tag", t.key());
                case PayoutRule.Modifier m -> out.put("modifier", m.modifier().toString());
            }
            return out;
        }

        private static Map<String, Object> typed(String type) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", type);
            return out;
        }
    }

    public void register(
            HttpRules rules, BiPredicate<AccountId, Long> campaignExists, BiPredicate<AccountId, Long> buyerExists) {
        ownerRoutes(rules, "campaigns", ConversionCriterion.Owner.CAMPAIGN, campaignExists);
        ownerRoutes(rules, "buyers", ConversionCriterion.Owner.BUYER, buyerExists);
        String item = "/api/v2/conversion_criteria/{id}";
        rules.get(item, (req, res) -> Http.ok(res, CriterionOut.of(require(req))));
        Handler update = (req, res) -> {
            Saved saved = update(require(req), body(req));
            Http.ok(res, Http.withWarnings(CriterionOut.of(saved.criterion()), saved.warnings()));
        };
        rules.put(item, update);
        rules.patch(item, update);
        rules.delete(item, (req, res) -> {
            delete(require(req));
            Http.noContent(res);
        });
    }

    private void ownerRoutes(
            HttpRules rules, String collection, ConversionCriterion.Owner owner, BiPredicate<AccountId, Long> exists) {
        String path = "/api/v2/" + collection + "/{owner_id}/conversion_criteria";
        rules.get(path, (req, res) -> {
            AccountId account = auth.apply(req);
            long ownerId = owner(req, account, owner, exists);
            PageRequest page = Http.pageRequest(req);
            Http.page(
                    req, res, page, criteria.page(account, owner, ownerId, page).map(CriterionOut::of));
        });
        rules.post(path, (req, res) -> {
            AccountId account = auth.apply(req);
            long ownerId = owner(req, account, owner, exists);
            Saved saved = create(account, owner, ownerId, body(req));
            Http.created(
                    res,
                    "/api/v2/conversion_criteria/" + saved.criterion().id(),
                    Http.withWarnings(CriterionOut.of(saved.criterion()), saved.warnings()));
        });
    }

    /** A criterion saved, with warnings about party terms of its matches that name no party yet. */
    public record Saved(ConversionCriterion criterion, List<String> warnings) {}

    /**
     * Creates a criterion from the API's JSON fields (the console's forms send the same): the one place they are
     * checked. The owner must exist (the caller checks); a 400 names the field at fault.
     */
    public Saved create(AccountId account, ConversionCriterion.Owner owner, long ownerId, ObjectNode body) {
        List<String> warnings = parties.normalize(account, body, "matches");
        ConversionCriterionIn in = ConversionCriterionIn.parse(body, owner);
        return new Saved(criteria.insert(account, owner, ownerId, in), warnings);
    }

    /** Updates {@code existing} with the fields given, laid over its current ones; checked as a create. */
    public Saved update(ConversionCriterion existing, ObjectNode changes) {
        ObjectNode merged = (ObjectNode) Json.tree(CriterionOut.of(existing));
        changes.properties().forEach(field -> merged.set(field.getKey(), field.getValue()));
        List<String> warnings = parties.normalize(existing.accountId(), merged, "matches");
        ConversionCriterionIn in = ConversionCriterionIn.parse(merged, existing.owner());
        return new Saved(criteria.update(existing.accountId(), existing.id(), in), warnings);
    }

    public void delete(ConversionCriterion existing) {
        criteria.delete(existing.accountId(), existing.id());
    }

    public Optional<ConversionCriterion> find(AccountId account, long id) {
        return criteria.find(account, id);
    }

    /** One owner's criteria in judging order (at most {@link PageRequest#MAX_PER_PAGE}). */
    public List<ConversionCriterion> ofOwner(AccountId account, ConversionCriterion.Owner owner, long ownerId) {
        return criteria.page(account, owner, ownerId, new PageRequest(1, PageRequest.MAX_PER_PAGE))
                .items();
    }

    /** The criterion as the API writes it (the console's edit form starts from it). */
    public static ObjectNode wire(ConversionCriterion criterion) {
        return (ObjectNode) Json.tree(CriterionOut.of(criterion));
    }

    private static long owner(
            ServerRequest req,
            AccountId account,
            ConversionCriterion.Owner owner,
            BiPredicate<AccountId, Long> exists) {
        long id = Http.pathId(req, "owner_id", owner.stored());
        if (!exists.test(account, id)) {
            throw new Problem.NotFound("no " + owner.stored() + " with id " + id);
        }
        return id;
    }

    private ConversionCriterion require(ServerRequest req) {
        AccountId account = auth.apply(req);
        long id = Http.pathId(req, "id", "conversion criterion");
        return criteria.find(account, id)
                .orElseThrow(() -> new Problem.NotFound("no conversion criterion with id " + id));
    }

    /** The body as a JSON object whose decimals are BigDecimal, not double (the shared reader's default). */
    private static ObjectNode body(ServerRequest req) {
        return Json.readObject(EXACT, Http.body(req));
    }
}
