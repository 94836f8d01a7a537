package org.switchboard.call;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.switchboard.buyer.Buyer;
import org.switchboard.platform.time.Deadline;
import org.switchboard.tag.TagSet;

/** {@code inner}'s hooks, with {@code atEnd} run after {@code inner}'s end of the call (the conversion decision). */
public record EndingHooks(CallHooks inner, BiConsumer<Call, LiveCall> atEnd) implements CallHooks {

    @Override
    public TagSet onStart(Call call, Deadline deadline, LiveCall live) {
        return inner.onStart(call, deadline, live);
    }

    @Override
    public void onSelected(Call call, Buyer buyer, LiveCall live) {
        inner.onSelected(call, buyer, live);
    }

    @Override
    public void onAnswered(Call call, Buyer buyer, LiveCall live) {
        inner.onAnswered(call, buyer, live);
    }

    @Override
    public List<Duration> connectedTimers(Call call) {
        return inner.connectedTimers(call);
    }

    @Override
    public void onTimer(Call call, Duration connectedFor, LiveCall live) {
        inner.onTimer(call, connectedFor, live);
    }

    @Override
    public void onEnd(Call call, LiveCall live) {
        inner.onEnd(call, live);
        atEnd.accept(call, live);
    }
}
