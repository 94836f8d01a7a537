package org.switchboard.webhook;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.switchboard.call.CallRepository;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.http.JsonFields;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;

/**
 * The post-call webhook outbox through the admin API.
 *
 * <pre>
 * GET  /api/v2/webhook_deliveries                 filters webhook_id, call_uuid, state, from, to (created)
 * GET  /api/v2/webhook_deliveries/{id}            one delivery with every attempt (its fired pixels)
 * POST /api/v2/webhook_deliveries/{id}/replay     {"new_webhook_id": false}: send it again from the schedule's start
 * POST /api/v2/webhooks/{id}/replay               {"from", "to", "new_webhook_id"}: every failed delivery in range
 * </pre>
 */
public final class DeliveryRoutes {
    private final DeliveryRepository deliveries;
    private final WebhookRepository webhooks;
    private final FiredPixelRepository pixels;
    private final DeliveryWorker worker;
    private final CallRepository calls;
    private final Function<ServerRequest, AccountId> auth;

    public DeliveryRoutes(
            DeliveryRepository deliveries,
            WebhookRepository webhooks,
            FiredPixelRepository pixels,
            DeliveryWorker worker,
            CallRepository calls,
            Function<ServerRequest, AccountId> auth) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.pixels = pixels;
        this.worker = worker;
        this.calls = calls;
        this.auth = auth;
    }

    /** A delivery with its attempts, oldest first. */
    record DeliveryWithAttempts(FiredPixelRoutes.DeliveryOut delivery, List<FiredPixelRoutes.PixelOut> attempts) {}

    /** What a replay of a webhook's failed deliveries queued. */
    record Replayed(int replayed, List<Long> deliveryIds) {}

    public void register(HttpRules rules) {
        rules.get("/api/v2/webhook_deliveries", (req, res) -> {
            AccountId account = auth.apply(req);
            PageRequest page = Http.pageRequest(req);
            Optional<Long> callId = Http.query(req, "call_uuid")
                    .map(uuid -> calls.find(account, uuid)
                            .orElseThrow(() -> new Problem.Invalid("call_uuid", "no call with uuid " + uuid))
                            .id());
            Optional<Delivery.State> state = Http.query(req, "state")
                    .map(word -> Delivery.State.fromWord(word)
                            .orElseThrow(() -> new Problem.Invalid(
                                    "state", "must be pending, retrying, delivered, failed or cancelled")));
            var filter = new DeliveryRepository.Filter(
                    Http.idQuery(req, "webhook_id"),
                    callId,
                    state,
                    Http.query(req, "from").map(raw -> Http.parseFrom("from", raw)),
                    Http.query(req, "to").map(raw -> Http.parseTo("to", raw)));
            Http.page(req, res, page, deliveries.list(account, filter, page).map(FiredPixelRoutes.DeliveryOut::of));
        });
        rules.get("/api/v2/webhook_deliveries/{id}", (req, res) -> {
            AccountId account = auth.apply(req);
            Delivery delivery = require(req, account);
            Http.ok(res, withAttempts(account, delivery));
        });
        rules.post("/api/v2/webhook_deliveries/{id}/replay", (req, res) -> {
            AccountId account = auth.apply(req);
            long id = Http.pathId(req, "id", "webhook delivery");
            JsonFields fields = fields(req);
            boolean newId = fields.bool("new_webhook_id", false);
            fields.finish();
            Http.send(res, Status.ACCEPTED_202, withAttempts(account, worker.replay(account, id, newId)));
        });
        rules.post("/api/v2/webhooks/{id}/replay", (req, res) -> {
            AccountId account = auth.apply(req);
            long id = Http.pathId(req, "id", "webhook");
            if (webhooks.find(account, id).isEmpty()) {
                throw new Problem.NotFound("no webhook with id " + id);
            }
            JsonFields fields = fields(req);
            Instant from = Http.parseFrom("from", fields.requiredText("from", 40));
            Instant to = Http.parseTo("to", fields.requiredText("to", 40));
            boolean newIds = fields.bool("new_webhook_id", false);
            fields.finish();
            List<Long> replayed = worker.replayFailed(account, id, from, to, newIds);
            Http.send(res, Status.ACCEPTED_202, new Replayed(replayed.size(), replayed));
        });
    }

    private DeliveryWithAttempts withAttempts(AccountId account, Delivery delivery) {
        return new DeliveryWithAttempts(
                FiredPixelRoutes.DeliveryOut.of(delivery),
                pixels.forDelivery(account, delivery.id()).stream()
                        .map(FiredPixelRoutes.PixelOut::of)
                        .toList());
    }

    private static JsonFields fields(ServerRequest req) {
        return new JsonFields(req.content().hasEntity() ? Http.jsonObject(req) : Json.MAPPER.createObjectNode());
    }

    private Delivery require(ServerRequest req, AccountId account) {
        long id = Http.pathId(req, "id", "webhook delivery");
        return deliveries
                .find(account, id)
                .orElseThrow(() -> new Problem.NotFound("no webhook delivery with id " + id));
    }
}
