package org.switchboard.call;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.switchboard.tag.TagSet;

/**
 * A call's tags built one source at a time, remembering what each source added and removed, so the call overview can
 * say where every tag came from ({@link CallRepository.TagChange}).
 */
final class TagTrail {
    private TagSet tags;
    private final Instant at;
    private final List<CallRepository.TagChange> changes = new ArrayList<>();

    TagTrail(TagSet start, Instant at) {
        this.tags = start;
        this.at = at;
    }

    /** Applies {@code source}'s change to the tags so far. */
    TagTrail apply(String source, UnaryOperator<TagSet> change) {
        TagSet after = change.apply(tags);
        changes.add(change(at, source, tags, after));
        tags = after;
        return this;
    }

    TagSet tags() {
        return tags;
    }

    List<CallRepository.TagChange> changes() {
        return List.copyOf(changes);
    }

    /** What a source changed, from {@code before} to {@code after}. */
    static CallRepository.TagChange change(Instant at, String source, TagSet before, TagSet after) {
        return new CallRepository.TagChange(at, source, after.minus(before), before.minus(after));
    }
}
