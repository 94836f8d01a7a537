package org.switchboard.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.paging.Page;
import org.switchboard.platform.paging.PageRequest;
import org.switchboard.platform.problem.Problem;

/**
 * Fired pixels: {@code GET /api/v2/fired_pixels} (filters {@code webhook_id}, {@code status} as an HTTP status,
 * {@code ok} or {@code error}, {@code from}, {@code to}), {@code GET /api/v2/fired_pixels/{id}}, and a call's own at
 * {@code GET /api/v2/calls/{uuid}/fired_pixels} and, as a HAR 1.2 file for the partner's support, {@code
 * /api/v2/calls/{uuid}/fired_pixels.har}.
 */
public final class FiredPixelRoutes {
    private final FiredPixelRepository pixels;
    private final DeliveryRepository deliveries;
    private final CallRepository calls;
    private final Function<ServerRequest, AccountId> auth;

    public FiredPixelRoutes(
            FiredPixelRepository pixels,
            DeliveryRepository deliveries,
            CallRepository calls,
            Function<ServerRequest, AccountId> auth) {
        this.pixels = pixels;
        this.deliveries = deliveries;
        this.calls = calls;
        this.auth = auth;
    }

    record PixelOut(
            long id,
            @Nullable String callUuid,
            long webhookId,
            String webhookName,
            String trigger,
            boolean testFire,
            String method,
            String url,
            Map<String, String> requestHeaders,
            @Nullable String requestBody,
            @Nullable Integer status,
            Map<String, List<String>> responseHeaders,
            @Nullable String responseBody,
            String startedAt,
            long elapsedMs,
            @Nullable String error,
            @Nullable String errorDetail,
            List<String> missingTokens,
            Map<String, List<String>> tagsApplied,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            DeliveryOut delivery) {
        static PixelOut of(FiredPixel p) {
            return of(p, null, Optional.empty());
        }

        /** With the delivery the pixel was an attempt of, if any: its state now. */
        static PixelOut of(FiredPixel p, @Nullable String callUuid, Optional<Delivery> delivery) {
            return new PixelOut(
                    p.id(),
                    callUuid,
                    p.webhookId(),
                    p.webhookName(),
                    p.trigger().word(),
                    p.testFire(),
                    p.method(),
                    p.url(),
                    p.requestHeaders(),
                    p.requestBody().orElse(null),
                    p.status().orElse(null),
                    p.responseHeaders(),
                    p.responseBody().orElse(null),
                    p.startedAt().toString(),
                    p.elapsedMillis(),
                    p.errorKind().orElse(null),
                    p.errorDetail().orElse(null),
                    p.missingTokens(),
                    p.tagsApplied().asMap(),
                    delivery.map(DeliveryOut::of).orElse(null));
        }
    }

    /** A delivery as its pixels show it, and as the delivery API answers it. */
    record DeliveryOut(
            long id,
            long webhookId,
            String trigger,
            String webhookMessageId,
            String state,
            int attempts,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String nextAttemptAt,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Integer lastStatus,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String lastError,

            String createdAt,
            String updatedAt) {
        static DeliveryOut of(Delivery d) {
            return new DeliveryOut(
                    d.id(),
                    d.webhookId(),
                    d.trigger().word(),
                    d.messageId(),
                    d.state().word(),
                    d.attempts(),
                    d.nextAttemptAt()
                            .filter(at -> d.state() == Delivery.State.RETRYING)
                            .map(Object::toString)
                            .orElse(null),
                    d.lastStatus().orElse(null),
                    d.lastError().orElse(null),
                    d.createdAt().toString(),
                    d.updatedAt().toString());
        }
    }

    /** Each pixel with its delivery (when it was an attempt of one), read in one query. */
    private List<PixelOut> withDeliveries(AccountId account, List<FiredPixel> fired, @Nullable String callUuid) {
        Map<Long, Delivery> idToDelivery = deliveries.byIds(
                account, fired.stream().flatMap(p -> p.deliveryId().stream()).collect(Collectors.toSet()));
        return fired.stream()
                .map(p -> PixelOut.of(p, callUuid, p.deliveryId().map(idToDelivery::get)))
                .toList();
    }

    public void register(HttpRules rules) {
        rules.get("/api/v2/fired_pixels", (req, res) -> {
            AccountId account = auth.apply(req);
            PageRequest page = Http.pageRequest(req);
            Optional<String> status = Http.query(req, "status");
            status.ifPresent(value -> {
                if (!value.equals("ok") && !value.equals("error") && !value.matches("[1-5]\\d\\d")) {
                    throw new Problem.Invalid("status", "must be an HTTP status, ok or error");
                }
            });
            var filter = new FiredPixelRepository.Filter(
                    Http.idQuery(req, "webhook_id"),
                    status,
                    Http.query(req, "from").map(raw -> Http.parseFrom("from", raw)),
                    Http.query(req, "to").map(raw -> Http.parseTo("to", raw)));
            var found = pixels.list(account, filter, page);
            Http.page(req, res, page, new Page<>(withDeliveries(account, found.items(), null), found.total()));
        });
        rules.get("/api/v2/fired_pixels/{id}", (req, res) -> {
            AccountId account = auth.apply(req);
            long id = Http.pathId(req, "id", "fired pixel");
            FiredPixel pixel =
                    pixels.find(account, id).orElseThrow(() -> new Problem.NotFound("no fired pixel with id " + id));
            Http.ok(res, withDeliveries(account, List.of(pixel), null).getFirst());
        });
        rules.get("/api/v2/calls/{uuid}/fired_pixels", (req, res) -> {
            AccountId account = auth.apply(req);
            Call call = call(req, account);
            Http.ok(res, withDeliveries(account, pixels.forCall(account, call.id()), call.uuid()));
        });
        rules.get("/api/v2/calls/{uuid}/fired_pixels.har", (req, res) -> {
            AccountId account = auth.apply(req);
            Call call = call(req, account);
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"call-" + call.uuid() + ".har\"");
            List<FiredPixel> fired = pixels.forCall(account, call.id());
            Map<Long, Delivery> idToDelivery = deliveries.byIds(
                    account,
                    fired.stream().flatMap(p -> p.deliveryId().stream()).collect(Collectors.toSet()));
            Http.ok(res, Har.of(fired, idToDelivery));
        });
    }

    private Call call(ServerRequest req, AccountId account) {
        String uuid = req.path().pathParameters().get("uuid");
        return calls.find(account, uuid).orElseThrow(() -> new Problem.NotFound("no call with uuid " + uuid));
    }
}
