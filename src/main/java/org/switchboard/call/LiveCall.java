package org.switchboard.call;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.switchboard.tag.TagSet;

/**
 * What a hook may do with a call beyond reading its record: know its call key (a bearer secret held only while the
 * call is live, for tokens such as {@code [call_key]}) and change its tags later, from any thread (a webhook answering
 * after the carrier was already told what to do). Each change runs under the call's lock against its current tags.
 */
public interface LiveCall {
    LiveCall NONE = new LiveCall() {
        @Override
        public Optional<String> callKey() {
            return Optional.empty();
        }

        @Override
        public TagSet tags() {
            return TagSet.empty();
        }

        @Override
        public void changeTags(String source, UnaryOperator<TagSet> change) {}

        @Override
        public <T> T underLock(Supplier<T> body) {
            return body.get();
        }

        @Override
        public boolean changeTags(Handle handle, String source, UnaryOperator<TagSet> change) {
            return false;
        }
    };

    Optional<String> callKey();

    /** The call's tags now (including any a hook added since the call record was read). */
    TagSet tags();

    /** Changes the tags; {@code source} says where the change came from (shown on the call overview). */
    void changeTags(String source, UnaryOperator<TagSet> change);

    /**
     * Runs {@code body} under the call's lock, where its tags change: a change made in a transaction that commits
     * inside {@code body} (see {@link #changeTags(Handle, String, UnaryOperator)}) cannot be lost to another.
     */
    <T> T underLock(Supplier<T> body);

    /**
     * Changes the tags as stored, in the caller's transaction, which must commit under {@link #underLock}; false when
     * there is no call.
     */
    boolean changeTags(Handle handle, String source, UnaryOperator<TagSet> change);
}
