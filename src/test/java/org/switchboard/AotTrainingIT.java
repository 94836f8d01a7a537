package org.switchboard;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training run ({@code bin/aot-cache}) answers every request it sends as it expects: when the API it
 * exercises changes, this fails here rather than leaving {@code ./switchboard} to start without its cache.
 */
class AotTrainingIT {
    @Test
    void trainingShouldGetTheExpectedAnswerToEveryRequest(@TempDir Path dataDir) {
        // given: a fresh store folder (dataDir)
        // when: the training runs on it
        // then: no request was answered otherwise than it expects (it throws, naming the request, when one is)
        assertThatCode(() -> AotTraining.train(dataDir)).doesNotThrowAnyException();
    }
}
