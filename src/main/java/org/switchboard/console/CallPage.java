package org.switchboard.console;

import io.helidon.webserver.http.HttpRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.call.AttemptOutcome;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.conversion.ConversionOut;
import org.switchboard.conversion.ConversionRepository;
import org.switchboard.platform.http.ApiException;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.id.AccountId;
import org.switchboard.routing.Consideration;
import org.switchboard.webhook.FiredPixel;
import org.switchboard.webhook.FiredPixelRepository;

/**
 * The call overview, {@code /calls/<uuid>}: what happened as a timeline, the call's tags, every buyer considered with
 * the reason, the dials, the conversion and its money, the postbacks received for it, and its Fired Pixels (each
 * opened at {@code /calls/<uuid>/pixels/<id>}) with the HAR Log download. Another account's call is not found.
 */
public final class CallPage {
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
            boolean ok) {}

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
            List<String> tagsApplied) {}

    private final Pages pages;
    private final CallRepository calls;
    private final FiredPixelRepository pixels;
    private final ConversionRepository conversions;
    private final Names.Sources names;
    private final PostbackLogPage postbacks;

    public CallPage(
            Pages pages,
            CallRepository calls,
            FiredPixelRepository pixels,
            ConversionRepository conversions,
            Names.Sources names,
            PostbackLogPage postbacks) {
        this.pages = pages;
        this.calls = calls;
        this.pixels = pixels;
        this.conversions = conversions;
        this.names = names;
        this.postbacks = postbacks;
    }

    public void register(HttpRules rules) {
        pages.get(rules, "/calls/{uuid}", (req, res, who) -> {
            AccountId account = who.account();
            Call call = call(account, req.path().pathParameters().get("uuid"));
            Names known = names.of(account);
            Optional<ConversionOut> money =
                    Optional.ofNullable(ConversionOut.forCalls(conversions, account, List.of(call.id()))
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
                                            a.outcome()
                                                    .map(AttemptOutcome::word)
                                                    .orElse("")))
                                    .toList(),
                            postbacks.forCall(account, call.uuid()),
                            pixels.forCall(account, call.id()).stream()
                                    .map(CallPage::pixelRow)
                                    .toList()));
        });
        pages.get(rules, "/calls/{uuid}/pixels/{id}", (req, res, who) -> {
            AccountId account = who.account();
            Call call = call(account, req.path().pathParameters().get("uuid"));
            long id = Http.pathId(req, "id", "fired pixel");
            FiredPixel pixel = pixels.find(account, id)
                    .filter(p -> p.callId().equals(Optional.of(call.id())))
                    .orElseThrow(() -> new ApiException.NotFound("no fired pixel " + id + " on this call"));
            pages.render(
                    res,
                    "pixel.jte",
                    new PixelView(
                            pages.frame("Fired pixel " + id, "calls", who),
                            call.uuid(),
                            pixel,
                            List.copyOf(pixel.requestHeaders().entrySet()),
                            pixel.responseHeaders().entrySet().stream()
                                    .flatMap(h -> h.getValue().stream().map(v -> Map.entry(h.getKey(), v)))
                                    .toList(),
                            Format.tags(pixel.tagsApplied().asMap())));
        });
    }

    /**
     * The call's recorded transitions with the tags each source applied in between (at the latest arrival, so the
     * arrival comes first), then its conversion decision with the reason and the money it set.
     */
    private List<Step> timeline(Call call, Optional<ConversionOut> money) {
        record Timed(java.time.Instant at, int rank, Step step) {}
        List<Timed> timed = new java.util.ArrayList<>();
        var events = calls.events(call.id());
        events.forEach(e -> timed.add(
                new Timed(e.at(), 0, new Step(Format.instant(e.at()), e.state().word(), e.detail()))));
        java.time.Instant arrival =
                events.isEmpty() ? call.startedAt() : events.getFirst().at();
        for (CallRepository.TagChange change : calls.tagChanges(call.id())) {
            String detail = "by " + change.source() + ": "
                    + String.join(", ", Format.tags(change.added().asMap()))
                    + (change.removed().isEmpty()
                            ? ""
                            : (change.added().isEmpty() ? "" : "; ") + "removed "
                                    + String.join(
                                            ", ", Format.tags(change.removed().asMap())));
            java.time.Instant at = change.at().isBefore(arrival) ? arrival : change.at();
            timed.add(new Timed(at, 1, new Step(Format.instant(change.at()), "tagged", detail)));
        }
        timed.sort(java.util.Comparator.comparing(Timed::at).thenComparing(Timed::rank));
        List<Step> steps =
                new java.util.ArrayList<>(timed.stream().map(Timed::step).toList());
        money.filter(m -> !m.state().equals("pending"))
                .ifPresent(m -> steps.add(new Step(
                        Optional.ofNullable(m.convertedAt())
                                .map(java.time.Instant::parse)
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
        return calls.find(account, uuid).orElseThrow(() -> new ApiException.NotFound("no call " + uuid));
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

    private static PixelRow pixelRow(FiredPixel p) {
        return new PixelRow(
                p.id(),
                p.trigger().word(),
                p.webhookName(),
                p.method(),
                p.url(),
                p.status().map(String::valueOf).orElse(p.errorKind().orElse("no answer")),
                p.elapsedMillis(),
                p.status().filter(s -> s < 400).isPresent());
    }
}
