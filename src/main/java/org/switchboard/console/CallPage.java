package org.switchboard.console;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.switchboard.call.AttemptOutcome;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.conversion.ConversionOut;
import org.switchboard.conversion.ConversionRepository;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.problem.Problem;
import org.switchboard.routing.Consideration;
import org.switchboard.webhook.Delivery;
import org.switchboard.webhook.DeliveryRepository;
import org.switchboard.webhook.DeliveryWorker;
import org.switchboard.webhook.FiredPixel;
import org.switchboard.webhook.FiredPixelRepository;

/**
 * The call overview, {@code /calls/<uuid>}: what happened as a timeline, the call's tags, every buyer considered with
 * the reason, the dials, the conversion and its money, the postbacks received for it, and its Fired Pixels (each
 * opened at {@code /calls/<uuid>/pixels/<id>}) with the HAR Log download. Another account's call is not found.
 */
public final class CallPage {
    /** The webhook outbox as the console replays it, and where replays are recorded. */
    public record Replays(DeliveryRepository deliveries, DeliveryWorker worker, AuditLog audit) {}

    public record Fact(String label, String value) {}

    public record Step(String at, String what, String detail) {}

    public record Dial(
            int attempt, String buyer, String destination, String startedAt, String endedAt, String outcome) {}

    public record PixelRow(
            long id,
            String trigger,
            String webhook,
            String method,
            String url,
            String status,
            long millis,
            boolean ok,
            Optional<DeliveryView> delivery) {}

    /**
     * The delivery a fired pixel was an attempt of: its state ({@code next} when retrying), attempts so far, the
     * {@code webhook-id} every attempt carries, and its last error.
     */
    public record DeliveryView(
            long id, String state, Optional<String> next, int attempts, String messageId, Optional<String> lastError) {
        static DeliveryView of(Delivery d) {
            return new DeliveryView(
                    d.id(),
                    d.state().word(),
                    d.nextAttemptAt()
                            .filter(at -> d.state() == Delivery.State.RETRYING)
                            .map(Format::instant),
                    d.attempts(),
                    d.messageId(),
                    d.lastError());
        }

        /** One line: "retrying (next attempt 2026-…), 2 attempts". */
        public String summary() {
            return state + next.map(at -> " (next attempt " + at + ")").orElse("") + ", " + attempts
                    + (attempts == 1 ? " attempt" : " attempts");
        }
    }

    public record View(
            Frame frame,
            String uuid,
            List<Fact> facts,
            Optional<ConversionOut> conversion,
            List<Step> timeline,
            List<String> tags,
            List<Consideration> considered,
            List<Dial> dials,
            List<PostbackLogPage.Row> postbacks,
            List<PixelRow> pixels) {}

    public record PixelView(
            Frame frame,
            String uuid,
            FiredPixel pixel,
            List<Map.Entry<String, String>> requestHeaders,
            List<Map.Entry<String, String>> responseHeaders,
            List<String> tagsApplied,
            Optional<DeliveryView> delivery,
            Optional<String> notice) {}

    private final Pages pages;
    private final CallRepository calls;
    private final FiredPixelRepository pixels;
    private final ConversionRepository conversions;
    private final Names.Sources names;
    private final PostbackLogPage postbacks;
    private final DeliveryRepository deliveries;
    private final DeliveryWorker deliveryWorker;
    private final AuditLog audit;

    public CallPage(
            Pages pages,
            CallRepository calls,
            FiredPixelRepository pixels,
            ConversionRepository conversions,
            Names.Sources names,
            PostbackLogPage postbacks,
            Replays replays) {
        this.deliveries = replays.deliveries();
        this.deliveryWorker = replays.worker();
        this.audit = replays.audit();
        this.pages = pages;
        this.calls = calls;
        this.pixels = pixels;
        this.conversions = conversions;
        this.names = names;
        this.postbacks = postbacks;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/calls/{uuid}", this::show);
        pages.get(rules, "/calls/{uuid}/pixels/{id}", this::showPixel);
        pages.post(rules, "/calls/{uuid}/pixels/{id}/replay", Pages.Need.CHANGE, this::replay);
    }

    /** One call: its facts, money, timeline, tags, routing, dials, postbacks and fired pixels. */
    private void show(ServerRequest req, ServerResponse res, SignedIn who) {
        AccountId account = who.account();
        Call call = call(account, req.path().pathParameters().get("uuid"));
        Names known = names.of(account);
        Optional<ConversionOut> money =
                Optional.ofNullable(ConversionOut.forCalls(conversions.forCalls(account, List.of(call.id())))
                        .get(call.id()));
        pages.render(
                res,
                "call.jte",
                new View(
                        pages.frame("Call " + call.uuid(), "calls", who),
                        call.uuid(),
                        facts(call, known),
                        money,
                        timeline(call, money),
                        Format.tags(call.tags().asMap()),
                        call.considered(),
                        calls.attempts(call.id()).stream()
                                .map(a -> new Dial(
                                        a.seq(),
                                        known.buyer(Optional.of(a.buyerId())),
                                        a.destination(),
                                        Format.instant(a.startedAt()),
                                        a.endedAt().map(Format::instant).orElse(""),
                                        a.outcome().map(AttemptOutcome::word).orElse("")))
                                .toList(),
                        postbacks.forCall(account, call.uuid()),
                        pixelRows(account, pixels.forCall(account, call.id()))));
    }

    /** One fired pixel of a call: request, response, tags applied and its delivery, if it was one. */
    private void showPixel(ServerRequest req, ServerResponse res, SignedIn who) {
        AccountId account = who.account();
        Call call = call(account, req.path().pathParameters().get("uuid"));
        FiredPixel pixel = pixel(req, account, call);
        Optional<Delivery> delivery = pixel.deliveryId().flatMap(d -> deliveries.find(account, d));
        Optional<String> notice = Http.query(req, "replayed")
                .flatMap(x -> delivery)
                .map(d -> "Queued again: delivery " + d.id() + " is "
                        + DeliveryView.of(d).summary() + ", with webhook-id " + d.messageId() + ".");
        pages.render(
                res,
                "pixel.jte",
                new PixelView(
                        pages.frame("Fired pixel " + pixel.id(), "calls", who),
                        call.uuid(),
                        pixel,
                        List.copyOf(pixel.requestHeaders().entrySet()),
                        pixel.responseHeaders().entrySet().stream()
                                .flatMap(h -> h.getValue().stream().map(v -> Map.entry(h.getKey(), v)))
                                .toList(),
                        Format.tags(pixel.tagsApplied().asMap()),
                        delivery.map(DeliveryView::of),
                        notice));
    }

    /** Queues the pixel's delivery again, keeping or (asked) renewing its webhook-id. */
    private void replay(ServerRequest req, ServerResponse res, SignedIn who, Form form) {
        AccountId account = who.account();
        Call call = call(account, req.path().pathParameters().get("uuid"));
        FiredPixel pixel = pixel(req, account, call);
        long deliveryId = pixel.deliveryId()
                .orElseThrow(() -> new Problem.Invalid(
                        null, "this request was not an attempt of a delivery: there is nothing to replay"));
        Delivery before = deliveries.find(account, deliveryId).orElseThrow();
        boolean newId = form.first("new_webhook_id").isPresent();
        Delivery after = deliveryWorker.replay(account, deliveryId, newId);
        audit.record(
                who,
                req,
                "replayed",
                new AuditLog.Subject("webhook_delivery", Long.toString(deliveryId), pixel.webhookName()),
                auditFields(before),
                auditFields(after),
                Set.of());
        Pages.redirect(res, "/calls/" + call.uuid() + "/pixels/" + pixel.id() + "?replayed=1");
    }

    /** What the audit log keeps of a replayed delivery. */
    private static Map<String, Object> auditFields(Delivery d) {
        return Map.of("state", d.state().word(), "webhook_id", d.messageId(), "attempts", d.attempts());
    }

    private FiredPixel pixel(ServerRequest req, AccountId account, Call call) {
        long id = Http.pathId(req, "id", "fired pixel");
        return pixels.find(account, id)
                .filter(p -> p.callId().equals(Optional.of(call.id())))
                .orElseThrow(() -> new Problem.NotFound("no fired pixel " + id + " on this call"));
    }

    private List<PixelRow> pixelRows(AccountId account, List<FiredPixel> fired) {
        Map<Long, Delivery> idToDelivery = deliveries.byIds(
                account, fired.stream().flatMap(p -> p.deliveryId().stream()).collect(Collectors.toSet()));
        return fired.stream()
                .map(p -> pixelRow(p, p.deliveryId().map(idToDelivery::get).map(DeliveryView::of)))
                .toList();
    }

    /**
     * The call's recorded transitions with the tags each source applied in between (at the latest arrival, so the
     * arrival comes first), then its conversion decision with the reason and the money it set.
     */
    private List<Step> timeline(Call call, Optional<ConversionOut> money) {
        record Timed(Instant at, int rank, Step step) {}
        List<Timed> timed = new ArrayList<>();
        var events = calls.events(call.id());
        events.forEach(e -> timed.add(
                new Timed(e.at(), 0, new Step(Format.instant(e.at()), e.state().word(), e.detail()))));
        Instant arrival =
                events.isEmpty() ? call.startedAt() : events.getFirst().at();
        for (CallRepository.TagChange change : calls.tagChanges(call.id())) {
            String detail = "by " + change.source() + ": "
                    + String.join(", ", Format.tags(change.added().asMap()))
                    + (change.removed().isEmpty()
                            ? ""
                            : (change.added().isEmpty() ? "" : "; ") + "removed "
                                    + String.join(
                                            ", ", Format.tags(change.removed().asMap())));
            Instant at = change.at().isBefore(arrival) ? arrival : change.at();
            timed.add(new Timed(at, 1, new Step(Format.instant(change.at()), "tagged", detail)));
        }
        timed.sort(Comparator.comparing(Timed::at).thenComparingInt(Timed::rank));
        List<Step> steps = new ArrayList<>(timed.stream().map(Timed::step).toList());
        money.filter(m -> !m.state().equals("pending"))
                .ifPresent(m -> steps.add(new Step(
                        Optional.ofNullable(m.convertedAt())
                                .map(Instant::parse)
                                .or(call::endedAt)
                                .map(Format::instant)
                                .orElse(""),
                        m.converted() ? "converted" : "not converted",
                        m.reason()
                                + (m.converted()
                                        ? " (revenue " + Format.money(m.revenue()) + ", payout "
                                                + Format.money(m.payout()) + ")"
                                        : ""))));
        return steps;
    }

    private Call call(AccountId account, String uuid) {
        return calls.find(account, uuid).orElseThrow(() -> new Problem.NotFound("no call " + uuid));
    }

    private static List<Fact> facts(Call call, Names known) {
        return List.of(
                new Fact("Status", call.status()),
                new Fact("Caller", call.callerNumber()),
                new Fact("Tracking number", call.dialedNumber()),
                new Fact("Campaign", known.campaign(call.campaignId())),
                new Fact("Publisher", known.publisher(call.publisherId())),
                new Fact("Buyer", known.buyer(call.buyerId())),
                new Fact("Started", Format.instant(call.startedAt())),
                new Fact("Connected", call.connectedAt().map(Format::instant).orElse("")),
                new Fact("Ended", call.endedAt().map(Format::instant).orElse("")),
                new Fact(
                        "Duration", call.durationSeconds().map(Format::duration).orElse("")),
                new Fact(
                        "Connected time",
                        call.connectedSeconds().map(Format::duration).orElse("")),
                new Fact("Transferred to", call.transferredTo().orElse("")),
                new Fact("Carrier", call.carrier()));
    }

    private static PixelRow pixelRow(FiredPixel p, Optional<DeliveryView> delivery) {
        return new PixelRow(
                p.id(),
                p.trigger().word(),
                p.webhookName(),
                p.method(),
                p.url(),
                p.status().map(String::valueOf).orElse(p.errorKind().orElse("no answer")),
                p.elapsedMillis(),
                p.status().filter(s -> s < 400).isPresent(),
                delivery);
    }
}
