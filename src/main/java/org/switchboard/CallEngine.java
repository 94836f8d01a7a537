package org.switchboard;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.logging.Logger;
import org.switchboard.call.CallHooks;
import org.switchboard.call.CallService;
import org.switchboard.call.CallTagging;
import org.switchboard.call.EndingHooks;
import org.switchboard.call.SharedCalls;
import org.switchboard.conversion.ConversionService;
import org.switchboard.platform.config.SwitchboardConfig;
import org.switchboard.platform.live.LiveState;
import org.switchboard.platform.live.RedisLiveState;
import org.switchboard.routing.RoutingService;
import org.switchboard.rtb.RtbService;

/** The call flow: routing, the call service, and the conversions decided when a call ends. */
record CallEngine(ConversionService conversions, RoutingService routing, CallService calls) {

    /**
     * Builds the call flow and sets {@code calls} to its call service. {@code rtb}: the RTB engine, built later from
     * this routing, whose ping reservations a call claims. {@code hooks} empty: the webhooks (and the conversions) are
     * the call flow's hooks.
     */
    static CallEngine build(
            Stores stores,
            Features features,
            WebhookEngine webhooks,
            LiveState live,
            SwitchboardConfig config,
            Clock clock,
            Optional<CallHooks> hooks,
            Later<CallService> calls,
            Later<RtbService> rtb) {
        // conversions are decided when a call ends and queue its post-call webhooks; they read calls back later
        var conversions = new ConversionService(
                stores.conversionCriteria(),
                stores.conversions(),
                stores.calls(),
                webhooks.outbox(),
                uuid -> calls.get().liveCall(uuid),
                clock,
                config.conversionRecovery().grace(),
                config.conversionRecovery().sweepEvery());
        var routing = new RoutingService(
                stores.buyers(),
                stores.groups(),
                stores.callerLists(),
                live,
                stores.calls()::connectedSince,
                new Random(),
                (account, inboundNumber, callerNumber, callUuid) ->
                        rtb.get().claim(account, inboundNumber, callerNumber, callUuid),
                Duration.ofSeconds(config.liveLeaseSeconds()));
        var callService = new CallService(
                stores.calls(),
                stores.numbers(),
                stores.campaigns(),
                stores.buyers(),
                new CallTagging(stores.publishers(), features.geo(), stores.callerTagCache(), stores.calls()),
                routing,
                hooks.orElseGet(() -> new EndingHooks(webhooks.hooks(), conversions::onCallEnded)),
                Duration.ofSeconds(config.dialGraceSeconds()),
                // with several nodes, a call's carrier callbacks may reach any of them
                live instanceof RedisLiveState
                        ? Optional.of(new SharedCalls(live, features.secrets()))
                        : Optional.empty(),
                clock);
        calls.set(callService);
        return new CallEngine(conversions, routing, callService);
    }

    /** Starts the conversions' timer and takes up the calls a stopped node left ringing, dialing or connected. */
    void start() {
        conversions.start(Duration.ofSeconds(1));
        // calls a stopped node left ringing, dialing or connected: ended, or their timers armed again
        int resumed = calls.resumeOpenCalls();
        if (resumed > 0) {
            Logger.getLogger(Wiring.class.getName())
                    .info(() -> "picked up " + resumed + " calls left open by the last run");
        }
    }
}
